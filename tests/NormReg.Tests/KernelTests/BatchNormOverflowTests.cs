using System;
using System.Linq;
using NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// BatchNorm's running statistics never become infinite: a feature whose batch variance overflows float keeps its old
/// running statistics and gets NaN outputs (so TrainStep refuses the step), at every width, in the vector blocks and the tail.
/// </summary>
public sealed class BatchNormOverflowTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(7, 6)]
    [InlineData(8, 3)]
    [InlineData(9, 8)]
    [InlineData(17, 16)]
    [InlineData(33, 5)]
    [InlineData(9, 8, -1f)]
    [InlineData(6, 0, -1f)]
    public void A_feature_whose_variance_overflows_keeps_its_running_statistics_and_turns_NaN(int features, int huge, float sign = 1f)
    {
        const int batch = 4;
        var random = new Random(features);
        float[] x = Enumerable.Range(0, batch * features).Select(_ => (float)random.NextDouble()).ToArray();
        for (int n = 0; n < batch; n++) x[n * features + huge] = sign * (n % 2 == 0 ? 1e30f : -1e30f);
        float[] gamma = Enumerable.Repeat(1f, features).ToArray(), beta = new float[features];
        float[] y = new float[x.Length], normalized = new float[x.Length], inverseStd = new float[features];
        float[] mean = Enumerable.Range(0, features).Select(i => 0.5f * i).ToArray(), variance = Enumerable.Repeat(2f, features).ToArray();
        float[] meanBefore = mean.ToArray(), varianceBefore = variance.ToArray();

        BatchNorm.ForwardTraining(x, gamma, beta, y, normalized, inverseStd, mean, variance, batch, features, 0.1f, 1e-5f);

        Assert.Equal(meanBefore[huge], mean[huge]);
        Assert.Equal(varianceBefore[huge], variance[huge]);
        Assert.All(Enumerable.Range(0, batch), n => Assert.True(float.IsNaN(y[n * features + huge])));
        for (int f = 0; f < features; f++)
        {
            if (f == huge) continue;
            Assert.True(float.IsFinite(mean[f]) && float.IsFinite(variance[f]));
            Assert.NotEqual(varianceBefore[f], variance[f]); // the others were updated as usual
            Assert.All(Enumerable.Range(0, batch), n => Assert.True(float.IsFinite(y[n * features + f])));
        }
    }
}
