using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary><see cref="FitOptions.ValidationSplit"/> holds out the last samples before shuffling, as Keras' <c>validation_split</c>.</summary>
public sealed class ValidationSplitTests
{
    private readonly float[] _x;
    private readonly int[] _y;

    public ValidationSplitTests()
    {
        var random = new Random(4);
        _x = Enumerable.Range(0, 10 * LinearClassifier.InputSize).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        _y = Enumerable.Range(0, 10).Select(i => (i * 7) % 4).ToArray();
    }

    [Theory]
    [InlineData(0.2, 8)]  // ⌊10·0.8⌋ = 8: samples 8, 9 are held out
    [InlineData(0.25, 7)] // ⌊10·0.75⌋ = ⌊7.5⌋ = 7 (floor, not rounding): samples 7, 8, 9
    public void The_last_samples_are_held_out_and_the_first_ones_trained_on(double split, int trainCount)
    {
        int width = LinearClassifier.InputSize;
        var withSplit = new LinearClassifier(4, seed: 1);
        var onFirstPart = new LinearClassifier(4, seed: 1);

        History history = withSplit.Fit(_x, _y, new Sgd(0.1, momentum: 0.9), new FitOptions { Epochs = 3, BatchSize = 4, Seed = 5, ValidationSplit = split });
        History reference = onFirstPart.Fit(_x[..(trainCount * width)], _y[..trainCount], new Sgd(0.1, momentum: 0.9), new FitOptions { Epochs = 3, BatchSize = 4, Seed = 5 });

        // Training saw exactly the first samples, in the same shuffled order.
        Assert.Equal(onFirstPart.Parameters.ToArray(), withSplit.Parameters.ToArray());
        Assert.Equal(reference.Last.Loss, history.Last.Loss);
        // Validation is the last samples.
        (double loss, double accuracy) = withSplit.Evaluate(_x[(trainCount * width)..], _y[trainCount..]);
        Assert.Equal(loss, history.Last.ValidationLoss!.Value, 1e-12);
        Assert.Equal(accuracy, history.Last.ValidationAccuracy!.Value, 1e-12);
    }

    [Theory]
    [InlineData(0.95, "leaves 0 for training and 10 for validation")]  // ⌊10·0.05⌋ = 0
    [InlineData(1e-17, "leaves 10 for training and 0 for validation")] // 1 − 1e-17 rounds to 1: ⌊10⌋ = 10
    public void A_split_that_leaves_a_part_empty_is_rejected(double split, string expected)
    {
        var net = new LinearClassifier(4);

        var e = Assert.Throws<ArgumentException>(() => net.Fit(_x, _y, new Sgd(0.1), new FitOptions { BatchSize = 4, ValidationSplit = split }));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_split_together_with_validation_data_is_rejected()
    {
        var net = new LinearClassifier(4);

        var e = Assert.Throws<ArgumentException>(() => net.Fit(_x, _y, new Sgd(0.1),
            new FitOptions { BatchSize = 4, ValidationSplit = 0.2, ValidationFeatures = _x, ValidationLabels = _y }));

        Assert.Contains("ValidationSplit = 0.2 and ValidationFeatures were both given", e.Message);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_split_outside_0_to_1_is_rejected(double split)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FitOptions { ValidationSplit = split });
    }
}
