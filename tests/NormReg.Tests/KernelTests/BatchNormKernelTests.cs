using System;
using System.Linq;
using NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// The BatchNorm kernels work row by row on chunks of 256 features, a vector of doubles at a time and one at a time past the
/// last whole vector. Each feature must come out with the same bits alone (no vector) as among others (the one-feature path is
/// the one the PyTorch fixtures check, on 3 to 5 features), and both must agree with a plain double-precision reference of
/// PyTorch's formulas. The kernel-path tests run the same on every vector width.
/// </summary>
public sealed class BatchNormKernelTests
{
    private const float Momentum = 0.1f, Epsilon = 1e-5f;

    [Theory]
    [InlineData(2, 8)]
    [InlineData(7, 21)]
    [InlineData(33, 17)]
    [InlineData(3, 37)]
    [InlineData(5, 300)]
    public void Every_feature_gets_the_same_bits_alone_as_inside_a_block(int batch, int features)
    {
        float[] x = Random(batch * features, 1, offset: 3), dy = Random(batch * features, 2), gamma = Random(features, 3), beta = Random(features, 4);
        Result all = Run(x, dy, gamma, beta, batch, features);

        for (int f = 0; f < features; f++)
        {
            Result alone = Run(Column(x, f, features), Column(dy, f, features), [gamma[f]], [beta[f]], batch, 1);
            Assert.Equal(alone.Y, Column(all.Y, f, features));
            Assert.Equal(alone.Normalized, Column(all.Normalized, f, features));
            Assert.Equal(alone.Dx, Column(all.Dx, f, features));
            Assert.Equal([alone.InverseStd[0], alone.RunningMean[0], alone.RunningVariance[0], alone.DGamma[0], alone.DBeta[0]],
                [all.InverseStd[f], all.RunningMean[f], all.RunningVariance[f], all.DGamma[f], all.DBeta[f]]);
        }
    }

    [Fact]
    public void A_block_matches_the_double_precision_reference()
    {
        const int batch = 9, features = 16;
        float[] x = Random(batch * features, 5, offset: -2), dy = Random(batch * features, 6), gamma = Random(features, 7), beta = Random(features, 8);
        Result r = Run(x, dy, gamma, beta, batch, features);

        for (int f = 0; f < features; f++)
        {
            double[] column = Enumerable.Range(0, batch).Select(n => (double)x[n * features + f]).ToArray();
            double mean = column.Average(), variance = column.Sum(v => (v - mean) * (v - mean)) / batch;
            double inv = 1 / Math.Sqrt(variance + Epsilon);
            double[] xhat = column.Select(v => (v - mean) * inv).ToArray();
            double[] g = Enumerable.Range(0, batch).Select(n => (double)dy[n * features + f]).ToArray();
            double meanG = g.Average(), meanGx = g.Zip(xhat, (a, b) => a * b).Average();
            Close(inv, r.InverseStd[f]);
            Close(Momentum * mean, r.RunningMean[f]);
            Close(1 - Momentum + Momentum * variance * batch / (batch - 1), r.RunningVariance[f]);
            Close(g.Sum(), r.DBeta[f]);
            Close(g.Zip(xhat, (a, b) => a * b).Sum(), r.DGamma[f]);
            for (int n = 0; n < batch; n++)
            {
                Close(gamma[f] * xhat[n] + beta[f], r.Y[n * features + f]);
                Close(gamma[f] * inv * (g[n] - meanG - xhat[n] * meanGx), r.Dx[n * features + f]);
            }
        }
    }

    [Fact]
    public void Backward_reports_whether_every_gamma_and_beta_gradient_is_finite()
    {
        const int batch = 4, features = 11;
        float[] x = Random(batch * features, 9, offset: 1), dy = Random(batch * features, 10), gamma = Random(features, 11), beta = Random(features, 12);
        Result r = Run(x, dy, gamma, beta, batch, features);
        Assert.True(BatchNorm.Backward(dy, r.Normalized, r.InverseStd, gamma, r.Dx, r.DGamma, r.DBeta, batch, features));
        Assert.True(LayerNorm.Backward(dy, r.Normalized, r.InverseStd, gamma, r.Dx, r.DGamma, r.DBeta, batch, features));

        foreach (int poisoned in new[] { 2, 3 * features + 10 }) // in a vector block, and in the features past it
        {
            float[] bad = (float[])dy.Clone();
            bad[poisoned] = float.PositiveInfinity;
            Assert.False(BatchNorm.Backward(bad, r.Normalized, r.InverseStd, gamma, r.Dx, r.DGamma, r.DBeta, batch, features));
            Assert.False(LayerNorm.Backward(bad, r.Normalized, r.InverseStd, gamma, r.Dx, r.DGamma, r.DBeta, batch, features));
        }
    }

    private sealed record Result(float[] Y, float[] Normalized, float[] InverseStd, float[] RunningMean, float[] RunningVariance, float[] Dx, float[] DGamma, float[] DBeta);

    /// <summary>One training forward from PyTorch's initial running statistics (mean 0, variance 1), then the backward.</summary>
    private static Result Run(float[] x, float[] dy, float[] gamma, float[] beta, int batch, int features)
    {
        var r = new Result(new float[x.Length], new float[x.Length], new float[features], new float[features],
            Enumerable.Repeat(1f, features).ToArray(), new float[x.Length], new float[features], new float[features]);
        BatchNorm.ForwardTraining(x, gamma, beta, r.Y, r.Normalized, r.InverseStd, r.RunningMean, r.RunningVariance, batch, features, Momentum, Epsilon);
        BatchNorm.Backward(dy, r.Normalized, r.InverseStd, gamma, r.Dx, r.DGamma, r.DBeta, batch, features);
        return r;
    }

    private static float[] Column(float[] matrix, int f, int features) =>
        Enumerable.Range(0, matrix.Length / features).Select(n => matrix[n * features + f]).ToArray();

    private static float[] Random(int count, int seed, double offset = 0)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(offset + 2 * random.NextDouble() - 1)).ToArray();
    }

    private static void Close(double expected, float actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"expected {expected:G9}, got {actual:G9}");
}
