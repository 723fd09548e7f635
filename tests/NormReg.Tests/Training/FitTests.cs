using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary>The training loop's bookkeeping and argument checks.</summary>
public sealed class FitTests
{
    [Fact]
    public void Regressor_history_has_one_entry_per_epoch_with_validation_loss_and_no_accuracy()
    {
        var random = new Random(1);
        float[] x = Enumerable.Range(0, 64 * 3).Select(_ => (float)random.NextDouble()).ToArray();
        // Target proportions that depend on the inputs: (x0, x1, x2) / sum.
        float[] t = Enumerable.Range(0, 64).SelectMany(n =>
        {
            float sum = x[3 * n] + x[3 * n + 1] + x[3 * n + 2];
            return new[] { x[3 * n] / sum, x[3 * n + 1] / sum, x[3 * n + 2] / sum };
        }).ToArray();
        var net = new MixtureRegressor(16, seed: 2);

        History history = net.Fit(x, t, new Adam(0.01), new FitOptions { Epochs = 40, BatchSize = 16, ValidationFeatures = x, ValidationTargets = t });

        Assert.Equal(Enumerable.Range(1, 40), history.Epochs.Select(e => e.Epoch));
        Assert.All(history.Epochs, e => Assert.Null(e.Accuracy));
        Assert.All(history.Epochs, e => Assert.Equal(e.Loss, e.ValidationLoss!.Value, 1e-9));
        Assert.True(history.Last.Loss < history.Epochs[0].Loss / 2, $"loss {history.Epochs[0].Loss} → {history.Last.Loss}");
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights()
    {
        float[] first = Train(seed: 7), second = Train(seed: 7), other = Train(seed: 8);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Batch_size_above_the_network_maximum_is_rejected()
    {
        var net = new LinearClassifier(8);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(new float[5 * 10], new int[10], new Sgd(0.1), new FitOptions { BatchSize = 9 }));

        Assert.Contains("MaxBatchSize, 8; got 9", e.Message);
    }

    [Fact]
    public void Labels_that_do_not_match_the_features_are_rejected()
    {
        var net = new LinearClassifier(8);

        var e = Assert.Throws<ArgumentException>(() => net.Fit(new float[5 * 10], new int[9], new Sgd(0.1)));

        Assert.Contains("10 samples × 1 = 10 values", e.Message);
        Assert.Contains("got 9", e.Message);
    }

    private static float[] Train(int seed)
    {
        var random = new Random(3);
        float[] x = Enumerable.Range(0, 40 * 5).Select(_ => (float)random.NextDouble()).ToArray();
        int[] y = Enumerable.Range(0, 40).Select(i => i % 4).ToArray();
        var net = new LinearClassifier(8, seed: 1);
        net.Fit(x, y, new Sgd(0.1, momentum: 0.9), new FitOptions { Epochs = 3, BatchSize = 8, Seed = seed });
        return net.Parameters.ToArray();
    }
}
