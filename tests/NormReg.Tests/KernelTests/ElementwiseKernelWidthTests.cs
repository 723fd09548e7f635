using System;
using System.Linq;
using MathNet.Numerics;
using NormReg.Kernels;
using Kernels = NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// Every element-wise kernel against an independent double-precision reference, at widths that run only a scalar tail
/// (1, 3, 7, 15), exactly whole vectors of 8, 16 or 32 floats (8, 16, 64) and a vector body plus a tail on every vector
/// width, 4, 8 and 16 floats, and the 32-float unrolled body of <c>Guard.AllFinite</c> (9, 17, 31, 33, 63, 65, 67, 129).
/// Outputs start as NaN, so an element a loop skips fails; a kernel whose vector body alone differs cannot pass either.
/// </summary>
public sealed class ElementwiseKernelWidthTests
{
    public static readonly int[] Widths = [1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 67, 129];

    public static TheoryData<int> AllWidths()
    {
        var data = new TheoryData<int>();
        foreach (int width in Widths) data.Add(width);
        return data;
    }

    private const float Alpha = 0.07f;

    // ---- Activations ----

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void ReLU_and_its_backward_follow_the_reference(int width)
    {
        float[] x = Values(width, 1, 4, zeros: true), dy = Values(width, 2, 1);
        float[] y = Sentinel(width), dx = Sentinel(width);

        Activations.ReLU(x, y);
        Activations.ReLUBackward(y, dy, dx);

        AssertClose(x.Select(v => Math.Max(0.0, v)).ToArray(), y, 0, "ReLU", width);
        AssertClose(x.Select((v, i) => v > 0 ? (double)dy[i] : 0.0).ToArray(), dx, 0, "ReLUBackward", width);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void LeakyReLU_and_its_backward_follow_the_reference(int width)
    {
        float[] x = Values(width, 3, 4, zeros: true), dy = Values(width, 4, 1);
        float[] y = Sentinel(width), dx = Sentinel(width);

        Activations.LeakyReLU(x, y, Alpha);
        Activations.LeakyReLUBackward(x, dy, dx, Alpha);

        AssertClose(x.Select(v => v > 0 ? v : (double)Alpha * v).ToArray(), y, 1e-6, "LeakyReLU", width);
        AssertClose(x.Select((v, i) => v > 0 ? dy[i] : (double)Alpha * dy[i]).ToArray(), dx, 1e-6, "LeakyReLUBackward", width);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Tanh_and_its_backward_follow_the_reference(int width)
    {
        float[] x = Values(width, 5, 3), dy = Values(width, 6, 1);
        float[] y = Sentinel(width), dx = Sentinel(width);

        Activations.Tanh(x, y);
        Activations.TanhBackward(y, dy, dx);

        AssertClose(x.Select(v => Math.Tanh(v)).ToArray(), y, 2e-6, "Tanh", width);
        AssertClose(y.Select((v, i) => dy[i] * (1 - (double)v * v)).ToArray(), dx, 1e-6, "TanhBackward", width);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Sigmoid_and_its_backward_follow_the_reference(int width)
    {
        float[] x = Values(width, 7, 6), dy = Values(width, 8, 1);
        float[] y = Sentinel(width), dx = Sentinel(width);

        Activations.Sigmoid(x, y);
        Activations.SigmoidBackward(y, dy, dx);

        AssertClose(x.Select(v => 1 / (1 + Math.Exp(-(double)v))).ToArray(), y, 2e-6, "Sigmoid", width);
        AssertClose(y.Select((v, i) => dy[i] * (double)v * (1 - (double)v)).ToArray(), dx, 1e-6, "SigmoidBackward", width);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void GELU_and_its_backward_follow_the_reference(int width)
    {
        float[] x = Values(width, 9, 4, zeros: true), dy = Values(width, 10, 1);
        float[] y = Sentinel(width), dx = Sentinel(width);

        Activations.GELU(x, y);
        Activations.GELUBackward(x, dy, dx);

        // Φ through MathNet's erf, not the kernel's Chebyshev fit.
        static double Phi(double v) => 0.5 * (1 + SpecialFunctions.Erf(v / Math.Sqrt(2)));
        static double Density(double v) => Math.Exp(-0.5 * v * v) / Math.Sqrt(2 * Math.PI);
        AssertClose(x.Select(v => v * Phi(v)).ToArray(), y, 1e-6, "GELU", width);
        AssertClose(x.Select((v, i) => dy[i] * (Phi(v) + v * Density(v))).ToArray(), dx, 1e-6, "GELUBackward", width);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Softmax_and_its_backward_follow_the_reference_on_every_row(int width)
    {
        const int batch = 3;
        float[] x = Values(batch * width, 11, 5), dy = Values(batch * width, 12, 1);
        float[] y = Sentinel(batch * width), dx = Sentinel(batch * width);

        Activations.Softmax(x, y, batch, width);
        Activations.SoftmaxBackward(y, dy, dx, batch, width);

        var expectedY = new double[batch * width];
        var expectedDx = new double[batch * width];
        for (int n = 0; n < batch; n++)
        {
            int row = n * width;
            double max = Enumerable.Range(row, width).Max(i => (double)x[i]);
            double sum = Enumerable.Range(row, width).Sum(i => Math.Exp(x[i] - max));
            for (int i = row; i < row + width; i++) expectedY[i] = Math.Exp(x[i] - max) / sum;
            double dot = Enumerable.Range(row, width).Sum(i => (double)dy[i] * y[i]);
            for (int i = row; i < row + width; i++) expectedDx[i] = y[i] * (dy[i] - dot);
        }
        AssertClose(expectedY, y, 2e-6, "Softmax", width);
        AssertClose(expectedDx, dx, 2e-6, "SoftmaxBackward", width);
    }

    // ---- Dropout and Gaussian noise ----

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Dropout_zeroes_or_scales_every_element_and_its_backward_reuses_the_mask(int width)
    {
        const float rate = 0.3f;
        const int rounds = 400;
        float[] x = Values(width, 13, 2).Select(v => v >= 0 ? v + 0.5f : v - 0.5f).ToArray(); // no zeros: a dropped value is told from a kept one
        var kept = new int[width];
        var random = new SeededRandom((ulong)width);
        for (int round = 0; round < rounds; round++)
        {
            float[] y = Sentinel(width), mask = Sentinel(width), dx = Sentinel(width);
            float[] dy = Values(width, 100 + round, 1);

            Dropout.Forward(x, y, mask, rate, ref random);
            Dropout.Backward(dy, mask, dx);

            for (int i = 0; i < width; i++)
            {
                bool keep = mask[i] != 0;
                Assert.True(mask[i] == 0 || Math.Abs(mask[i] - 1 / (1 - (double)rate)) <= 1e-6, $"width {width}, round {round}: mask[{i}] is {mask[i]}");
                double expected = keep ? x[i] / (1 - (double)rate) : 0;
                Assert.True(Math.Abs(y[i] - expected) <= 1e-6 * Math.Abs(expected), $"width {width}, round {round}: y[{i}] is {y[i]}, expected 0 or {x[i] / (1 - (double)rate)} ({expected})");
                Assert.True(dx[i] == (keep ? dy[i] * mask[i] : 0f), $"width {width}, round {round}: dx[{i}] is {dx[i]}, mask {mask[i]}, dy {dy[i]}");
                if (keep) kept[i]++;
            }
        }

        // Every position, the last included, is kept with probability 1 − p: 400 draws put 5 standard deviations at ±0.115.
        for (int i = 0; i < width; i++) Assert.InRange(kept[i] / (double)rounds, 0.7 - 0.115, 0.7 + 0.115);
        Assert.InRange(kept.Sum() / (double)(rounds * width), 0.7 - 5 * Math.Sqrt(0.21 / (rounds * width)), 0.7 + 5 * Math.Sqrt(0.21 / (rounds * width)));
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Dropout_is_reproducible_from_its_seed(int width)
    {
        float[] x = Values(width, 14, 2);
        (float[] y1, float[] m1) = (Sentinel(width), Sentinel(width));
        (float[] y2, float[] m2) = (Sentinel(width), Sentinel(width));
        (float[] y3, float[] m3) = (Sentinel(width), Sentinel(width));
        SeededRandom a = new(42), b = new(42);

        Dropout.Forward(x, y1, m1, 0.5f, ref a);
        Dropout.Forward(x, y2, m2, 0.5f, ref b);
        Dropout.Forward(x, y3, m3, 0.5f, ref a); // the generator moved on

        Assert.Equal(y1, y2);
        Assert.Equal(m1, m2);
        if (width >= 31) Assert.NotEqual(m1, m3); // 2^-31 odds of a repeat
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Gaussian_noise_moves_every_element_by_mean_zero_and_standard_deviation_sigma(int width)
    {
        const float sigma = 0.5f;
        const int rounds = 4000;
        // Odd rounds add the noise to values, even rounds to zeros: there y is the noise itself, unrounded, so every element
        // must change (a noise below half a float step of x can leave x + noise == x, about once in a million draws).
        float[] values = Values(width, 15, 3), zeros = new float[width];
        var sum = new double[width];
        var squares = new double[width];
        double adjacent = 0; // Σ z0·z1: the two values of one Box–Muller pair must be uncorrelated
        var random = new SeededRandom((ulong)width + 1000);
        for (int round = 0; round < rounds; round++)
        {
            float[] x = round % 2 == 0 ? zeros : values, y = Sentinel(width);

            Dropout.GaussianNoise(x, y, sigma, ref random);

            for (int i = 0; i < width; i++)
            {
                Assert.True(float.IsFinite(y[i]), $"width {width}, round {round}: y[{i}] is {y[i]}");
                if (round % 2 == 0) Assert.True(y[i] != 0f, $"width {width}, round {round}: element {i} got no noise");
                double z = (double)y[i] - x[i];
                sum[i] += z;
                squares[i] += z * z;
            }
            if (width >= 2) adjacent += ((double)y[0] - x[0]) * ((double)y[1] - x[1]);
        }

        // Per position over 4000 draws: the mean within 5 standard errors (0.079σ), σ within 6 % (≈ 5.4 standard errors).
        for (int i = 0; i < width; i++)
        {
            double mean = sum[i] / rounds, deviation = Math.Sqrt(squares[i] / rounds - mean * mean);
            Assert.True(Math.Abs(mean) <= 5 * sigma / Math.Sqrt(rounds), $"width {width}: the noise of element {i} has mean {mean}");
            Assert.True(Math.Abs(deviation / sigma - 1) <= 0.06, $"width {width}: the noise of element {i} has σ {deviation}, not {sigma}");
        }
        double all = sum.Sum() / (rounds * width), allDeviation = Math.Sqrt(squares.Sum() / (rounds * width) - all * all);
        Assert.InRange(all, -5 * sigma / Math.Sqrt(rounds * width), 5 * sigma / Math.Sqrt(rounds * width));
        Assert.InRange(allDeviation / sigma, 1 - 6 / Math.Sqrt(2.0 * rounds * width), 1 + 6 / Math.Sqrt(2.0 * rounds * width));
        if (width >= 2) Assert.InRange(adjacent / rounds / (sigma * sigma), -5 / Math.Sqrt(rounds), 5 / Math.Sqrt(rounds));
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Gaussian_noise_is_reproducible_from_its_seed(int width)
    {
        float[] x = Values(width, 16, 3);
        float[] y1 = Sentinel(width), y2 = Sentinel(width), y3 = Sentinel(width);
        SeededRandom a = new(9), b = new(9), c = new(10);

        Dropout.GaussianNoise(x, y1, 0.25f, ref a);
        Dropout.GaussianNoise(x, y2, 0.25f, ref b);
        Dropout.GaussianNoise(x, y3, 0.25f, ref c);

        Assert.Equal(y1, y2);
        for (int i = 0; i < width; i++) Assert.NotEqual(y1[i], y3[i]);
    }

    // ---- Input scaling ----

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void ZScore_and_its_backward_follow_the_reference_on_every_row(int width)
    {
        const int batch = 3;
        float[] x = Values(batch * width, 17, 10), dx = Values(batch * width, 18, 1);
        float[] mean = Values(width, 19, 5), std = Values(width, 20, 1).Select(v => 0.2f + Math.Abs(v) * 3).ToArray();
        float[] scaled = (float[])x.Clone(), gradient = (float[])dx.Clone();

        InputScaling.ZScore(scaled, mean, std, batch, width);
        InputScaling.ZScoreBackward(gradient, std, batch, width);

        AssertClose(x.Select((v, i) => ((double)v - mean[i % width]) / std[i % width]).ToArray(), scaled, 1e-6, "ZScore", width);
        AssertClose(dx.Select((v, i) => (double)v / std[i % width]).ToArray(), gradient, 1e-6, "ZScoreBackward", width);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void MinMax_and_its_backward_follow_the_reference_on_every_row_with_and_without_clipping(int width)
    {
        const int batch = 3;
        const float low = -1f, high = 2f;
        float[] min = Values(width, 21, 3), max = min.Select((v, j) => j % 5 == 4 ? v : v + 0.5f + Math.Abs(Values(width, 22, 4)[j])).ToArray(); // every 5th feature constant
        // Within the range mostly, past it at both ends now and then, so clipping decides some elements.
        float[] x = Values(batch * width, 23, 1).Select((v, i) => min[i % width] + (0.5f + 0.7f * v) * (max[i % width] - min[i % width] + 1f)).ToArray();
        // Some values exactly at the fitted minimum: scaled exactly to low, where the clipped gradient passes (torch.clamp's does).
        for (int i = 2; i < x.Length; i += 7) x[i] = min[i % width];
        float[] dx = Values(batch * width, 24, 1);
        foreach (bool clip in new[] { false, true })
        {
            float[] scaled = (float[])x.Clone(), gradient = (float[])dx.Clone();

            InputScaling.MinMax(scaled, min, max, batch, width, low, high, clip);
            InputScaling.MinMaxBackward(gradient, x, min, max, batch, width, low, high, clip);

            double Scale(int j) => max[j] > min[j] ? (high - (double)low) / ((double)max[j] - min[j]) : 0;
            double[] expected = x.Select((v, i) => low + ((double)v - min[i % width]) * Scale(i % width)).ToArray();
            double[] unclipped = expected;
            if (clip) expected = expected.Select(v => Math.Clamp(v, low, high)).ToArray();
            AssertClose(expected, scaled, 2e-6, clip ? "MinMax clipped" : "MinMax", width);
            double[] expectedGradient = dx.Select((g, i) => clip && !(unclipped[i] >= low && unclipped[i] <= high) ? 0 : g * Scale(i % width)).ToArray();
            AssertClose(expectedGradient, gradient, 1e-6, clip ? "MinMaxBackward clipped" : "MinMaxBackward", width);
            if (clip && width >= 9) Assert.Contains(gradient, g => g == 0); // the clipped branch ran
            if (clip && width >= 3) Assert.Contains(Enumerable.Range(0, x.Length), i => scaled[i] == low && gradient[i] != 0); // and passed at a bound
        }
    }

    // ---- Regularization ----

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Penalty_sums_every_weight(int width)
    {
        float[] w = Values(width, 25, 2, zeros: true);
        foreach ((double l1, double l2) in new[] { (0.01, 0.0), (0.0, 0.02), (0.03, 0.05) })
        {
            double expected = l1 * w.Sum(v => Math.Abs((double)v)) + l2 * w.Sum(v => (double)v * v);
            double actual = Kernels.Regularization.Penalty(w, l1, l2);
            Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Max(1e-30, Math.Abs(expected)), $"width {width}, l1 {l1}, l2 {l2}: {actual}, the reference {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void AddGradient_adds_l1_sign_and_twice_l2_to_every_gradient(int width)
    {
        float[] w = Values(width, 26, 2, zeros: true), g = Values(width, 27, 1);
        foreach ((float l1, float l2) in new[] { (0.01f, 0f), (0f, 0.02f), (0.03f, 0.05f) })
        {
            float[] gradients = (float[])g.Clone();

            bool finite = Kernels.Regularization.AddGradient(w, gradients, l1, l2);

            Assert.True(finite);
            AssertClose(w.Select((v, i) => g[i] + (double)l1 * Math.Sign(v) + 2 * (double)l2 * v).ToArray(), gradients, 1e-6, $"AddGradient l1 {l1} l2 {l2}", width);
        }
        float[] overflowing = (float[])g.Clone();
        overflowing[^1] = float.MaxValue;
        float[] big = (float[])w.Clone();
        big[^1] = float.MaxValue;
        Assert.False(Kernels.Regularization.AddGradient(big, overflowing, 0f, 1f), $"width {width}: an infinite last gradient was reported finite");
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void MaxNorm_rescales_exactly_the_rows_past_the_limit(int width)
    {
        const int outputs = 4;
        const float limit = 1.5f;
        // Rows of norm 0.5, 3, 1.4 and 6 (the last element carrying a good share of it), so two rows are rescaled.
        float[] norms = [0.5f, 3f, 1.4f, 6f];
        var weights = new float[outputs * width];
        for (int o = 0; o < outputs; o++)
        {
            float[] row = Values(width, 28 + o, 1);
            row[^1] = 2f;
            double norm = Math.Sqrt(row.Sum(v => (double)v * v));
            for (int i = 0; i < width; i++) weights[o * width + i] = (float)(row[i] * norms[o] / norm);
        }
        float[] constrained = (float[])weights.Clone();

        Kernels.Regularization.MaxNorm(constrained, width, outputs, limit);

        var expected = new double[weights.Length];
        for (int o = 0; o < outputs; o++)
        {
            double norm = Math.Sqrt(Enumerable.Range(o * width, width).Sum(i => (double)weights[i] * weights[i]));
            double factor = norm > limit ? limit / (norm + 1e-7) : 1;
            for (int i = o * width; i < (o + 1) * width; i++) expected[i] = weights[i] * factor;
        }
        AssertClose(expected, constrained, 2e-6, "MaxNorm", width);
        for (int i = 0; i < width; i++)
        {
            Assert.Equal(weights[i], constrained[i]); // under the limit: untouched
            Assert.Equal(weights[2 * width + i], constrained[2 * width + i]);
        }
    }

    // ---- Guard.AllFinite ----

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void AllFinite_catches_a_non_finite_value_at_the_last_index_and_in_the_body(int width)
    {
        float[] values = Values(width, 32, 1000);
        values[0] = float.MaxValue;
        values[^1] = -float.MaxValue;
        Assert.True(Guard.AllFinite(values), $"width {width}: finite values were refused");

        int[] indices = new[] { 0, width / 2, width - 1, width - 2, Math.Min(31, width - 1), Math.Min(32, width - 1) }.Where(i => i >= 0).Distinct().ToArray();
        foreach (int index in indices)
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                float[] corrupted = (float[])values.Clone();
                corrupted[index] = bad;
                Assert.False(Guard.AllFinite(corrupted), $"width {width}: {bad} at index {index} was missed");
            }
        }
    }

    // ---- helpers ----

    /// <summary>Uniform values in [−scale, scale]; with <paramref name="zeros"/>, every 5th value (body and tail alike) is exactly 0.</summary>
    private static float[] Values(int length, int seed, float scale, bool zeros = false)
    {
        var random = new Random(seed * 1009 + length);
        return Enumerable.Range(0, length).Select(i => zeros && i % 5 == 2 ? 0f : (float)((2 * random.NextDouble() - 1) * scale)).ToArray();
    }

    private static float[] Sentinel(int length) => Enumerable.Repeat(float.NaN, length).ToArray();

    private static void AssertClose(double[] expected, float[] actual, double tolerance, string kernel, int width)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{kernel}, width {width}: value {i} is {actual[i]}, the reference {expected[i]}");
        }
    }
}
