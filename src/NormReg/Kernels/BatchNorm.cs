using System;
using System.Buffers;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

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
    private const int Lanes = 8;

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
        // Values beyond ±1e18 can make the unbiased batch variance overflow float (deviations² > 3.4e38); only then are the
        // old running statistics kept aside, so a feature whose running statistic would become infinite keeps its old one.
        float[]? kept = null;
        if (!(MathF.Abs(TensorPrimitives.MaxMagnitude(x)) <= SafeMagnitude))
        {
            kept = ArrayPool<float>.Shared.Rent(2 * features);
            runningMean.CopyTo(kept);
            runningVariance.CopyTo(kept.AsSpan(features));
        }
        int f = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; f + Lanes <= features; f += Lanes) ForwardTrainingBlock(x, normalized, inverseStd, runningMean, runningVariance, f, batch, features, momentum, epsilon);
        }
        for (; f < features; f++) ForwardTrainingFeature(x, normalized, inverseStd, runningMean, runningVariance, f, batch, features, momentum, epsilon);
        if (kept is not null)
        {
            RefuseOverflow(normalized, inverseStd, runningMean, runningVariance, kept, batch, features);
            ArrayPool<float>.Shared.Return(kept);
        }
        for (int n = 0; n < batch; n++)
        {
            TensorPrimitives.MultiplyAdd(normalized.Slice(n * features, features), gamma, beta, y.Slice(n * features, features));
        }
    }

    /// <summary>Inputs no larger than this cannot make a running statistic overflow float.</summary>
    private const float SafeMagnitude = 1e18f;

    /// <summary>
    /// A feature whose new running mean or variance is not finite keeps its old ones, and its normalized values and
    /// inverse standard deviation become NaN: the outputs and the loss are NaN, so <c>TrainStep</c> refuses the step and
    /// puts the statistics back, and a custom loop sees NaN instead of a network that silently answers wrong.
    /// </summary>
    private static void RefuseOverflow(Span<float> normalized, Span<float> inverseStd, Span<float> runningMean, Span<float> runningVariance, ReadOnlySpan<float> kept, int batch, int features)
    {
        for (int f = 0; f < features; f++)
        {
            if (float.IsFinite(runningMean[f]) && float.IsFinite(runningVariance[f])) continue;
            runningMean[f] = kept[f];
            runningVariance[f] = kept[features + f];
            inverseStd[f] = float.NaN;
            for (int n = 0; n < batch; n++) normalized[n * features + f] = float.NaN;
        }
    }

    /// <summary>
    /// The statistics of eight features at once, two vectors of four doubles each: every lane adds its feature's values in
    /// batch order, as <see cref="ForwardTrainingFeature"/> does, so both give the same bits.
    /// </summary>
    private static void ForwardTrainingBlock(ReadOnlySpan<float> x, Span<float> normalized, Span<float> inverseStd, Span<float> runningMean, Span<float> runningVariance, int f, int batch, int features, float momentum, float epsilon)
    {
        var count = Vector256.Create((double)batch);
        Vector256<double> sumLow = default, sumHigh = default;
        for (int n = 0; n < batch; n++)
        {
            (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.Create(x.Slice(n * features + f, Lanes)));
            sumLow += low;
            sumHigh += high;
        }
        Vector256<double> meanLow = sumLow / count, meanHigh = sumHigh / count;

        Vector256<double> squaresLow = default, squaresHigh = default;
        for (int n = 0; n < batch; n++)
        {
            (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.Create(x.Slice(n * features + f, Lanes)));
            Vector256<double> dLow = low - meanLow, dHigh = high - meanHigh;
            squaresLow += dLow * dLow;
            squaresHigh += dHigh * dHigh;
        }
        var eps = Vector256.Create((double)epsilon);
        Vector256<double> invLow = Vector256<double>.One / Vector256.Sqrt(squaresLow / count + eps);
        Vector256<double> invHigh = Vector256<double>.One / Vector256.Sqrt(squaresHigh / count + eps);
        Vector256.Narrow(invLow, invHigh).CopyTo(inverseStd.Slice(f, Lanes));
        for (int n = 0; n < batch; n++)
        {
            (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.Create(x.Slice(n * features + f, Lanes)));
            Vector256.Narrow((low - meanLow) * invLow, (high - meanHigh) * invHigh).CopyTo(normalized.Slice(n * features + f, Lanes));
        }

        var m = Vector256.Create((double)momentum);
        var keep = Vector256.Create(1 - (double)momentum);
        var unbiased = Vector256.Create((double)(batch - 1));
        (Vector256<double> meanRunLow, Vector256<double> meanRunHigh) = Vector256.Widen(Vector256.Create(runningMean.Slice(f, Lanes)));
        Vector256.Narrow(keep * meanRunLow + m * meanLow, keep * meanRunHigh + m * meanHigh).CopyTo(runningMean.Slice(f, Lanes));
        (Vector256<double> varRunLow, Vector256<double> varRunHigh) = Vector256.Widen(Vector256.Create(runningVariance.Slice(f, Lanes)));
        Vector256.Narrow(keep * varRunLow + m * (squaresLow / unbiased), keep * varRunHigh + m * (squaresHigh / unbiased)).CopyTo(runningVariance.Slice(f, Lanes));
    }

    /// <summary>The statistics of one feature, for the features past the last block of eight.</summary>
    private static void ForwardTrainingFeature(ReadOnlySpan<float> x, Span<float> normalized, Span<float> inverseStd, Span<float> runningMean, Span<float> runningVariance, int f, int batch, int features, float momentum, float epsilon)
    {
        double m = momentum;
        double sum = 0;
        for (int n = 0; n < batch; n++) sum += x[n * features + f];
        double mean = sum / batch;

        double squares = 0;
        for (int n = 0; n < batch; n++)
        {
            double d = x[n * features + f] - mean;
            squares += d * d;
        }
        double invStd = 1 / Math.Sqrt(squares / batch + epsilon);
        inverseStd[f] = (float)invStd;
        for (int n = 0; n < batch; n++) normalized[n * features + f] = (float)((x[n * features + f] - mean) * invStd);

        runningMean[f] = (float)((1 - m) * runningMean[f] + m * mean);
        runningVariance[f] = (float)((1 - m) * runningVariance[f] + m * (squares / (batch - 1)));
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
        int f = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; f + Lanes <= features; f += Lanes) BackwardBlock(dy, normalized, inverseStd, gamma, dx, gammaGradients, betaGradients, f, batch, features);
        }
        for (; f < features; f++) BackwardFeature(dy, normalized, inverseStd, gamma, dx, gammaGradients, betaGradients, f, batch, features);
        return Guard.AllFinite(gammaGradients.Slice(0, features)) && Guard.AllFinite(betaGradients.Slice(0, features));
    }

    /// <summary>Eight features at once, with the same double operations per lane as <see cref="BackwardFeature"/>.</summary>
    private static void BackwardBlock(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx, Span<float> gammaGradients, Span<float> betaGradients, int f, int batch, int features)
    {
        Vector256<double> sumDyLow = default, sumDyHigh = default, sumDyXhatLow = default, sumDyXhatHigh = default;
        for (int n = 0; n < batch; n++)
        {
            int i = n * features + f;
            (Vector256<double> g0, Vector256<double> g1) = Vector256.Widen(Vector256.Create(dy.Slice(i, Lanes)));
            (Vector256<double> h0, Vector256<double> h1) = Vector256.Widen(Vector256.Create(normalized.Slice(i, Lanes)));
            sumDyLow += g0;
            sumDyHigh += g1;
            sumDyXhatLow += g0 * h0;
            sumDyXhatHigh += g1 * h1;
        }
        Vector256.Narrow(sumDyLow, sumDyHigh).CopyTo(betaGradients.Slice(f, Lanes));
        Vector256.Narrow(sumDyXhatLow, sumDyXhatHigh).CopyTo(gammaGradients.Slice(f, Lanes));

        var count = Vector256.Create((double)batch);
        Vector256<double> meanDyLow = sumDyLow / count, meanDyHigh = sumDyHigh / count;
        Vector256<double> meanDyXhatLow = sumDyXhatLow / count, meanDyXhatHigh = sumDyXhatHigh / count;
        (Vector256<double> gammaLow, Vector256<double> gammaHigh) = Vector256.Widen(Vector256.Create(gamma.Slice(f, Lanes)));
        (Vector256<double> invLow, Vector256<double> invHigh) = Vector256.Widen(Vector256.Create(inverseStd.Slice(f, Lanes)));
        Vector256<double> scaleLow = gammaLow * invLow, scaleHigh = gammaHigh * invHigh;
        for (int n = 0; n < batch; n++)
        {
            int i = n * features + f;
            (Vector256<double> g0, Vector256<double> g1) = Vector256.Widen(Vector256.Create(dy.Slice(i, Lanes)));
            (Vector256<double> h0, Vector256<double> h1) = Vector256.Widen(Vector256.Create(normalized.Slice(i, Lanes)));
            Vector256.Narrow(scaleLow * (g0 - meanDyLow - h0 * meanDyXhatLow), scaleHigh * (g1 - meanDyHigh - h1 * meanDyXhatHigh)).CopyTo(dx.Slice(i, Lanes));
        }
    }

    /// <summary>One feature, for the features past the last block of eight.</summary>
    private static void BackwardFeature(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx, Span<float> gammaGradients, Span<float> betaGradients, int f, int batch, int features)
    {
        double sumDy = 0, sumDyXhat = 0;
        for (int n = 0; n < batch; n++)
        {
            int i = n * features + f;
            sumDy += dy[i];
            sumDyXhat += (double)dy[i] * normalized[i];
        }
        betaGradients[f] = (float)sumDy;
        gammaGradients[f] = (float)sumDyXhat;

        double meanDy = sumDy / batch, meanDyXhat = sumDyXhat / batch;
        double scale = (double)gamma[f] * inverseStd[f];
        for (int n = 0; n < batch; n++)
        {
            int i = n * features + f;
            dx[i] = (float)(scale * (dy[i] - meanDy - normalized[i] * meanDyXhat));
        }
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
