using System;
using System.Linq;
using NormReg.Tests.Networks;
using NormReg.Tests.Networks.Images;

namespace NormReg.Tests.Prediction;

/// <summary>Monte-Carlo dropout in one call: the mean and spread of sampling passes, computed here from a twin's passes in double.</summary>
public sealed class MonteCarloTests
{
    private static readonly float[] Inputs = [0.3f, -1.2f, 2.0f, 0.7f, 0.1f, -0.4f, 1.5f, -2.2f, 0.9f, -0.6f, 0.05f, 1.1f];

    [Fact]
    public void Mean_and_standard_deviation_are_those_of_the_sampling_passes()
    {
        const int Passes = 25, Batch = 2;
        var net = new RegularizedClassifier(maxBatchSize: Batch, seed: 4);
        var twin = new RegularizedClassifier(maxBatchSize: Batch, seed: 4);
        net.FitNormalization(Inputs);
        twin.FitNormalization(Inputs);
        float[] mean = new float[Batch * 3], spread = new float[Batch * 3];

        net.PredictMonteCarlo(Inputs, mean, spread, Batch, Passes);

        double[][] passes = [.. Enumerable.Range(0, Passes).Select(_ =>
        {
            float[] outputs = new float[Batch * 3];
            twin.Forward(Inputs, outputs, Batch, ForwardMode.Sampling);
            return outputs.Select(v => (double)v).ToArray();
        })];
        for (int i = 0; i < mean.Length; i++)
        {
            double m = passes.Average(p => p[i]), s = Math.Sqrt(passes.Average(p => (p[i] - m) * (p[i] - m)));
            Assert.Equal(m, mean[i], 1e-5);
            Assert.Equal(s, spread[i], 1e-5);
        }
        Assert.Contains(spread, s => s > 0); // dropout and noise were drawn
    }

    [Fact]
    public void Augmentation_is_not_sampled_only_dropout_is()
    {
        var random = new Random(3);
        float[] images = [.. Enumerable.Range(0, 8 * FlipOnlyCnn.InputSize).Select(_ => (float)random.NextDouble())];
        var net = new FlipOnlyCnn(maxBatchSize: 8, seed: 2);
        float[] inference = new float[16], sampled = new float[16], trained = new float[16];

        net.Forward(images, inference, 8, ForwardMode.Inference);
        net.Forward(images, sampled, 8, ForwardMode.Sampling);
#pragma warning disable NRG100 // a training pass without Backward, on purpose: its outputs show the flips drawn
        net.Forward(images, trained, 8, ForwardMode.Training);
#pragma warning restore NRG100

        Assert.Equal(inference, sampled); // without dropout or noise, sampling is inference
        Assert.NotEqual(inference, trained); // in training the flips are drawn (each image with probability ½)

        // With dropout right before the linear head, sampled passes average to the inference output of the images as they
        // are; passes that also flipped them would average to a mixture of flipped and unflipped outputs instead.
        var dropping = new FlipThenDropoutCnn(maxBatchSize: 8, seed: 5);
        float[] expected = new float[16], mean = new float[16], spread = new float[16];
        dropping.Predict(images, expected, 8);
        dropping.PredictMonteCarlo(images, mean, spread, 8, 400);
        Assert.All(expected.Zip(mean, spread), t => Assert.True(Math.Abs(t.First - t.Second) <= 5 * t.Third / Math.Sqrt(400) + 1e-5,
            $"Monte-Carlo mean {t.Second} is {Math.Abs(t.First - t.Second):G3} from the inference output {t.First} (spread {t.Third})."));
    }

    [Fact]
    public void Fewer_than_two_passes_are_refused()
    {
        var net = new RegularizedClassifier(maxBatchSize: 2);
        net.FitNormalization(Inputs);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.PredictMonteCarlo(Inputs, new float[6], new float[6], 2, 1));
        Assert.Contains("at least 2", e.Message);
    }
}
