using System.ComponentModel;
using System;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>
/// Layer normalization over row-major [batch × features] spans, as PyTorch's
/// <c>nn.LayerNorm(features, eps)</c>: each sample is normalized over its own features, with its mean and
/// biased variance accumulated in double, and scaled by per-feature γ and β. It behaves the same in
/// training and inference. Keras: <c>LayerNormalization(epsilon=1e-3)</c> — mind Keras' larger default epsilon.
/// </summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LayerNorm
{
    /// <summary>
    /// <c>x̂ = (x − μ)/√(σ² + ε)</c> with μ and the biased σ² of each sample, and <c>y = γ·x̂ + β</c>. Writes x̂
    /// to <paramref name="normalized"/> and one <c>1/√(σ² + ε)</c> per sample to <paramref name="inverseStd"/>
    /// (<paramref name="batch"/> values), both for <see cref="Backward"/>.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> normalized, Span<float> inverseStd, int batch, int features, float epsilon)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xRow = x.Slice(n * features, features);
            Span<float> xHatRow = normalized.Slice(n * features, features);

            double sum = 0;
            foreach (float v in xRow) sum += v;
            double mean = sum / features;

            double squares = 0;
            foreach (float v in xRow)
            {
                double d = v - mean;
                squares += d * d;
            }
            double invStd = 1 / Math.Sqrt(squares / features + epsilon);
            inverseStd[n] = (float)invStd;

            for (int j = 0; j < features; j++) xHatRow[j] = (float)((xRow[j] - mean) * invStd);
            TensorPrimitives.MultiplyAdd(xHatRow, gamma, beta, y.Slice(n * features, features));
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/> given its <paramref name="normalized"/> x̂ and <paramref name="inverseStd"/>:
    /// per sample, with <c>g = γ·dy</c>, <c>dx = invStd·(g − mean(g) − x̂·mean(g·x̂))</c>; over the batch,
    /// <c>dγ = Σ dy·x̂</c> and <c>dβ = Σ dy</c>. Overwrites <paramref name="dx"/>, <paramref name="gammaGradients"/>
    /// and <paramref name="betaGradients"/>, and returns whether every γ and β gradient is finite.
    /// </summary>
    public static bool Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx, Span<float> gammaGradients, Span<float> betaGradients, int batch, int features)
    {
        gammaGradients.Clear();
        betaGradients.Clear();
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> dyRow = dy.Slice(n * features, features);
            ReadOnlySpan<float> xHatRow = normalized.Slice(n * features, features);
            Span<float> dxRow = dx.Slice(n * features, features);

            TensorPrimitives.MultiplyAdd(dyRow, xHatRow, gammaGradients, gammaGradients);
            TensorPrimitives.Add(betaGradients, dyRow, betaGradients);

            double sumG = 0, sumGXhat = 0;
            for (int j = 0; j < features; j++)
            {
                double g = (double)gamma[j] * dyRow[j];
                sumG += g;
                sumGXhat += g * xHatRow[j];
            }
            double meanG = sumG / features, meanGXhat = sumGXhat / features, invStd = inverseStd[n];
            for (int j = 0; j < features; j++)
            {
                dxRow[j] = (float)(invStd * ((double)gamma[j] * dyRow[j] - meanG - xHatRow[j] * meanGXhat));
            }
        }
        return Guard.AllFinite(gammaGradients.Slice(0, features)) && Guard.AllFinite(betaGradients.Slice(0, features));
    }
}
