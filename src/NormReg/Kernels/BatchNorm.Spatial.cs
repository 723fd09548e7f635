using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

// Batch normalization over images, PyTorch's nn.BatchNorm2d(C, eps, momentum) and Keras' BatchNormalization(axis=1) on
// channel-first inputs: statistics per channel over the batch and every pixel, [batch × C × spatial] values.
public static partial class BatchNorm
{
    private const int StatisticLanes = 16;

    /// <summary>
    /// Training forward of <c>nn.BatchNorm2d</c> on [<paramref name="batch"/> × <paramref name="channels"/> × <paramref name="spatial"/>]
    /// values: each channel normalized with the mean and <b>biased</b> variance of its batch·spatial values (summed in double, in one
    /// pass, by runs of <see cref="SpatialChunk"/> samples), then <c>x̂ = (x − μ)·invStd</c> and <c>y = γ·x̂ + β</c> in float. Writes x̂ to <paramref name="normalized"/> and <c>1/√(σ² + ε)</c> per channel to <paramref name="inverseStd"/>
    /// for <see cref="BackwardSpatial"/>, and updates the running statistics with the batch mean and the <b>unbiased</b> variance
    /// (count batch·spatial). Requires batch·spatial ≥ 2; the caller checks. A channel whose running statistic would overflow float
    /// keeps its old ones and gets NaN outputs, as <see cref="ForwardTraining"/>.
    /// </summary>
    public static void ForwardTrainingSpatial(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> normalized, Span<float> inverseStd,
        Span<float> runningMean, Span<float> runningVariance, int batch, int channels, int spatial, float momentum, float epsilon)
    {
        int stride = channels * spatial, total = batch * stride;
        x = x.Slice(0, total);
        y = y.Slice(0, total);
        normalized = normalized.Slice(0, total);
        var moments = new SpatialMoments(inverseStd.Slice(0, channels), runningMean.Slice(0, channels), runningVariance.Slice(0, channels), (double)batch * spatial, momentum, epsilon);
        if (SpatialParts.TryForward(x, gamma, beta, y, normalized, moments, batch, channels, spatial)) return;
        for (int c = 0; c < channels; c++)
        {
            double shift = x[c * spatial], sum = 0, squares = 0;
            for (int first = 0; first < batch; first += SpatialChunk)
            {
                (double chunkSum, double chunkSquares) = ShiftedSums(x, first * stride + c * spatial, stride, Math.Min(SpatialChunk, batch - first), spatial, shift);
                sum += chunkSum;
                squares += chunkSquares;
            }
            (float mean, float inv) = moments.Channel(c, shift, sum, squares);
            for (int s = 0; s < batch; s++)
            {
                int at = s * stride + c * spatial;
                NormalizeAndScale(x.Slice(at, spatial), normalized.Slice(at, spatial), y.Slice(at, spatial), mean, inv, gamma[c], beta[c]);
            }
        }
    }

    /// <summary>
    /// Samples per partial sum of the spatial statistics: each channel's sums are taken over runs of this many samples and the runs'
    /// sums added in order, so splitting a batch by whole runs over threads gives the same bits as one thread. Four is the batch
    /// split's grain, so each part of a training segment finds its own samples' statistics still in its core's cache.
    /// </summary>
    internal const int SpatialChunk = 4;

    /// <summary>What the training forward keeps per channel, and the arithmetic from a channel's sums to its mean and 1/√(σ² + ε).</summary>
    internal readonly ref struct SpatialMoments(Span<float> inverseStd, Span<float> runningMean, Span<float> runningVariance, double count, float momentum, float epsilon)
    {
        private readonly Span<float> _inverseStd = inverseStd, _runningMean = runningMean, _runningVariance = runningVariance;

        /// <summary>
        /// The mean and 1/√(σ² + ε) of channel <paramref name="c"/> from its values' sums Σ(x − shift) and Σ(x − shift)² (whose shift
        /// keeps Σd² − (Σd)²/N from cancelling); stores 1/√(σ² + ε) and moves the running statistics, or, when they would overflow
        /// float, keeps them and answers NaN, as <see cref="ForwardTraining"/>.
        /// </summary>
        public (float Mean, float Inverse) Channel(int c, double shift, double sum, double squares)
        {
            double mean = shift + sum / count, m = momentum;
            double deviations = Math.Max(squares - sum * sum / count, 0);
            double inv = 1 / Math.Sqrt(deviations / count + epsilon);
            float newMean = (float)((1 - m) * _runningMean[c] + m * mean), newVariance = (float)((1 - m) * _runningVariance[c] + m * (deviations / (count - 1)));
            if (float.IsFinite(newMean) && float.IsFinite(newVariance))
            {
                _runningMean[c] = newMean;
                _runningVariance[c] = newVariance;
            }
            else inv = double.NaN;
            _inverseStd[c] = (float)inv;
            return ((float)mean, (float)inv);
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
    /// double, dx in float. Overwrites <paramref name="dx"/> and both gradients; returns whether every γ and β gradient is finite.
    /// </summary>
    public static bool BackwardSpatial(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx,
        Span<float> gammaGradients, Span<float> betaGradients, int batch, int channels, int spatial)
    {
        double count = (double)batch * spatial;
        int stride = channels * spatial, total = batch * stride;
        dy = dy.Slice(0, total);
        normalized = normalized.Slice(0, total);
        dx = dx.Slice(0, total);
        gammaGradients = gammaGradients.Slice(0, channels);
        betaGradients = betaGradients.Slice(0, channels);
        if (!SpatialParts.TryBackward(dy, normalized, inverseStd, gamma, dx, gammaGradients, betaGradients, batch, channels, spatial))
        {
            for (int c = 0; c < channels; c++)
            {
                double sumDy = 0, sumDyXhat = 0;
                for (int first = 0; first < batch; first += SpatialChunk)
                {
                    (double chunkDy, double chunkDyXhat) = SumAndDot(dy, normalized, first * stride + c * spatial, stride, Math.Min(SpatialChunk, batch - first), spatial);
                    sumDy += chunkDy;
                    sumDyXhat += chunkDyXhat;
                }
                (float scale, float meanDy, float meanDyXhat) = GradientTerms(c, sumDy, sumDyXhat, count, inverseStd, gamma, gammaGradients, betaGradients);
                for (int s = 0; s < batch; s++)
                {
                    int at = s * stride + c * spatial;
                    InputGradient(dy.Slice(at, spatial), normalized.Slice(at, spatial), dx.Slice(at, spatial), scale, meanDy, meanDyXhat);
                }
            }
        }
        return Guard.AllFinite(gammaGradients) && Guard.AllFinite(betaGradients);
    }

    /// <summary>Stores channel <paramref name="c"/>'s γ and β gradients from its sums, and returns the input gradient's γ·invStd, Σdy/N and Σ(dy·x̂)/N.</summary>
    private static (float Scale, float MeanDy, float MeanDyXhat) GradientTerms(int c, double sumDy, double sumDyXhat, double count, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma,
        Span<float> gammaGradients, Span<float> betaGradients)
    {
        betaGradients[c] = (float)sumDy;
        gammaGradients[c] = (float)sumDyXhat;
        return ((float)((double)gamma[c] * inverseStd[c]), (float)(sumDy / count), (float)(sumDyXhat / count));
    }

    // The sums below run on 16 double lanes, four Vector256 (two Vector512 where accelerated; emulated where the hardware has none,
    // with the same bits): lane j adds the values j, j + 16, … of each sample's run of spatial values, the last spatial mod 16 of a
    // run go to a scalar in order, and the lanes fold as ((0–3 + 4–7) + (8–11 + 12–15)), then (0 + 1) + (2 + 3). Several chains
    // keep the adds from waiting on each other.

    /// <summary>Σ (x − shift) and Σ (x − shift)² in double over a channel's runs: <paramref name="batch"/> runs of <paramref name="spatial"/> values, <paramref name="stride"/> apart from <paramref name="first"/>.</summary>
    private static (double Sum, double Squares) ShiftedSums(ReadOnlySpan<float> x, int first, int stride, int batch, int spatial, double shift)
    {
        int whole = spatial - spatial % StatisticLanes;
        if (Vector512.IsHardwareAccelerated) return ShiftedSums512(x, first, stride, batch, spatial, shift);
        var k = Vector256.Create(shift);
        Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default, q0 = default, q1 = default, q2 = default, q3 = default;
        double sumTail = 0, squaresTail = 0;
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> run = x.Slice(first + s * stride, spatial);
            ref float r = ref MemoryMarshal.GetReference(run);
            for (int i = 0; i < whole; i += StatisticLanes)
            {
                (Vector256<double> d0, Vector256<double> d1) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
                (Vector256<double> d2, Vector256<double> d3) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i + 8));
                d0 -= k;
                d1 -= k;
                d2 -= k;
                d3 -= k;
                s0 += d0;
                s1 += d1;
                s2 += d2;
                s3 += d3;
                q0 += d0 * d0;
                q1 += d1 * d1;
                q2 += d2 * d2;
                q3 += d3 * d3;
            }
            for (int i = whole; i < spatial; i++)
            {
                double d = run[i] - shift;
                sumTail += d;
                squaresTail += d * d;
            }
        }
        return (Fold(s0, s1, s2, s3) + sumTail, Fold(q0, q1, q2, q3) + squaresTail);
    }

    /// <summary><see cref="ShiftedSums"/> with each pair of its 256-bit lanes in one 512-bit vector: the same sums, half the instructions.</summary>
    private static (double Sum, double Squares) ShiftedSums512(ReadOnlySpan<float> x, int first, int stride, int batch, int spatial, double shift)
    {
        int whole = spatial - spatial % StatisticLanes;
        var k = Vector512.Create(shift);
        Vector512<double> s01 = default, s23 = default, q01 = default, q23 = default;
        double sumTail = 0, squaresTail = 0;
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> run = x.Slice(first + s * stride, spatial);
            ref float r = ref MemoryMarshal.GetReference(run);
            for (int i = 0; i < whole; i += StatisticLanes)
            {
                (Vector512<double> d01, Vector512<double> d23) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)i));
                d01 -= k;
                d23 -= k;
                s01 += d01;
                s23 += d23;
                q01 += d01 * d01;
                q23 += d23 * d23;
            }
            for (int i = whole; i < spatial; i++)
            {
                double d = run[i] - shift;
                sumTail += d;
                squaresTail += d * d;
            }
        }
        return (Fold(s01.GetLower(), s01.GetUpper(), s23.GetLower(), s23.GetUpper()) + sumTail, Fold(q01.GetLower(), q01.GetUpper(), q23.GetLower(), q23.GetUpper()) + squaresTail);
    }

    /// <summary>Σ a and Σ a·b in double over a channel's runs, laid out as in <see cref="ShiftedSums"/>.</summary>
    private static (double Sum, double Dot) SumAndDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int first, int stride, int batch, int spatial)
    {
        int whole = spatial - spatial % StatisticLanes;
        if (Vector512.IsHardwareAccelerated) return SumAndDot512(a, b, first, stride, batch, spatial);
        Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default, p0 = default, p1 = default, p2 = default, p3 = default;
        double sumTail = 0, dotTail = 0;
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> runA = a.Slice(first + s * stride, spatial), runB = b.Slice(first + s * stride, spatial);
            ref float ra = ref MemoryMarshal.GetReference(runA);
            ref float rb = ref MemoryMarshal.GetReference(runB);
            for (int i = 0; i < whole; i += StatisticLanes)
            {
                (Vector256<double> a0, Vector256<double> a1) = Vector256.Widen(Vector256.LoadUnsafe(ref ra, (nuint)i));
                (Vector256<double> a2, Vector256<double> a3) = Vector256.Widen(Vector256.LoadUnsafe(ref ra, (nuint)i + 8));
                (Vector256<double> b0, Vector256<double> b1) = Vector256.Widen(Vector256.LoadUnsafe(ref rb, (nuint)i));
                (Vector256<double> b2, Vector256<double> b3) = Vector256.Widen(Vector256.LoadUnsafe(ref rb, (nuint)i + 8));
                s0 += a0;
                s1 += a1;
                s2 += a2;
                s3 += a3;
                p0 += a0 * b0;
                p1 += a1 * b1;
                p2 += a2 * b2;
                p3 += a3 * b3;
            }
            for (int i = whole; i < spatial; i++)
            {
                sumTail += runA[i];
                dotTail += (double)runA[i] * runB[i];
            }
        }
        return (Fold(s0, s1, s2, s3) + sumTail, Fold(p0, p1, p2, p3) + dotTail);
    }

    /// <summary><see cref="SumAndDot"/> with each pair of its 256-bit lanes in one 512-bit vector: the same sums, half the instructions.</summary>
    private static (double Sum, double Dot) SumAndDot512(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int first, int stride, int batch, int spatial)
    {
        int whole = spatial - spatial % StatisticLanes;
        Vector512<double> s01 = default, s23 = default, p01 = default, p23 = default;
        double sumTail = 0, dotTail = 0;
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> runA = a.Slice(first + s * stride, spatial), runB = b.Slice(first + s * stride, spatial);
            ref float ra = ref MemoryMarshal.GetReference(runA);
            ref float rb = ref MemoryMarshal.GetReference(runB);
            for (int i = 0; i < whole; i += StatisticLanes)
            {
                (Vector512<double> a01, Vector512<double> a23) = Vector512.Widen(Vector512.LoadUnsafe(ref ra, (nuint)i));
                (Vector512<double> b01, Vector512<double> b23) = Vector512.Widen(Vector512.LoadUnsafe(ref rb, (nuint)i));
                s01 += a01;
                s23 += a23;
                p01 += a01 * b01;
                p23 += a23 * b23;
            }
            for (int i = whole; i < spatial; i++)
            {
                sumTail += runA[i];
                dotTail += (double)runA[i] * runB[i];
            }
        }
        return (Fold(s01.GetLower(), s01.GetUpper(), s23.GetLower(), s23.GetUpper()) + sumTail, Fold(p01.GetLower(), p01.GetUpper(), p23.GetLower(), p23.GetUpper()) + dotTail);
    }

    /// <summary>The 16 lanes of four double vectors added as ((0–3 + 4–7) + (8–11 + 12–15)), then (0 + 1) + (2 + 3).</summary>
    private static double Fold(Vector256<double> v0, Vector256<double> v1, Vector256<double> v2, Vector256<double> v3)
    {
        Vector256<double> v = (v0 + v1) + (v2 + v3);
        return (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));
    }

    // The two element-wise passes run in float at the kernels' width: each element's operations are the same at every width and in
    // the scalar tail (no fused multiply-add), so every path gives the same bits.

    /// <summary><c>normalized = (x − mean)·inv</c>, then <c>y = normalized·γ + β</c>, in float.</summary>
    private static void NormalizeAndScale(ReadOnlySpan<float> x, Span<float> normalized, Span<float> y, float mean, float inv, float gamma, float beta)
    {
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float h0 = ref MemoryMarshal.GetReference(normalized.Slice(0, x.Length));
        ref float y0 = ref MemoryMarshal.GetReference(y.Slice(0, x.Length));
        switch (Simd.Width)
        {
            case 512:
                NormalizeAndScale<V512>(ref x0, ref h0, ref y0, x.Length, mean, inv, gamma, beta);
                break;
            case 256:
                NormalizeAndScale<V256>(ref x0, ref h0, ref y0, x.Length, mean, inv, gamma, beta);
                break;
            default:
                NormalizeAndScale<V128>(ref x0, ref h0, ref y0, x.Length, mean, inv, gamma, beta);
                break;
        }
    }

    private static void NormalizeAndScale<T>(ref float x, ref float normalized, ref float y, int count, float mean, float inv, float gamma, float beta)
        where T : struct, IVector<T>
    {
        T m = T.Create(mean), k = T.Create(inv), g = T.Create(gamma), b = T.Create(beta);
        int i = 0;
        for (; i + T.Count <= count; i += T.Count)
        {
            T h = (T.Load(ref x, (nuint)i) - m) * k;
            T.Store(h, ref normalized, (nuint)i);
            T.Store(h * g + b, ref y, (nuint)i);
        }
        for (; i < count; i++)
        {
            float h = (Unsafe.Add(ref x, i) - mean) * inv;
            Unsafe.Add(ref normalized, i) = h;
            Unsafe.Add(ref y, i) = h * gamma + beta;
        }
    }

    /// <summary><c>dx = scale·((dy − meanDy) − x̂·meanDyXhat)</c>, in float.</summary>
    private static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, Span<float> dx, float scale, float meanDy, float meanDyXhat)
    {
        ref float g0 = ref MemoryMarshal.GetReference(dy);
        ref float h0 = ref MemoryMarshal.GetReference(xhat.Slice(0, dy.Length));
        ref float d0 = ref MemoryMarshal.GetReference(dx.Slice(0, dy.Length));
        switch (Simd.Width)
        {
            case 512:
                InputGradient<V512>(ref g0, ref h0, ref d0, dy.Length, scale, meanDy, meanDyXhat);
                break;
            case 256:
                InputGradient<V256>(ref g0, ref h0, ref d0, dy.Length, scale, meanDy, meanDyXhat);
                break;
            default:
                InputGradient<V128>(ref g0, ref h0, ref d0, dy.Length, scale, meanDy, meanDyXhat);
                break;
        }
    }

    private static void InputGradient<T>(ref float dy, ref float xhat, ref float dx, int count, float scale, float meanDy, float meanDyXhat)
        where T : struct, IVector<T>
    {
        T k = T.Create(scale), md = T.Create(meanDy), mx = T.Create(meanDyXhat);
        int i = 0;
        for (; i + T.Count <= count; i += T.Count)
        {
            T.Store(k * ((T.Load(ref dy, (nuint)i) - md) - T.Load(ref xhat, (nuint)i) * mx), ref dx, (nuint)i);
        }
        for (; i < count; i++) Unsafe.Add(ref dx, i) = scale * ((Unsafe.Add(ref dy, i) - meanDy) - Unsafe.Add(ref xhat, i) * meanDyXhat);
    }

    /// <summary><c>to = (float)((from − mean)·scale + shift)</c>, in double.</summary>
    private static void Affine(ReadOnlySpan<float> from, Span<float> to, double mean, double scale, double shift)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> m = Vector256.Create(mean), k = Vector256.Create(scale), b = Vector256.Create(shift);
            for (; i + 8 <= from.Length; i += 8)
            {
                (Vector256<double> low, Vector256<double> high) = Vector256.Widen(Vector256.Create(from.Slice(i, 8)));
                Vector256.Narrow((low - m) * k + b, (high - m) * k + b).CopyTo(to.Slice(i, 8));
            }
        }
        for (; i < from.Length; i++) to[i] = (float)((from[i] - mean) * scale + shift);
    }

}
