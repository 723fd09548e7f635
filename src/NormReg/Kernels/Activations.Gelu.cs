using System;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

public static partial class Activations
{
    /// <summary>Values per pass of the GELU pipeline: its intermediate rows stay on the stack and in L1.</summary>
    private const int GeluChunk = 256;

    private const float InverseSqrt2 = 0.70710678f;

    private const float InverseSqrt2Pi = 0.39894228f;

    /// <summary>
    /// Exact GELU, <c>y = x·Φ(x)</c> with Φ the standard normal CDF (PyTorch's <c>nn.GELU()</c>, Keras' <c>gelu(approximate=False)</c>):
    /// Φ(x) = erfc(−x/√2)/2 through a Chebyshev fit of erfc (fractional error below 1.2e-7), in vector passes at every width.
    /// </summary>
    public static void GELU(ReadOnlySpan<float> x, Span<float> y)
    {
        Lengths.AtLeast(x.Length, y.Length, nameof(x));
        Span<float> t = stackalloc float[GeluChunk], r = stackalloc float[GeluChunk];
        for (int start = 0; start < y.Length; start += GeluChunk)
        {
            int count = Math.Min(GeluChunk, y.Length - start);
            ReadOnlySpan<float> xs = x.Slice(start, count);
            Complement(xs, t[..count], r[..count]);
            Elementwise.Apply<GeluOutput>(xs, r[..count], y.Slice(start, count), 0.5f);
        }
    }

    /// <summary>GELU backward: <c>dx = dy·(Φ(x) + x·φ(x))</c>, φ the standard normal density.</summary>
    public static void GELUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Lengths.AtLeast(x.Length, dx.Length, nameof(x));
        Lengths.AtLeast(dy.Length, dx.Length, nameof(dy));
        Span<float> t = stackalloc float[GeluChunk], r = stackalloc float[GeluChunk];
        for (int start = 0; start < dx.Length; start += GeluChunk)
        {
            int count = Math.Min(GeluChunk, dx.Length - start);
            ReadOnlySpan<float> xs = x.Slice(start, count);
            Span<float> ts = t[..count], rs = r[..count];
            Complement(xs, ts, rs);
            Elementwise.Apply<NormalCdf>(xs, rs, rs, 0.5f);
            Elementwise.Apply<HalfSquare>(xs, xs, ts, -0.5f);
            TensorPrimitives.Exp(ts, ts);
            Elementwise.Apply<GeluSlope>(xs, ts, ts, InverseSqrt2Pi);
            TensorPrimitives.Add(rs, ts, rs);
            TensorPrimitives.Multiply(dy.Slice(start, count), rs, dx.Slice(start, count));
        }
    }

    /// <summary>
    /// <c>r = erfc(|x|/√2)</c> by Numerical Recipes' fit <c>t·exp(−z² − 1.26551223 + t·P(t))</c> with <c>z = |x|/√2</c>, <c>t = 1/(1 + z/2)</c>;
    /// <paramref name="t"/> is scratch.
    /// </summary>
    private static void Complement(ReadOnlySpan<float> x, Span<float> t, Span<float> r)
    {
        Elementwise.Apply<ErfcStep>(x, x, t, InverseSqrt2);
        Elementwise.Apply<ErfcExponent>(x, t, r, InverseSqrt2);
        TensorPrimitives.Exp(r, r);
        TensorPrimitives.Multiply(t, r, r);
    }

    /// <summary><c>t = 1/(1 + z/2)</c>, <c>z = |x|·c</c>.</summary>
    private readonly struct ErfcStep : IElementwise
    {
        public static T Invoke<T>(T x, T unused, T c) where T : struct, IVector<T>
        {
            T z = T.Select(T.LessThan(x, T.Zero), T.Zero - x, x) * c;
            return T.Create(1f) / (T.Create(1f) + T.Create(0.5f) * z);
        }

        public static float Invoke(float x, float unused, float c)
        {
            float z = (x < 0f ? 0f - x : x) * c;
            return 1f / (1f + 0.5f * z);
        }
    }

    /// <summary>The fit's exponent <c>−z² − 1.26551223 + t·P(t)</c>, by Horner's rule with multiply-adds.</summary>
    private readonly struct ErfcExponent : IElementwise
    {
        public static T Invoke<T>(T x, T t, T c) where T : struct, IVector<T>
        {
            T z = T.Select(T.LessThan(x, T.Zero), T.Zero - x, x) * c;
            T p = T.MultiplyAdd(T.Create(0.17087277f), t, T.Create(-0.82215223f));
            p = T.MultiplyAdd(p, t, T.Create(1.48851587f));
            p = T.MultiplyAdd(p, t, T.Create(-1.13520398f));
            p = T.MultiplyAdd(p, t, T.Create(0.27886807f));
            p = T.MultiplyAdd(p, t, T.Create(-0.18628806f));
            p = T.MultiplyAdd(p, t, T.Create(0.09678418f));
            p = T.MultiplyAdd(p, t, T.Create(0.37409196f));
            p = T.MultiplyAdd(p, t, T.Create(1.00002368f));
            p = T.MultiplyAdd(p, t, T.Create(-1.26551223f));
            return T.MultiplyAdd(T.Zero - z, z, p);
        }

        public static float Invoke(float x, float t, float c)
        {
            float z = (x < 0f ? 0f - x : x) * c;
            float p = Simd.MultiplyAdd(0.17087277f, t, -0.82215223f);
            p = Simd.MultiplyAdd(p, t, 1.48851587f);
            p = Simd.MultiplyAdd(p, t, -1.13520398f);
            p = Simd.MultiplyAdd(p, t, 0.27886807f);
            p = Simd.MultiplyAdd(p, t, -0.18628806f);
            p = Simd.MultiplyAdd(p, t, 0.09678418f);
            p = Simd.MultiplyAdd(p, t, 0.37409196f);
            p = Simd.MultiplyAdd(p, t, 1.00002368f);
            p = Simd.MultiplyAdd(p, t, -1.26551223f);
            return Simd.MultiplyAdd(0f - z, z, p);
        }
    }

    /// <summary><c>Φ(x) = half·(x &gt; 0 ? 2 − r : r)</c> from <c>r = erfc(|x|/√2)</c>.</summary>
    private readonly struct NormalCdf : IElementwise
    {
        public static T Invoke<T>(T x, T r, T half) where T : struct, IVector<T> => half * T.Select(T.GreaterThan(x, T.Zero), T.Create(2f) - r, r);

        public static float Invoke(float x, float r, float half) => half * (x > 0f ? 2f - r : r);
    }

    /// <summary><c>x·Φ(x)</c>.</summary>
    private readonly struct GeluOutput : IElementwise
    {
        public static T Invoke<T>(T x, T r, T half) where T : struct, IVector<T> => x * NormalCdf.Invoke(x, r, half);

        public static float Invoke(float x, float r, float half) => x * NormalCdf.Invoke(x, r, half);
    }

    /// <summary><c>c·x·x</c>.</summary>
    private readonly struct HalfSquare : IElementwise
    {
        public static T Invoke<T>(T x, T unused, T c) where T : struct, IVector<T> => c * x * x;

        public static float Invoke(float x, float unused, float c) => c * x * x;
    }

    /// <summary><c>x·c·e</c>: with <c>e = exp(−x²/2)</c> and <c>c = 1/√(2π)</c>, x·φ(x).</summary>
    private readonly struct GeluSlope : IElementwise
    {
        public static T Invoke<T>(T x, T e, T c) where T : struct, IVector<T> => x * c * e;

        public static float Invoke(float x, float e, float c) => x * c * e;
    }
}
