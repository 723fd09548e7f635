using System.ComponentModel;
using System;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

/// <summary>
/// Element-wise activations and the row-wise softmax. Each backward overwrites <c>dx</c> with the
/// gradient of the input, given the layer's input <c>x</c> and/or output <c>y</c> from the forward pass.
/// </summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    /// <summary><c>y = max(0, x)</c>.</summary>
    public static void ReLU(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary>ReLU backward: the gradient passes where the output is positive (0 at x = 0, as PyTorch).</summary>
    public static void ReLUBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<float>.Count <= dx.Length; i += Vector256<float>.Count)
            {
                Vector256<float> positive = Vector256.GreaterThan(Vector256.Create(y.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero);
                Vector256.ConditionalSelect(positive, Vector256.Create(dy.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero).CopyTo(dx.Slice(i));
            }
        }
        for (; i < dx.Length; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }

    /// <summary><c>y = x</c> for <c>x &gt; 0</c>, else <c>alpha·x</c>.</summary>
    public static void LeakyReLU(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        for (int i = 0; i < y.Length; i++) y[i] = x[i] > 0f ? x[i] : alpha * x[i];
    }

    /// <summary>Leaky ReLU backward, decided on the input as PyTorch does.</summary>
    public static void LeakyReLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float alpha)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = x[i] > 0f ? dy[i] : alpha * dy[i];
    }

    /// <summary><c>y = tanh(x)</c>.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <summary>Tanh backward: <c>dx = dy·(1 − y²)</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = dy[i] * (1f - y[i] * y[i]);
    }

    /// <summary><c>y = 1 / (1 + e^-x)</c>.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    /// <summary>Sigmoid backward: <c>dx = dy·y·(1 − y)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = dy[i] * y[i] * (1f - y[i]);
    }

    /// <summary>Exact GELU, <c>y = x·Φ(x)</c> with Φ the standard normal CDF.</summary>
    public static void GELU(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = (float)(x[i] * NormalCdf(x[i]));
    }

    /// <summary>GELU backward: <c>dx = dy·(Φ(x) + x·φ(x))</c>.</summary>
    public static void GELUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        const double InvSqrt2Pi = 0.3989422804014327;
        for (int i = 0; i < dx.Length; i++)
        {
            double v = x[i];
            dx[i] = (float)(dy[i] * (NormalCdf(v) + v * InvSqrt2Pi * Math.Exp(-0.5 * v * v)));
        }
    }

    /// <summary>Softmax of each row of <paramref name="features"/> values.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int batch, int features)
    {
        for (int n = 0; n < batch; n++)
        {
            TensorPrimitives.SoftMax(x.Slice(n * features, features), y.Slice(n * features, features));
        }
    }

    /// <summary>Softmax backward per row: <c>dx = y ⊙ (dy − Σ dy ⊙ y)</c>.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, int features)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> yRow = y.Slice(n * features, features);
            ReadOnlySpan<float> dyRow = dy.Slice(n * features, features);
            Span<float> dxRow = dx.Slice(n * features, features);
            float dot = TensorPrimitives.Dot(yRow, dyRow);
            TensorPrimitives.Subtract(dyRow, dot, dxRow);
            TensorPrimitives.Multiply(dxRow, yRow, dxRow);
        }
    }

    /// <summary>Standard normal CDF through erfc, with fractional error below 1.2e-7 (Numerical Recipes' Chebyshev fit).</summary>
    private static double NormalCdf(double x) => 0.5 * Erfc(-x * 0.7071067811865476);

    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
