using System;
using System.Linq;
using MathNet.Numerics.Statistics;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Normalization;

/// <summary>[ZScore] and [MinMax]: fitted statistics, chunked fitting, degenerate features, clipping and the unfitted error.</summary>
public sealed class InputScalingTests
{
    [Fact]
    public void ZScore_statistics_match_MathNet_population_mean_and_standard_deviation()
    {
        // A large offset with a small spread: the case where a naive sum of squares loses its digits.
        var random = new Random(1);
        float[] features = Enumerable.Range(0, 5000 * 4).Select(i => (float)(10_000 * (i % 4) + 1e3 + random.NextDouble())).ToArray();
        var net = new BatchNormFirst(4);

        net.FitNormalization(features);

        float[] statistics = Statistics(net);
        for (int j = 0; j < 4; j++)
        {
            double[] column = Enumerable.Range(0, 5000).Select(n => (double)features[n * 4 + j]).ToArray();
            Assert.Equal(column.Mean(), statistics[j], column.Mean() * 1e-6);
            Assert.Equal(column.PopulationStandardDeviation(), statistics[4 + j], 1e-4);
        }
    }

    [Fact]
    public void ZScore_uses_the_population_variance_which_three_samples_tell_from_the_sample_variance()
    {
        // Three samples: the population σ (divide by n) and the sample σ (by n − 1) differ by √(3/2), 22 %.
        float[] features = [1f, -4f, 0.5f, 8f, 2f, -4f, 0.5f, 9f, 6f, -1f, 0.5f, 4f];
        var net = new BatchNormFirst(4);

        net.FitNormalization(features);

        float[] statistics = Statistics(net);
        for (int j = 0; j < 4; j++)
        {
            double[] column = [features[j], features[4 + j], features[8 + j]];
            double population = column.PopulationStandardDeviation(), sample = column.StandardDeviation();
            double expected = population > 0 ? population : 1; // a constant feature gets σ = 1
            Assert.Equal(expected, statistics[4 + j], 1e-6);
            if (population > 0) Assert.True(Math.Abs(sample - statistics[4 + j]) > 0.1, $"feature {j}: the sample σ {sample} is within 0.1 of the fitted {statistics[4 + j]}");
        }
    }

    [Fact]
    public void Fitting_in_chunks_gives_exactly_the_one_pass_statistics()
    {
        var random = new Random(2);
        float[] features = Enumerable.Range(0, 101 * 4).Select(_ => (float)(5 * random.NextDouble())).ToArray();
        var whole = new BatchNormFirst(4);
        var chunked = new BatchNormFirst(4);

        whole.FitNormalization(features);
        NormalizationFit fit = chunked.BeginNormalizationFit();
        fit.Add(features.AsSpan(0, 7 * 4));
        fit.Add(features.AsSpan(7 * 4, 50 * 4));
        fit.Add(features.AsSpan(57 * 4));
        fit.Complete();

        Assert.Equal(101, fit.Count);
        Assert.Equal(Statistics(whole), Statistics(chunked));
    }

    [Fact]
    public void A_zero_variance_feature_gets_standard_deviation_one()
    {
        // 4 samples × 4 features; features 1 and 3 are constant.
        float[] features = Enumerable.Range(1, 4).SelectMany(v => new float[] { v, 7, v, 7 }).ToArray();
        var net = new BatchNormFirst(4);

        net.FitNormalization(features);

        float[] statistics = Statistics(net);
        Assert.Equal([2.5f, 7f, 2.5f, 7f], statistics[..4]);
        Assert.Equal(1f, statistics[4 + 1]);
        Assert.Equal(1f, statistics[4 + 3]);
        Assert.NotEqual(1f, statistics[4 + 0]);
    }

    [Fact]
    public void MinMax_maps_the_fitted_range_to_low_high_clips_outside_and_maps_a_constant_feature_to_low()
    {
        ScaledIdentity net = IdentityAfterScaling();
        net.FitNormalization([0, 5, 10, /**/ 4, 5, 30]); // feature 1 is constant

        Assert.Equal([-1f, -1f, -1f], Predict(net, [0, 5, 10]));
        Assert.Equal([1f, -1f, 1f], Predict(net, [4, 5, 30]));
        Assert.Equal([0f, -1f, 0f], Predict(net, [2, 5, 20]));
        Assert.Equal([1f, -1f, -1f], Predict(net, [100, -3, -50])); // clipped
    }

    /// <summary>torch.clamp's gradient: 0 beyond a bound, passed inside and at the bounds themselves (0 and 10 scale to exactly −1 and 1).</summary>
    [Fact]
    public void The_input_gradient_is_zero_beyond_the_min_max_range_and_passes_at_its_bounds()
    {
        ScaledIdentity net = IdentityAfterScaling();
        net.FitNormalization([0, 0, 0, /**/ 10, 10, 10]);
        var outputs = new float[3];
        var inputGradients = new float[3];

        // d(scaled)/dx = (1 − (−1)) / 10 inside the range and at its bounds, 0 beyond them.
        net.Forward([0, 20, 10], outputs, 1, ForwardMode.Training);
        net.Backward([1, 1, 1], inputGradients, 1);
        Assert.Equal([0.2f, 0f, 0.2f], inputGradients);

        net.Forward([5, -3, 10.5f], outputs, 1, ForwardMode.Training);
        net.Backward([1, 1, 1], inputGradients, 1);
        Assert.Equal([0.2f, 0f, 0f], inputGradients);
    }

    [Fact]
    public void Predicting_or_training_before_fitting_names_the_network_and_the_call_to_make()
    {
        var net = new BatchNormFirst(4);

        var predict = Assert.Throws<InvalidOperationException>(() => net.Predict(new float[4], new float[3]));
        var train = Assert.Throws<InvalidOperationException>(() => net.TrainStep(new float[8], [0, 1], 2, new Sgd(0.1)));

        Assert.Contains("BatchNormFirst.FitNormalization(", predict.Message);
        Assert.Equal(predict.Message, train.Message);
    }

    [Fact]
    public void Non_finite_features_are_rejected_by_fitting()
    {
        var net = new BatchNormFirst(4);

        var e = Assert.Throws<ArgumentException>(() => net.FitNormalization([1, 2, float.NaN, 4]));

        Assert.Contains("features[2]", e.Message); // FitNormalization's parameter, not NormalizationFit.Add's
        Assert.Equal("features", e.ParamName);
        Assert.Throws<InvalidOperationException>(() => net.Predict(new float[4], new float[3]));
    }

    private static ScaledIdentity IdentityAfterScaling()
    {
        var net = new ScaledIdentity(2);
        net.Dense1.Weights.Clear();
        for (int i = 0; i < 3; i++) net.Dense1[i, i] = 1;
        return net;
    }

    private static float[] Predict(ScaledIdentity net, float[] input)
    {
        var output = new float[3];
        net.Predict(input, output);
        return output.Select(v => MathF.Round(v, 5) + 0f).ToArray();
    }

    private static float[] Statistics(INetwork net)
    {
        var state = new float[net.StateLength];
        net.CopyState(state);
        return state[net.Parameters.Length..(net.Parameters.Length + 2 * net.InputSize)];
    }
}
