using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Model;

/// <summary>
/// What generic code reaches through <see cref="INetwork"/> alone: normalization fitting, the fitted statistics (checked
/// against a double-precision reference here), and layer views found by name, which are the generated properties' views.
/// </summary>
public sealed class GenericUseTests
{
    private static readonly float[] Features = [.. Enumerable.Range(0, 9 * 6).Select(i => (float)(Math.Sin(0.7 * i) * (1 + i % 6)))];

    [Fact]
    public void Normalization_is_fitted_through_the_interface_and_its_statistics_are_the_datas()
    {
        INetwork net = new RegularizedClassifier(maxBatchSize: 4);
        Assert.False(net.InputStatistics.IsFitted);

        net.FitNormalization(Features);

        InputStatistics statistics = net.InputStatistics;
        Assert.Equal((InputScalingKind?)InputScalingKind.ZScore, statistics.Kind);
        Assert.True(statistics.IsFitted);
        Assert.True(statistics.Minimum.IsEmpty && statistics.Maximum.IsEmpty);
        for (int j = 0; j < 6; j++)
        {
            double[] column = [.. Enumerable.Range(0, 9).Select(i => (double)Features[i * 6 + j])];
            double mean = column.Average(), std = Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average());
            Assert.Equal(mean, statistics.Mean[j], 1e-5);
            Assert.Equal(std, statistics.StandardDeviation[j], 1e-5);
        }
    }

    [Fact]
    public void Min_max_statistics_are_each_features_extremes()
    {
        INetwork net = new LayerNormNet(maxBatchSize: 4);
        float[] features = Features[..(10 * 5)];

        net.FitNormalization(features);

        for (int j = 0; j < 5; j++)
        {
            float[] column = [.. Enumerable.Range(0, 10).Select(i => features[i * 5 + j])];
            Assert.Equal(column.Min(), net.InputStatistics.Minimum[j]);
            Assert.Equal(column.Max(), net.InputStatistics.Maximum[j]);
        }
        Assert.True(net.InputStatistics.Mean.IsEmpty);
    }

    [Fact]
    public void A_network_without_scaling_refuses_to_fit_one_and_shows_no_statistics()
    {
        INetwork net = new DeepClassifier(maxBatchSize: 4);

        Assert.Contains("no [ZScore] or [MinMax]", Assert.Throws<InvalidOperationException>(() => net.FitNormalization(new float[8])).Message);
        Assert.Null(net.InputStatistics.Kind);
        Assert.Equal(0, net.InputStatistics.Features);
        Assert.False(net.InputStatistics.IsFitted);
    }

    [Fact]
    public void A_view_found_by_name_is_the_generated_propertys_view()
    {
        var net = new DeepClassifier(maxBatchSize: 4, seed: 3);
        INetwork generic = net;

        DenseLayer hidden = generic.GetDense("Hidden");
        hidden[2, 1] = 42f;

        Assert.Equal((8, 4, true), (hidden.Outputs, hidden.Inputs, hidden.HasBias));
        Assert.Equal(42f, net.Hidden[2, 1]);
        Assert.Equal(net.Dense3.Weights.ToArray(), generic.GetDense("Dense3").Weights.ToArray());
        Assert.False(generic.GetDense("Dense2").HasBias);
    }

    [Fact]
    public void A_normalization_view_found_by_name_shows_the_rows_running_statistics()
    {
        var net = new BatchNormFirst(maxBatchSize: 4, seed: 3);
        net.BatchNorm2.RunningMean[1] = 0.25f;

        NormalizationLayer found = ((INetwork)net).GetNormalization("BatchNorm2");

        Assert.Equal(0.25f, found.RunningMean[1]);
        Assert.Equal(net.BatchNorm2.Gamma.Length, found.Gamma.Length);
        Assert.Equal(net.BatchNorm1.RunningVariance.ToArray(), net.GetNormalization("BatchNorm1").RunningVariance.ToArray());
    }

    [Fact]
    public void An_unknown_name_lists_the_rows_of_that_kind()
    {
        INetwork net = new DeepClassifier(maxBatchSize: 4);

        var e = Assert.Throws<ArgumentException>(() => net.GetDense("Dense1"));
        Assert.Contains("no Dense row called \"Dense1\"; it has Hidden, Dense2, Dense3.", e.Message);
        Assert.Contains("it has none", Assert.Throws<ArgumentException>(() => net.GetNormalization("BatchNorm1")).Message);
    }
}
