using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Robustness;

/// <summary>
/// Refusals name the argument the caller passed, in ParamName and in the message: <c>input</c> of the one-sample members,
/// <c>probabilities</c>, FitNormalization's <c>features</c>, and <c>options</c> (with the FitOptions property) for data
/// that came in FitOptions.
/// </summary>
public sealed class ArgumentNameTests
{
    [Fact]
    public void PredictProbabilities_names_probabilities_not_outputs()
    {
        var net = new LinearClassifier(4);

        var e = Assert.Throws<ArgumentException>(() => net.PredictProbabilities(new float[2 * 5], new float[7], 2));

        Assert.Equal("probabilities", e.ParamName);
        Assert.Contains("probabilities must hold batchSize × 4 = 8 values", e.Message);
        var one = Assert.Throws<ArgumentException>(() => net.PredictProbabilities(new float[5], new float[3]));
        Assert.Equal("probabilities", one.ParamName);
        Assert.Contains("probabilities must hold one sample, OutputSize = 4 values; got 3", one.Message);
    }

    [Fact]
    public void The_one_sample_members_name_input_and_output_and_ask_for_one_sample()
    {
        var net = new LinearClassifier(4);

        var predict = Assert.Throws<ArgumentException>(() => net.Predict(new float[3], new float[4]));
        var output = Assert.Throws<ArgumentException>(() => net.Predict(new float[5], new float[5]));
        var classify = Assert.Throws<ArgumentException>(() => net.Classify(new float[6]));
        var probabilities = Assert.Throws<ArgumentException>(() => net.PredictProbabilities(new float[4], new float[4]));

        Assert.Equal("input", predict.ParamName);
        Assert.Contains("LinearClassifier: input must hold one sample, InputSize = 5 values; got 3.", predict.Message);
        Assert.DoesNotContain("batchSize", predict.Message); // the caller passed none
        Assert.Equal("output", output.ParamName);
        Assert.Contains("output must hold one sample, OutputSize = 4 values; got 5.", output.Message);
        Assert.Equal("input", classify.ParamName);
        Assert.Contains("input must hold one sample, InputSize = 5 values; got 6.", classify.Message);
        Assert.Equal("input", probabilities.ParamName);
    }

    [Fact]
    public void A_non_finite_input_of_a_one_sample_member_is_named_input()
    {
        var net = new LinearClassifier(4);
        float[] input = [1, 2, float.NaN, 4, 5];

        var classify = Assert.Throws<ArgumentException>(() => net.Classify(input));
        var predict = Assert.Throws<ArgumentException>(() => net.Predict(input, new float[4]));

        foreach (ArgumentException e in new[] { classify, predict })
        {
            Assert.Equal("input", e.ParamName);
            Assert.Contains("input must be finite; input[2] is NaN", e.Message);
        }
    }

    [Fact]
    public void FitNormalization_names_its_features()
    {
        var net = new BatchNormFirst(4);

        var rows = Assert.Throws<ArgumentException>(() => net.FitNormalization(new float[6]));
        var range = Assert.Throws<ArgumentException>(() => net.FitNormalization([-3e38f, 0, 0, 0, 3e38f, 0, 0, 0]));

        Assert.Equal("features", rows.ParamName);
        Assert.Contains("BatchNormFirst: features must hold whole rows of 4 features; got 6 values.", rows.Message);
        Assert.Equal("features", range.ParamName);
        Assert.Contains("features[4] = 3E+38", range.Message);
        // NormalizationFit.Add keeps its own parameter's name.
        var add = Assert.Throws<ArgumentException>(() => net.BeginNormalizationFit().Add(new float[6]));
        Assert.Equal("samples", add.ParamName);
    }

    [Fact]
    public void Validation_data_are_refused_as_options_naming_the_FitOptions_property()
    {
        var net = new LinearClassifier(8);
        float[] x = Enumerable.Range(0, 8 * 5).Select(i => (float)(i % 7)).ToArray();
        int[] y = Enumerable.Range(0, 8).Select(i => i % 4).ToArray();
        FitOptions With(float[]? features, int[]? labels) => new() { Epochs = 1, BatchSize = 4, ValidationFeatures = features, ValidationLabels = labels };
        float[] nan = new float[10];
        nan[7] = float.NaN;

        var features = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new Sgd(0.1), With(new float[9], [0, 1])));
        var finite = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new Sgd(0.1), With(nan, [0, 1])));
        var length = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new Sgd(0.1), With(new float[10], [0, 1, 2])));
        var label = Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(x, y, new Sgd(0.1), With(new float[10], [0, 9])));
        var missing = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new Sgd(0.1), new FitOptions { BatchSize = 4, ValidationFeatures = new float[10], ValidationTargets = [0f, 1f] }));

        Assert.All(new ArgumentException[] { features, finite, length, label, missing }, e => Assert.Equal("options", e.ParamName));
        Assert.Contains("FitOptions.ValidationFeatures must hold a positive multiple of InputSize = 5 values; got 9.", features.Message);
        Assert.Contains("FitOptions.ValidationFeatures must be finite; FitOptions.ValidationFeatures[7] is NaN", finite.Message);
        Assert.Contains("FitOptions.ValidationLabels must hold 2 samples × 1 = 2 values to match FitOptions.ValidationFeatures; got 3.", length.Message);
        Assert.Contains("FitOptions.ValidationLabels[1] must be a class index in [0, 4); got 9.", label.Message);
        Assert.Contains("FitOptions.ValidationFeatures was given without FitOptions.ValidationLabels", missing.Message); // a classifier's, not ValidationTargets
    }

    [Fact]
    public void A_regressors_validation_targets_are_named_ValidationTargets()
    {
        var net = new TanhRegressor(4);
        float[] x = new float[4 * 4], y = new float[4 * 3];

        var missing = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new Sgd(0.1), new FitOptions { BatchSize = 4, ValidationFeatures = new float[4] }));
        var length = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new Sgd(0.1), new FitOptions { BatchSize = 4, ValidationFeatures = new float[4], ValidationTargets = new float[2] }));

        Assert.Equal("options", missing.ParamName);
        Assert.Contains("FitOptions.ValidationFeatures was given without FitOptions.ValidationTargets.", missing.Message);
        Assert.Equal("options", length.ParamName);
        Assert.Contains("FitOptions.ValidationTargets must hold 1 samples × 3 = 3 values", length.Message);
    }

    [Fact]
    public void Too_few_training_samples_left_by_a_ValidationSplit_are_refused_as_options()
    {
        var net = new BatchNormFirst(4); // MinimumTrainingBatch 2
        float[] x = Enumerable.Range(0, 3 * 4).Select(i => (float)i).ToArray();
#pragma warning disable NRG109 // the statistics are beside the point: Fit refuses before the first step
        net.FitNormalization(x);
#pragma warning restore NRG109

        var split = Assert.Throws<ArgumentException>(() => net.Fit(x, [0, 0, 1], new Sgd(0.1), new FitOptions { ValidationSplit = 0.5, BatchSize = 2 }));
        var few = Assert.Throws<ArgumentException>(() => net.Fit(x.AsSpan(0, 4).ToArray(), [0], new Sgd(0.1), new FitOptions { BatchSize = 2 }));

        Assert.Equal("options", split.ParamName);
        Assert.Contains("FitOptions.ValidationSplit = 0.5 leaves 1 of 3", split.Message);
        Assert.Equal("features", few.ParamName);
        Assert.Contains("got 1", few.Message);
    }

    [Fact]
    public void An_undefined_monitor_is_refused_as_options()
    {
        var net = new LinearClassifier(4);

#pragma warning disable NRG108 // an undefined metric on purpose
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(new float[4 * 5], new int[4], new Sgd(0.1),
            new FitOptions { BatchSize = 4, EarlyStopping = new EarlyStopping { Monitor = (Metric)99 } }));
#pragma warning restore NRG108

        Assert.Equal("options", e.ParamName);
        Assert.Contains("EarlyStopping.Monitor is 99, which is no Metric.", e.Message);
    }
}
