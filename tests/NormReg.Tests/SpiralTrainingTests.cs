using System;
using System.Linq;
using NormReg.Demo.Data;
using NormReg.Tests.Networks;

namespace NormReg.Tests;

/// <summary>End to end: the generated network, trained by <see cref="Training.Fit(IClassifier, float[], int[], Optimizer, FitOptions?)"/>, learns a problem no linear model can.</summary>
public sealed class SpiralTrainingTests
{
    [Fact]
    public void Three_spirals_are_learned_to_at_least_95_percent_training_accuracy()
    {
        (float[] x, int[] y) = Spirals.Generate(perClass: 100, classes: 3, noise: 0.2, seed: 5);
        var net = new SpiralNet(maxBatchSize: 32, seed: 11);
        int epochsSeen = 0;

        History history = net.Fit(x, y, new Adam(learningRate: 0.01), new FitOptions
        {
            Epochs = 300,
            BatchSize = 32,
            Seed = 3,
            OnEpochEnd = e => epochsSeen = e.Epoch,
        });

        // Count with Classify, independently of the accuracy Fit reports.
        int correct = Enumerable.Range(0, y.Length).Count(i => net.Classify(x.AsSpan(2 * i, 2)) == y[i]);
        double accuracy = (double)correct / y.Length;
        Assert.True(accuracy >= 0.95, $"training accuracy {accuracy:P1}");
        Assert.Equal(accuracy, history.Last.Accuracy!.Value, 1e-12);
        Assert.Equal(300, epochsSeen);
        Assert.True(history.Epochs[0].Loss > 2 * history.Last.Loss, $"loss {history.Epochs[0].Loss} → {history.Last.Loss}");
    }
}
