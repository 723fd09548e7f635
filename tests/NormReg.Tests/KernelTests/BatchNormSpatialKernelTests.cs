using System;
using System.Linq;
using NormReg.Kernels;
using static NormReg.Tests.KernelTests.ImageGradients;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// The BatchNorm2d kernels against a double-precision reference of <c>nn.BatchNorm2d</c>'s training forward and the central
/// differences of its loss, on spatial sizes around the eight-value vector blocks; and the overflow rule of the 1-D kernels.
/// </summary>
[Collection(nameof(ParallelKernelTests))]
public sealed class BatchNormSpatialKernelTests
{
    private const float Momentum = 0.1f, Epsilon = 1e-5f;

    [Theory]
    [InlineData(2, 3, 1)]    // a 1 × 1 image: BatchNorm1d over the batch
    [InlineData(3, 2, 7)]
    [InlineData(2, 4, 8)]
    [InlineData(4, 3, 9)]
    [InlineData(2, 2, 35)]
    [InlineData(3, 2, 64)]   // whole runs of 16 lanes only, as LeNet's 8 × 8
    public void Forward_statistics_and_gradients_match_the_double_reference(int batch, int channels, int spatial)
    {
        int length = batch * channels * spatial;
        float[] x = Random(length, 1, 3), gamma = Random(channels, 2), beta = Random(channels, 3), r = Random(length, 4);
        for (int i = 0; i < length; i++) x[i] += 0.5f;
        float[] y = new float[length], normalized = new float[length], inverseStd = new float[channels], dx = new float[length], dGamma = new float[channels], dBeta = new float[channels];
        float[] runningMean = new float[channels], runningVariance = Enumerable.Repeat(1f, channels).ToArray();

        BatchNorm.ForwardTrainingSpatial(x, gamma, beta, y, normalized, inverseStd, runningMean, runningVariance, batch, channels, spatial, Momentum, Epsilon);
        Assert.True(BatchNorm.BackwardSpatial(r, normalized, inverseStd, gamma, dx, dGamma, dBeta, batch, channels, spatial));

        double[] xd = ToDouble(x), gd = ToDouble(gamma), bd = ToDouble(beta);
        (double[] expected, double[] mean, double[] variance) = Reference(xd, gd, bd, batch, channels, spatial);
        int count = batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            Close(Momentum * mean[c], runningMean[c]);
            Close(1 - Momentum + Momentum * variance[c] * count / (count - 1), runningVariance[c]);
        }
        for (int i = 0; i < length; i++) Close(expected[i], y[i]);
        double Loss() => Reference(xd, gd, bd, batch, channels, spatial).Y.Select((v, i) => v * r[i]).Sum();
        Assert.Empty(Mismatches("dx", xd, dx, Loss));
        Assert.Empty(Mismatches("dγ", gd, dGamma, Loss));
        Assert.Empty(Mismatches("dβ", bd, dBeta, Loss));
    }

    /// <summary>
    /// Above <see cref="BatchNorm.SpatialParts.MinimumValues"/> the passes split by runs of samples over the pool; the runs' sums are
    /// added in order whatever the parts, so 1, 2 and 3 threads give the same bits, including a last run of 2 samples.
    /// </summary>
    [Fact]
    public void Split_passes_give_the_same_bits_at_one_two_and_three_threads()
    {
        const int batch = 30, channels = 3, spatial = 400;
        Assert.True(batch * channels * spatial >= BatchNorm.SpatialParts.MinimumValues);
        float[] x = Random(batch * channels * spatial, 6, 2), gamma = Random(channels, 7), beta = Random(channels, 8), r = Random(x.Length, 9);
        float[][] Passes(int threads) => ThreadCountTests.AtThreads<float[][]>(threads, () =>
        {
            Assert.Equal(Math.Min(threads, batch / 4), BatchNorm.SpatialParts.Parts(batch, channels, spatial));
            float[] y = new float[x.Length], normalized = new float[x.Length], inverseStd = new float[channels], dx = new float[x.Length];
            float[] dGamma = new float[channels], dBeta = new float[channels], runningMean = [0.2f, 0.3f, 0.4f], runningVariance = [1, 2, 3];
            BatchNorm.ForwardTrainingSpatial(x, gamma, beta, y, normalized, inverseStd, runningMean, runningVariance, batch, channels, spatial, Momentum, Epsilon);
            Assert.True(BatchNorm.BackwardSpatial(r, normalized, inverseStd, gamma, dx, dGamma, dBeta, batch, channels, spatial));
            return [y, normalized, inverseStd, runningMean, runningVariance, dx, dGamma, dBeta];
        });

        float[][] one = Passes(1);
        (double[] expected, _, _) = Reference(ToDouble(x), ToDouble(gamma), ToDouble(beta), batch, channels, spatial);
        for (int i = 0; i < x.Length; i++) Close(expected[i], one[0][i]);
        Assert.Equal(one, Passes(2));
        Assert.Equal(one, Passes(3));
    }

    [Fact]
    public void A_channel_whose_running_variance_would_overflow_keeps_its_statistics_and_answers_NaN()
    {
        const int batch = 2, channels = 3, spatial = 4;
        float[] x = Random(batch * channels * spatial, 5);
        for (int s = 0; s < batch; s++) x[s * channels * spatial + spatial + s] = s == 0 ? 3e20f : -3e20f; // channel 1
        float[] gamma = [1, 1, 1], beta = [0, 0, 0], runningMean = [0.5f, 0.5f, 0.5f], runningVariance = [2, 2, 2];
        float[] y = new float[x.Length], normalized = new float[x.Length], inverseStd = new float[channels];

        BatchNorm.ForwardTrainingSpatial(x, gamma, beta, y, normalized, inverseStd, runningMean, runningVariance, batch, channels, spatial, Momentum, Epsilon);

        Assert.Equal([0.5f, 2f], [runningMean[1], runningVariance[1]]);
        Assert.True(float.IsNaN(inverseStd[1]));
        for (int s = 0; s < batch; s++)
        {
            Assert.All(y.Skip(s * channels * spatial + spatial).Take(spatial), v => Assert.True(float.IsNaN(v)));
            Assert.All(y.Skip(s * channels * spatial).Take(spatial), v => Assert.True(float.IsFinite(v)));
        }
        Assert.NotEqual(0.5f, runningMean[0]);
    }

    private static (double[] Y, double[] Mean, double[] Variance) Reference(double[] x, double[] gamma, double[] beta, int batch, int channels, int spatial)
    {
        var y = new double[x.Length];
        double[] mean = new double[channels], variance = new double[channels];
        int count = batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            var values = Enumerable.Range(0, batch).SelectMany(s => Enumerable.Range(0, spatial).Select(k => s * channels * spatial + c * spatial + k)).ToArray();
            mean[c] = values.Sum(i => x[i]) / count;
            variance[c] = values.Sum(i => (x[i] - mean[c]) * (x[i] - mean[c])) / count;
            foreach (int i in values) y[i] = gamma[c] * (x[i] - mean[c]) / Math.Sqrt(variance[c] + Epsilon) + beta[c];
        }
        return (y, mean, variance);
    }

    private static void Close(double expected, float actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * (1 + Math.Abs(expected)), $"expected {expected:G9}, got {actual:G9}");
}
