using System;
using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

// Batch normalization over images, PyTorch's nn.BatchNorm2d(C, eps, momentum) and Keras' BatchNormalization(axis=1) on
// channel-first inputs: statistics per channel over the batch and every pixel, [batch × C × spatial] values.
public static partial class BatchNorm
{
    /// <summary>
    /// Training forward of <c>nn.BatchNorm2d</c> on [<paramref name="batch"/> × <paramref name="channels"/> × <paramref name="spatial"/>]
    /// values: each channel normalized with the mean and <b>biased</b> variance of its batch·spatial values (accumulated in double),
    /// <c>y = γ·x̂ + β</c>. Writes x̂ to <paramref name="normalized"/> and <c>1/√(σ² + ε)</c> per channel to <paramref name="inverseStd"/>
    /// for <see cref="BackwardSpatial"/>, and updates the running statistics with the batch mean and the <b>unbiased</b> variance
    /// (count batch·spatial). Requires batch·spatial ≥ 2; the caller checks. A channel whose running statistic would overflow float
    /// keeps its old ones and gets NaN outputs, as <see cref="ForwardTraining"/>.
    /// </summary>
    public static void ForwardTrainingSpatial(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> normalized, Span<float> inverseStd,
        Span<float> runningMean, Span<float> runningVariance, int batch, int channels, int spatial, float momentum, float epsilon)
    {
        int total = batch * channels * spatial;
        float[]? kept = null;
        if (!(MathF.Abs(TensorPrimitives.MaxMagnitude(x.Slice(0, total))) <= SafeMagnitude))
        {
            kept = ArrayPool<float>.Shared.Rent(2 * channels);
            runningMean.Slice(0, channels).CopyTo(kept);
            runningVariance.Slice(0, channels).CopyTo(kept.AsSpan(channels));
        }
        double count = (double)batch * spatial, m = momentum;
        int stride = channels * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int s = 0; s < batch; s++) sum += Sum(x.Slice(s * stride + c * spatial, spatial));
            double mean = sum / count;
            double squares = 0;
            for (int s = 0; s < batch; s++) squares += SquaredDeviations(x.Slice(s * stride + c * spatial, spatial), mean);
            double inv = 1 / Math.Sqrt(squares / count + epsilon);
            inverseStd[c] = (float)inv;
            for (int s = 0; s < batch; s++)
            {
                int at = s * stride + c * spatial;
                Normalize(x.Slice(at, spatial), normalized.Slice(at, spatial), mean, inv);
            }
            runningMean[c] = (float)((1 - m) * runningMean[c] + m * mean);
            runningVariance[c] = (float)((1 - m) * runningVariance[c] + m * (squares / (count - 1)));
        }
        if (kept is not null)
        {
            for (int c = 0; c < channels; c++)
            {
                if (float.IsFinite(runningMean[c]) && float.IsFinite(runningVariance[c])) continue;
                runningMean[c] = kept[c];
                runningVariance[c] = kept[channels + c];
                inverseStd[c] = float.NaN;
                for (int s = 0; s < batch; s++) normalized.Slice(s * stride + c * spatial, spatial).Fill(float.NaN);
            }
            ArrayPool<float>.Shared.Return(kept);
        }
        for (int s = 0; s < batch; s++)
        {
            for (int c = 0; c < channels; c++)
            {
                int at = s * stride + c * spatial;
                Span<float> to = y.Slice(at, spatial);
                TensorPrimitives.Multiply(normalized.Slice(at, spatial), gamma[c], to);
                TensorPrimitives.Add(to, beta[c], to);
            }
        }
    }

    /// <summary>Inference forward of <c>nn.BatchNorm2d</c> in <c>eval()</c> mode: <c>y = γ·(x − r_μ)/√(r_σ² + ε) + β</c> per channel, in double.</summary>
    public static void ForwardInferenceSpatial(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance,
        Span<float> y, int batch, int channels, int spatial, float epsilon)
    {
        int stride = channels * spatial;
        for (int c = 0; c < channels; c++)
        {
            double scale = gamma[c] / Math.Sqrt(runningVariance[c] + (double)epsilon);
            for (int s = 0; s < batch; s++)
            {
                int at = s * stride + c * spatial;
                Affine(x.Slice(at, spatial), y.Slice(at, spatial), runningMean[c], scale, beta[c]);
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="ForwardTrainingSpatial"/> from its <paramref name="normalized"/> x̂ and <paramref name="inverseStd"/>, per
    /// channel over batch·spatial values N: <c>dx = γ·invStd·(dy − Σdy/N − x̂·Σ(dy·x̂)/N)</c>, <c>dγ = Σ dy·x̂</c>, <c>dβ = Σ dy</c>, sums in
    /// double. Overwrites <paramref name="dx"/> and both gradients; returns whether every γ and β gradient is finite.
    /// </summary>
    public static bool BackwardSpatial(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx,
        Span<float> gammaGradients, Span<float> betaGradients, int batch, int channels, int spatial)
    {
        double count = (double)batch * spatial;
        int stride = channels * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int s = 0; s < batch; s++)
            {
                int at = s * stride + c * spatial;
                (double a, double b) = SumAndDot(dy.Slice(at, spatial), normalized.Slice(at, spatial));
                sumDy += a;
                sumDyXhat += b;
            }
            betaGradients[c] = (float)sumDy;
            gammaGradients[c] = (float)sumDyXhat;
            double scale = (double)gamma[c] * inverseStd[c], meanDy = sumDy / count, meanDyXhat = sumDyXhat / count;
            for (int s = 0; s < batch; s++)
            {
                int at = s * stride + c * spatial;
                InputGradient(dy.Slice(at, spatial), normalized.Slice(at, spatial), dx.Slice(at, spatial), scale, meanDy, meanDyXhat);
            }
        }
        return Guard.AllFinite(gammaGradients.Slice(0, channels)) && Guard.AllFinite(betaGradients.Slice(0, channels));
    }

    // The three sums below run on 128-bit vectors on every machine, so that their order, and the statistics' bits, do not depend on the
    // hardware's width: four double lanes (two vectors) each add the floats i ≡ lane (mod 4), eight per step, folded as (0 + 1) + (2 + 3).

    /// <summary>Σ v in double.</summary>
    private static double Sum(ReadOnlySpan<float> v)
    {
        int i = 0;
        Vector128<double> low = default, high = default;
        for (; i + Lanes <= v.Length; i += Lanes)
        {
            (Vector128<double> a0, Vector128<double> a1) = Vector128.Widen(Vector128.Create(v.Slice(i, 4)));
            (Vector128<double> b0, Vector128<double> b1) = Vector128.Widen(Vector128.Create(v.Slice(i + 4, 4)));
            low += a0 + b0;
            high += a1 + b1;
        }
        double total = Fold(low, high);
        for (; i < v.Length; i++) total += v[i];
        return total;
    }

    /// <summary>Σ (v − mean)² in double.</summary>
    private static double SquaredDeviations(ReadOnlySpan<float> v, double mean)
    {
        int i = 0;
        var m = Vector128.Create(mean);
        Vector128<double> low = default, high = default;
        for (; i + Lanes <= v.Length; i += Lanes)
        {
            (Vector128<double> a0, Vector128<double> a1) = Vector128.Widen(Vector128.Create(v.Slice(i, 4)));
            (Vector128<double> b0, Vector128<double> b1) = Vector128.Widen(Vector128.Create(v.Slice(i + 4, 4)));
            a0 -= m;
            a1 -= m;
            b0 -= m;
            b1 -= m;
            low += a0 * a0 + b0 * b0;
            high += a1 * a1 + b1 * b1;
        }
        double total = Fold(low, high);
        for (; i < v.Length; i++)
        {
            double d = v[i] - mean;
            total += d * d;
        }
        return total;
    }

    /// <summary>Σ a and Σ a·b in double.</summary>
    private static (double Sum, double Dot) SumAndDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        Vector128<double> sumLow = default, sumHigh = default, dotLow = default, dotHigh = default;
        for (; i + Lanes <= a.Length; i += Lanes)
        {
            (Vector128<double> a0, Vector128<double> a1) = Vector128.Widen(Vector128.Create(a.Slice(i, 4)));
            (Vector128<double> a2, Vector128<double> a3) = Vector128.Widen(Vector128.Create(a.Slice(i + 4, 4)));
            (Vector128<double> b0, Vector128<double> b1) = Vector128.Widen(Vector128.Create(b.Slice(i, 4)));
            (Vector128<double> b2, Vector128<double> b3) = Vector128.Widen(Vector128.Create(b.Slice(i + 4, 4)));
            sumLow += a0 + a2;
            sumHigh += a1 + a3;
            dotLow += a0 * b0 + a2 * b2;
            dotHigh += a1 * b1 + a3 * b3;
        }
        double sum = Fold(sumLow, sumHigh), dot = Fold(dotLow, dotHigh);
        for (; i < a.Length; i++)
        {
            sum += a[i];
            dot += (double)a[i] * b[i];
        }
        return (sum, dot);
    }

    /// <summary>Lanes 0 to 3 of two double vectors added as (0 + 1) + (2 + 3).</summary>
    private static double Fold(Vector128<double> low, Vector128<double> high) => (low.GetElement(0) + low.GetElement(1)) + (high.GetElement(0) + high.GetElement(1));

    /// <summary><c>to = (float)((from − mean)·inv)</c>, in double.</summary>
    private static void Normalize(ReadOnlySpan<float> from, Span<float> to, double mean, double inv) => Affine(from, to, mean, inv, 0);

    /// <summary><c>to = (float)((from − mean)·scale + shift)</c>, in double.</summary>
    private static void Affine(ReadOnlySpan<float> from, Span<float> to, double mean, double scale, double shift)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> m = Vector256.Create(mean), k = Vector256.Create(scale), b = Vector256.Create(shift);
            for (; i + Lanes <= from.Length; i += Lanes)
            {
                (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.Create(from.Slice(i, Lanes)));
                Vector256.Narrow((low - m) * k + b, (high - m) * k + b).CopyTo(to.Slice(i, Lanes));
            }
        }
        for (; i < from.Length; i++) to[i] = (float)((from[i] - mean) * scale + shift);
    }

    /// <summary><c>dx = (float)(scale·(dy − meanDy − x̂·meanDyXhat))</c>, in double.</summary>
    private static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, Span<float> dx, double scale, double meanDy, double meanDyXhat)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> k = Vector256.Create(scale), md = Vector256.Create(meanDy), mx = Vector256.Create(meanDyXhat);
            for (; i + Lanes <= dy.Length; i += Lanes)
            {
                (Vector256<double> g0, Vector256<double> g1) = Vector256.Widen(Vector256.Create(dy.Slice(i, Lanes)));
                (Vector256<double> h0, Vector256<double> h1) = Vector256.Widen(Vector256.Create(xhat.Slice(i, Lanes)));
                Vector256.Narrow(k * (g0 - md - h0 * mx), k * (g1 - md - h1 * mx)).CopyTo(dx.Slice(i, Lanes));
            }
        }
        for (; i < dy.Length; i++) dx[i] = (float)(scale * (dy[i] - meanDy - xhat[i] * meanDyXhat));
    }
}
