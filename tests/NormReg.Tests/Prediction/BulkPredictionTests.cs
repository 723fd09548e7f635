using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Prediction;

/// <summary>Whole data sets in one call, in every shape, give the bits of sample-by-sample Predict; Fit works with no options.</summary>
public sealed class BulkPredictionTests
{
    private const int Samples = 11; // more than MaxBatchSize, and not a multiple of it

    [Fact]
    public void Every_shape_gives_the_bits_of_one_sample_at_a_time()
    {
        var net = new DeepClassifier(maxBatchSize: 4, seed: 3);
        var random = new Random(8);
        float[] flat = [.. Enumerable.Range(0, Samples * DeepClassifier.InputSize).Select(_ => (float)(random.NextDouble() * 4 - 2))];
        var expected = new float[Samples * DeepClassifier.OutputSize];
        for (int i = 0; i < Samples; i++) net.Predict(flat.AsSpan(i * 4, 4), expected.AsSpan(i * 3, 3));
        float[,] grid = new float[Samples, 4];
        float[][] jagged = new float[Samples][];
        for (int i = 0; i < Samples; i++)
        {
            jagged[i] = flat[(i * 4)..(i * 4 + 4)];
            for (int j = 0; j < 4; j++) grid[i, j] = flat[i * 4 + j];
        }

        Assert.Equal(expected, net.Predict(flat));
        Assert.Equal(expected, net.Predict(grid).Cast<float>());
        Assert.Equal(expected, net.Predict(jagged).SelectMany(row => row));
    }

    [Fact]
    public void Shapes_that_are_not_whole_samples_are_refused_with_the_width_expected()
    {
        var net = new DeepClassifier(maxBatchSize: 4);

        Assert.Contains("whole samples of 4", Assert.Throws<ArgumentException>(() => net.Predict(new float[7])).Message);
        Assert.Contains("4 columns", Assert.Throws<ArgumentException>(() => net.Predict(new float[2, 3])).Message);
        Assert.Contains("samples[1] must hold 4", Assert.Throws<ArgumentException>(() => net.Predict(new[] { new float[4], new float[5] })).Message);
    }

    [Fact]
    public void Fit_with_no_options_trains_a_network_built_for_one_sample_at_a_time()
    {
        var net = new DeepClassifier(); // maxBatchSize 1: the automatic batch size is 1, not Keras' 32
        float[] x = [.. Enumerable.Range(0, 24 * 4).Select(i => (float)Math.Sin(i))];
        int[] y = [.. Enumerable.Range(0, 24).Select(i => i % 3)];

        History history = net.Fit(x, y, new Sgd(0.01));

        Assert.NotEmpty(history.Epochs);
    }

    [Fact]
    public void A_BatchNorm_network_too_small_for_batch_statistics_says_how_to_construct_it()
    {
        var net = new FoldedRegressor(); // maxBatchSize 1, but BatchNorm needs 2
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(new float[8], new float[6], new Sgd(0.01)));

        Assert.Contains("new FoldedRegressor(maxBatchSize: 32)", e.Message);
    }
}
