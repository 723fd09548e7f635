using System.ComponentModel;
using System;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>
/// Element-wise activations and the row-wise softmax. Each backward overwrites <c>dx</c> with the
/// gradient of the input, given the layer's input <c>x</c> and/or output <c>y</c> from the forward pass.
/// </summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Activations
{
    /// <summary><c>y = max(0, x)</c>.</summary>
    public static void ReLU(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary>ReLU backward: the gradient passes where the output is positive (0 at x = 0, as PyTorch).</summary>
    public static void ReLUBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Elementwise.Apply<ReLUGradient>(y, dy, dx, 0f);

    /// <summary><c>y = x</c> for <c>x &gt; 0</c>, else <c>alpha·x</c>.</summary>
    public static void LeakyReLU(ReadOnlySpan<float> x, Span<float> y, float alpha) => Elementwise.Apply<LeakyReLUOperation>(x, x, y, alpha);

    /// <summary>Leaky ReLU backward, decided on the input as PyTorch does.</summary>
    public static void LeakyReLUBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, float alpha) => Elementwise.Apply<LeakyReLUGradient>(x, dy, dx, alpha);

    /// <summary><c>y = tanh(x)</c>.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <summary>Tanh backward: <c>dx = dy·(1 − y²)</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Elementwise.Apply<TanhGradient>(y, dy, dx, 1f);

    /// <summary><c>y = 1 / (1 + e^-x)</c>.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    /// <summary>Sigmoid backward: <c>dx = dy·y·(1 − y)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Elementwise.Apply<SigmoidGradient>(y, dy, dx, 1f);

    /// <summary>
    /// Softmax of each row of <paramref name="features"/> values: <c>e^(x − max) / Σ e^(x − max)</c>, the sum taken in order so that every
    /// SIMD width gives the same bits.
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int batch, int features)
    {
        for (int n = 0; n < batch; n++)
        {
            Span<float> row = y.Slice(n * features, features);
            ReadOnlySpan<float> xRow = x.Slice(n * features, features);
            TensorPrimitives.Subtract(xRow, TensorPrimitives.Max(xRow), row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Divide(row, SumInOrder(row), row);
        }
    }

    /// <summary>Softmax backward per row: <c>dx = y ⊙ (dy − Σ dy ⊙ y)</c>, the sum taken in order.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, int features)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> yRow = y.Slice(n * features, features);
            ReadOnlySpan<float> dyRow = dy.Slice(n * features, features);
            Span<float> dxRow = dx.Slice(n * features, features);
            float dot = 0;
            for (int j = 0; j < features; j++) dot += yRow[j] * dyRow[j];
            TensorPrimitives.Subtract(dyRow, dot, dxRow);
            TensorPrimitives.Multiply(dxRow, yRow, dxRow);
        }
    }

    /// <summary>
    /// The values added one after another. <see cref="TensorPrimitives.Sum(ReadOnlySpan{float})"/> adds in an order that depends on the
    /// SIMD width, so its last bits differ between machines; rows of class scores are short enough for this.
    /// </summary>
    internal static float SumInOrder(ReadOnlySpan<float> values)
    {
        float sum = 0;
        foreach (float v in values) sum += v;
        return sum;
    }

    private readonly struct ReLUGradient : IElementwise
    {
        public static T Invoke<T>(T y, T dy, T zero) where T : struct, IVector<T> => T.Select(T.GreaterThan(y, zero), dy, zero);

        public static float Invoke(float y, float dy, float zero) => y > zero ? dy : zero;
    }

    private readonly struct LeakyReLUOperation : IElementwise
    {
        public static T Invoke<T>(T x, T unused, T alpha) where T : struct, IVector<T> => T.Select(T.GreaterThan(x, T.Zero), x, alpha * x);

        public static float Invoke(float x, float unused, float alpha) => x > 0f ? x : alpha * x;
    }

    private readonly struct LeakyReLUGradient : IElementwise
    {
        public static T Invoke<T>(T x, T dy, T alpha) where T : struct, IVector<T> => T.Select(T.GreaterThan(x, T.Zero), dy, alpha * dy);

        public static float Invoke(float x, float dy, float alpha) => x > 0f ? dy : alpha * dy;
    }

    /// <summary><c>dy·(1 − y²)</c>.</summary>
    private readonly struct TanhGradient : IElementwise
    {
        public static T Invoke<T>(T y, T dy, T one) where T : struct, IVector<T> => dy * (one - y * y);

        public static float Invoke(float y, float dy, float one) => dy * (one - y * y);
    }

    /// <summary><c>dy·y·(1 − y)</c>.</summary>
    private readonly struct SigmoidGradient : IElementwise
    {
        public static T Invoke<T>(T y, T dy, T one) where T : struct, IVector<T> => dy * y * (one - y);

        public static float Invoke(float y, float dy, float one) => dy * y * (one - y);
    }
}
