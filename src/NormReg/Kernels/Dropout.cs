using System.ComponentModel;
using System;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>Inverted dropout and additive Gaussian noise, drawn from a <see cref="SeededRandom"/>.</summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dropout
{
    /// <summary>
    /// Keeps each value with probability <c>1 − rate</c> and scales it by <c>1/(1 − rate)</c>; <paramref name="mask"/>
    /// receives the factor applied to each value (0 or the scale), for the backward pass.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, ref SeededRandom random)
    {
        uint threshold = (uint)(rate * 4294967296.0);
        float scale = 1f / (1f - rate);
        SeededRandom local = random; // a local the JIT keeps in registers; the caller's copy is written back once
        for (int i = 0; i < y.Length; i++)
        {
            float m = local.NextUInt32() >= threshold ? scale : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
        random = local;
    }

    /// <summary>Routes the gradient through the same mask: <c>dx = dy ⊙ mask</c>.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx) => TensorPrimitives.Multiply(dy, mask, dx);

    /// <summary>
    /// Spatial dropout, PyTorch's <c>nn.Dropout2d(p)</c> and Keras' <c>SpatialDropout2D(rate)</c>: each of the <paramref name="n"/>·<paramref name="channels"/>
    /// feature maps of <paramref name="spatial"/> values is kept whole with probability <c>1 − rate</c> and scaled by <c>1/(1 − rate)</c>, or
    /// zeroed whole. <paramref name="mask"/> [n·C] receives each map's factor (0 or the scale), for <see cref="SpatialBackward"/>.
    /// </summary>
    public static void SpatialForward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, ref SeededRandom random, int n, int channels, int spatial)
    {
        int maps = n * channels;
        Lengths.AtLeast(x.Length, maps * spatial, nameof(x));
        Lengths.AtLeast(y.Length, maps * spatial, nameof(y));
        Lengths.AtLeast(mask.Length, maps, nameof(mask));
        uint threshold = (uint)(rate * 4294967296.0);
        float scale = 1f / (1f - rate);
        for (int p = 0; p < maps; p++)
        {
            float m = random.NextUInt32() >= threshold ? scale : 0f;
            mask[p] = m;
            TensorPrimitives.Multiply(x.Slice(p * spatial, spatial), m, y.Slice(p * spatial, spatial));
        }
    }

    /// <summary>Routes the gradient through the same maps: <c>dx[s, c, ·] = dy[s, c, ·]·mask[s·C + c]</c>.</summary>
    public static void SpatialBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx, int n, int channels, int spatial)
    {
        int maps = n * channels;
        Lengths.AtLeast(dy.Length, maps * spatial, nameof(dy));
        Lengths.AtLeast(dx.Length, maps * spatial, nameof(dx));
        Lengths.AtLeast(mask.Length, maps, nameof(mask));
        for (int p = 0; p < maps; p++) TensorPrimitives.Multiply(dy.Slice(p * spatial, spatial), mask[p], dx.Slice(p * spatial, spatial));
    }

    /// <summary><c>y = x + σ·z</c> with <c>z</c> standard normal (Box–Muller). Its gradient is the identity.</summary>
    public static void GaussianNoise(ReadOnlySpan<float> x, Span<float> y, float standardDeviation, ref SeededRandom random)
    {
        for (int i = 0; i < y.Length; i += 2)
        {
            float radius = standardDeviation * MathF.Sqrt(-2f * MathF.Log(1f - random.NextSingle()));
            (float sin, float cos) = MathF.SinCos(2f * MathF.PI * random.NextSingle());
            y[i] = x[i] + radius * cos;
            if (i + 1 < y.Length) y[i + 1] = x[i + 1] + radius * sin;
        }
    }
}
