using System;
using System.Linq;
using NormReg.Kernels;
using static NormReg.Tests.KernelTests.ImageGradients;

namespace NormReg.Tests.KernelTests;

/// <summary><see cref="Dropout.SpatialForward"/> drops whole feature maps at the rate asked and scales the rest; its backward reuses the mask.</summary>
public sealed class SpatialDropoutKernelTests
{
    [Theory]
    [InlineData(0.25f)]
    [InlineData(0.5f)]
    [InlineData(0.8f)]
    public void Whole_channels_are_dropped_at_the_rate_and_the_rest_scaled(float rate)
    {
        const int n = 200, channels = 20, spatial = 9;
        float[] x = Random(n * channels * spatial, 1).Select(v => v + 2f).ToArray(); // no zeros in the input
        float[] y = new float[x.Length], mask = new float[n * channels];
        var random = new SeededRandom(11);

        Dropout.SpatialForward(x, y, mask, rate, ref random, n, channels, spatial);

        float scale = 1f / (1f - rate);
        int dropped = 0;
        for (int p = 0; p < n * channels; p++)
        {
            Assert.True(mask[p] == 0 || mask[p] == scale, $"mask[{p}] = {mask[p]}");
            float[] map = y.AsSpan(p * spatial, spatial).ToArray();
            if (mask[p] == 0)
            {
                dropped++;
                Assert.All(map, v => Assert.Equal(0f, v));
            }
            else
            {
                for (int k = 0; k < spatial; k++) Assert.Equal(x[p * spatial + k] * scale, map[k]);
            }
        }
        // 4000 maps, each dropped with probability p: within 4.5 standard deviations.
        double sd = Math.Sqrt(n * channels * rate * (1 - rate));
        Assert.InRange(dropped, n * channels * rate - 4.5 * sd, n * channels * rate + 4.5 * sd);
    }

    [Fact]
    public void Backward_routes_the_gradient_through_the_forward_mask()
    {
        const int n = 3, channels = 5, spatial = 4;
        float[] x = Random(n * channels * spatial, 2), y = new float[x.Length], mask = new float[n * channels], dy = Random(x.Length, 3), dx = new float[x.Length];
        var random = new SeededRandom(12);

        Dropout.SpatialForward(x, y, mask, 0.4f, ref random, n, channels, spatial);
        Dropout.SpatialBackward(dy, mask, dx, n, channels, spatial);

        Assert.Contains(0f, mask);
        Assert.Equal(Enumerable.Range(0, x.Length).Select(i => dy[i] * mask[i / spatial]), dx);
    }
}
