using System;
using System.Linq;
using NormReg.Demo.Data;
using NormReg.Tests.Networks;

namespace NormReg.Tests;

/// <summary>End to end: the generated network learns a problem no linear model can.</summary>
public sealed class SpiralTrainingTests
{
    [Fact]
    public void Three_spirals_are_learned_to_at_least_95_percent_training_accuracy()
    {
        const int batch = 32;
        (float[] x, int[] y) = Spirals.Generate(perClass: 100, classes: 3, noise: 0.2, seed: 5);
        int count = y.Length;
        var net = new SpiralNet(batch, seed: 11);
        var optimizer = new Adam(learningRate: 0.01);
        var order = Enumerable.Range(0, count).ToArray();
        var random = new SeededRandom(3);
        var xb = new float[batch * SpiralNet.InputSize];
        var yb = new int[batch];

        for (int epoch = 0; epoch < 300; epoch++)
        {
            random.Shuffle<int>(order);
            for (int start = 0; start + batch <= count; start += batch)
            {
                for (int k = 0; k < batch; k++)
                {
                    int i = order[start + k];
                    xb[2 * k] = x[2 * i];
                    xb[2 * k + 1] = x[2 * i + 1];
                    yb[k] = y[i];
                }
                net.TrainStep(xb, yb, batch, optimizer);
            }
        }

        int correct = Enumerable.Range(0, count).Count(i => net.Classify(x.AsSpan(2 * i, 2)) == y[i]);
        double accuracy = (double)correct / count;
        Assert.True(accuracy >= 0.95, $"training accuracy {accuracy:P1}");
    }
}
