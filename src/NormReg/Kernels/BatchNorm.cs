using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>
/// Batch normalization over row-major [batch × features] spans, step for step as PyTorch's
/// <c>nn.BatchNorm1d(features, eps, momentum)</c>: statistics per feature across the batch, means and
/// variances accumulated in double (as PyTorch's CPU kernels do for float). Keras:
/// <c>BatchNormalization(momentum=0.99, epsilon=1e-3)</c> ⇔ momentum 0.01, epsilon 1e-3 here, since Keras'
/// momentum is the weight of the old running value and PyTorch's the weight of the new statistic.
/// The <c>Spatial</c> members (BatchNorm.Spatial.cs) are <c>nn.BatchNorm2d</c>: statistics per channel over batch and pixels.
/// </summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class BatchNorm
{
    /// <summary>
    /// Features per chunk of the row-by-row passes: the chunk's sums in double (2 × 2 KB) stay in L1 while the batch streams through
    /// it in order. Row by row, MnistMlp's first BatchNorm (batch 128 × 256 features) took 12–14 µs forward and 8–10 µs backward, where
    /// eight features at a time down the batch (an add's latency per sample and vector) took 17–18 and 13–14 µs.
    /// </summary>
    private const int Chunk = 256;

    /// <summary>
    /// Training forward: each feature is normalized with its batch mean and <b>biased</b> batch variance,
    /// <c>x̂ = (x − μ)/√(σ² + ε)</c>, and <c>y = γ·x̂ + β</c>. Writes x̂ to <paramref name="normalized"/> and
    /// <c>1/√(σ² + ε)</c> per feature to <paramref name="inverseStd"/>, both for <see cref="Backward"/>.
    /// Updates the running statistics <c>r ← (1 − m)·r + m·s</c> with the batch mean and the <b>unbiased</b>
    /// variance <c>σ²·n/(n − 1)</c>, as PyTorch. Requires <paramref name="batch"/> ≥ 2; the caller checks
    /// (PyTorch: "Expected more than 1 value per channel when training").
    /// </summary>
    public static void ForwardTraining(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> normalized, Span<float> inverseStd, Span<float> runningMean, Span<float> runningVariance, int batch, int features, float momentum, float epsilon)
    {
        if (!FeatureParts.TryForward(x, gamma, beta, y, normalized, inverseStd, runningMean, runningVariance, batch, features, momentum, epsilon))
        {
            ForwardTrainingRange(x, gamma, beta, y, normalized, inverseStd, runningMean, runningVariance, batch, features, momentum, epsilon, 0, features);
        }
    }

    /// <summary><see cref="ForwardTraining"/> of features <paramref name="from"/> to <paramref name="to"/>, in chunks.</summary>
    private static void ForwardTrainingRange(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> normalized, Span<float> inverseStd, Span<float> runningMean, Span<float> runningVariance,
        int batch, int features, float momentum, float epsilon, int from, int to)
    {
        Span<double> first = stackalloc double[Chunk], second = stackalloc double[Chunk];
        for (int f = from; f < to; f += Chunk)
        {
            int width = Math.Min(Chunk, to - f);
            ForwardTrainingChunk(x, gamma, beta, y, normalized, inverseStd, runningMean, runningVariance, first.Slice(0, width), second.Slice(0, width), f, batch, features, momentum, epsilon);
        }
    }

    /// <summary>
    /// The statistics of features <paramref name="f"/> to <paramref name="f"/> + <paramref name="mean"/>.Length, row by row: each feature's sums
    /// are added in batch order in double, whatever the vector width (<see cref="Rows"/>), so the bits are the same on every path.
    /// </summary>
    /// <remarks>
    /// A feature whose new running mean or variance would not be finite (values beyond ±1e18 can make the unbiased variance overflow
    /// float) keeps its old ones, and its outputs, normalized values and inverse standard deviation become NaN: the outputs and the
    /// loss are NaN, so <c>TrainStep</c> refuses the step and puts the statistics back, and a custom loop sees NaN instead of a network
    /// that silently answers wrong.
    /// </remarks>
    private static void ForwardTrainingChunk(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> normalized, Span<float> inverseStd, Span<float> runningMean, Span<float> runningVariance,
        Span<double> mean, Span<double> inverse, int f, int batch, int features, float momentum, float epsilon)
    {
        int width = mean.Length;
        mean.Clear();
        inverse.Clear();
        for (int n = 0; n < batch; n++) Rows.Add(x.Slice(n * features + f, width), mean);
        for (int i = 0; i < width; i++) mean[i] /= batch;
        for (int n = 0; n < batch; n++) Rows.AddSquaredDeviations(x.Slice(n * features + f, width), mean, inverse);
        double m = momentum, keep = 1 - m;
        for (int i = 0; i < width; i++)
        {
            double squares = inverse[i], invStd = 1 / Math.Sqrt(squares / batch + epsilon);
            float nextMean = (float)(keep * runningMean[f + i] + m * mean[i]), nextVariance = (float)(keep * runningVariance[f + i] + m * (squares / (batch - 1)));
            if (float.IsFinite(nextMean) && float.IsFinite(nextVariance))
            {
                (runningMean[f + i], runningVariance[f + i]) = (nextMean, nextVariance);
            }
            else
            {
                invStd = double.NaN; // x̂ and y of the feature follow
            }
            inverse[i] = invStd;
            inverseStd[f + i] = (float)invStd;
        }
        for (int n = 0; n < batch; n++)
        {
            int at = n * features + f;
            Rows.Normalize(x.Slice(at, width), mean, inverse, gamma.Slice(f, width), beta.Slice(f, width), normalized.Slice(at, width), y.Slice(at, width));
        }
    }

    /// <summary>Inference forward with the running statistics: <c>y = γ·(x − r_μ)/√(r_σ² + ε) + β</c> (PyTorch's <c>eval()</c> mode).</summary>
    public static void ForwardInference(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, Span<float> y, int batch, int features, float epsilon)
    {
        for (int f = 0; f < features; f++)
        {
            double scale = gamma[f] / Math.Sqrt(runningVariance[f] + (double)epsilon);
            double mean = runningMean[f];
            for (int n = 0; n < batch; n++)
            {
                int i = n * features + f;
                y[i] = (float)((x[i] - mean) * scale + beta[f]);
            }
        }
    }

    /// <summary>
    /// Backward through the batch statistics of the last <see cref="ForwardTraining"/>, given its
    /// <paramref name="normalized"/> x̂ and <paramref name="inverseStd"/>:
    /// <c>dx = γ·invStd·(dy − mean(dy) − x̂·mean(dy·x̂))</c> per feature, <c>dγ = Σ dy·x̂</c>, <c>dβ = Σ dy</c>.
    /// Overwrites <paramref name="dx"/>, <paramref name="gammaGradients"/> and <paramref name="betaGradients"/>, and returns whether
    /// every γ and β gradient is finite.
    /// </summary>
    public static bool Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx, Span<float> gammaGradients, Span<float> betaGradients, int batch, int features)
    {
        if (!FeatureParts.TryBackward(dy, normalized, inverseStd, gamma, dx, gammaGradients, betaGradients, batch, features))
        {
            BackwardRange(dy, normalized, inverseStd, gamma, dx, gammaGradients, betaGradients, batch, features, 0, features);
        }
        return Guard.AllFinite(gammaGradients.Slice(0, features)) && Guard.AllFinite(betaGradients.Slice(0, features));
    }

    /// <summary><see cref="Backward"/> of features <paramref name="from"/> to <paramref name="to"/>, in chunks.</summary>
    private static void BackwardRange(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx, Span<float> gammaGradients, Span<float> betaGradients,
        int batch, int features, int from, int to)
    {
        Span<double> first = stackalloc double[Chunk], second = stackalloc double[Chunk], third = stackalloc double[Chunk];
        for (int f = from; f < to; f += Chunk)
        {
            int width = Math.Min(Chunk, to - f);
            BackwardChunk(dy, normalized, inverseStd, gamma, dx, gammaGradients, betaGradients, first.Slice(0, width), second.Slice(0, width), third.Slice(0, width), f, batch, features);
        }
    }

    /// <summary>Features <paramref name="f"/> to <paramref name="f"/> + <paramref name="sumDy"/>.Length of <see cref="Backward"/>, row by row as <see cref="ForwardTrainingChunk"/>.</summary>
    private static void BackwardChunk(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx,
        Span<float> gammaGradients, Span<float> betaGradients, Span<double> sumDy, Span<double> sumDyXhat, Span<double> scale, int f, int batch, int features)
    {
        int width = sumDy.Length;
        sumDy.Clear();
        sumDyXhat.Clear();
        for (int n = 0; n < batch; n++) Rows.AddWithProducts(dy.Slice(n * features + f, width), normalized.Slice(n * features + f, width), sumDy, sumDyXhat);
        // The sums become the means, which with γ·invStd are the terms of dx.
        for (int i = 0; i < width; i++)
        {
            betaGradients[f + i] = (float)sumDy[i];
            gammaGradients[f + i] = (float)sumDyXhat[i];
            sumDy[i] /= batch;
            sumDyXhat[i] /= batch;
            scale[i] = (double)gamma[f + i] * inverseStd[f + i];
        }
        for (int n = 0; n < batch; n++) Rows.InputGradient(dy.Slice(n * features + f, width), normalized.Slice(n * features + f, width), sumDy, sumDyXhat, scale, dx.Slice(n * features + f, width));
    }

    /// <summary>
    /// Folds an inference-mode batch normalization into the dense layer before it, so that one dense layer
    /// computes both: with <c>s = γ/√(r_σ² + ε)</c>, <c>W'[o, i] = W[o, i]·s[o]</c> and
    /// <c>b'[o] = (b[o] − r_μ[o])·s[o] + β[o]</c>. An empty <paramref name="bias"/> counts as zeros;
    /// <paramref name="foldedBias"/> always receives <paramref name="outputs"/> values. Weights are
    /// [outputs × inputs] row-major, as <see cref="Dense"/>.
    /// </summary>
    public static void Fold(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, Span<float> foldedWeights, Span<float> foldedBias, int inputs, int outputs, float epsilon)
    {
        for (int o = 0; o < outputs; o++)
        {
            double scale = gamma[o] / Math.Sqrt(runningVariance[o] + (double)epsilon);
            TensorPrimitives.Multiply(weights.Slice(o * inputs, inputs), (float)scale, foldedWeights.Slice(o * inputs, inputs));
            double b = bias.IsEmpty ? 0 : bias[o];
            foldedBias[o] = (float)((b - runningMean[o]) * scale + beta[o]);
        }
    }
}
