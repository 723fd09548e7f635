using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Robustness;

/// <summary>FitNormalization refuses data whose range overflows float, for either scaling, any feature, any chunking; and a fitted scaling never divides by zero.</summary>
public sealed class InputScalingRangeTests
{
    [Theory]
    [InlineData(0, 3.4e38f, -3.4e38f)]
    [InlineData(2, float.MaxValue, -1e38f)]
    [InlineData(4, -3e38f, 1e38f)]
    public void A_range_wider_than_float_is_refused_naming_feature_and_value_and_nothing_is_counted(int feature, float first, float second)
    {
        // [ZScore] (BatchNormFirst, 4 features) and [MinMax] (LayerNormNet, 5 features).
        foreach (Func<NormalizationFit> begin in new Func<NormalizationFit>[] { () => new BatchNormFirst(4, 1).BeginNormalizationFit(), () => new LayerNormNet(4, 1).BeginNormalizationFit() })
        {
            NormalizationFit fit = begin();
            int f = feature % fit.Features;
            float[] good = Enumerable.Range(0, 3 * fit.Features).Select(i => (float)i).ToArray();
            good[f] = first;
            fit.Add(good);
            float[] bad = Enumerable.Range(0, 2 * fit.Features).Select(i => (float)i).ToArray();
            bad[fit.Features + f] = second;
            var e = Assert.Throws<ArgumentException>(() => fit.Add(bad));
            Assert.Contains($"feature {f}", e.Message);
            Assert.Contains($"samples[{fit.Features + f}] = {second:R}", e.Message);
            Assert.Contains("overflows float", e.Message);
            Assert.Equal(3, fit.Count);
        }
    }

    [Fact]
    public void A_deviation_too_small_for_float_is_fitted_as_none()
    {
        var net = new BatchNormFirst(4, 1);
        float[] x = [1f, 2f, 3f, 4f, 1f + 1e-7f, 2f, 3f, 4f]; // feature 0's deviation underflows nothing in double but is tiny
        net.FitNormalization(x);
        float[] state = new float[net.StateLength];
        net.CopyState(state);
        Assert.Null(StateValidator.FindProblem(BatchNormFirst.Architecture, state));
        Assert.All(state.Skip(BatchNormFirst.ParameterCount + 4).Take(4), s => Assert.True(s > 0));
    }
}
