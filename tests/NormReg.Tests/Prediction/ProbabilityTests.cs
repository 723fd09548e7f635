using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Prediction;

/// <summary>A one-output binary classifier: the shape <c>Classify(input, threshold)</c> is generated for.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(3)]
[Dense(5)]
[Tanh]
[Dense(1)]
public partial class BinaryScorer;

/// <summary>
/// Probabilities are the softmax (cross-entropy) or the sigmoid (binary cross-entropy) of <c>Predict</c>'s outputs,
/// computed here independently in double precision.
/// </summary>
public sealed class ProbabilityTests
{
    private static readonly float[] Inputs = [0.3f, -1.2f, 2.0f, 0.7f, 0.1f, -0.4f, 1.5f, -2.2f, 0.9f, -0.6f, 0.05f, 1.1f];

    [Fact]
    public void Softmax_classifier_probabilities_are_the_softmax_of_its_outputs()
    {
        var net = new DeepClassifier(maxBatchSize: 3, seed: 2);
        float[] logits = new float[9], probabilities = new float[9];
        net.Predict(Inputs, logits, 3);

        net.PredictProbabilities(Inputs, probabilities, 3);

        for (int row = 0; row < 3; row++)
        {
            double[] z = [.. logits.Skip(row * 3).Take(3).Select(v => (double)v)];
            double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
            for (int k = 0; k < 3; k++) Assert.Equal(Math.Exp(z[k] - max) / sum, probabilities[row * 3 + k], 1e-6);
        }
    }

    [Fact]
    public void Binary_probabilities_are_the_sigmoid_of_each_output_multi_label_included()
    {
        var net = new MultiLabelNet(maxBatchSize: 3, seed: 2);
        float[] logits = new float[9], probabilities = new float[9];
        net.Predict(Inputs, logits, 3);

        net.PredictProbabilities(Inputs, probabilities, 3);

        for (int i = 0; i < 9; i++) Assert.Equal(1 / (1 + Math.Exp(-logits[i])), probabilities[i], 1e-6);
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(0.2f)]
    [InlineData(0.8f)]
    public void A_binary_classifier_labels_1_from_the_threshold_on(float threshold)
    {
        var net = new BinaryScorer(seed: 5);
        net.Parameters[^1] = 0.4f; // a bias that puts the samples on both sides of the thresholds
        for (int row = 0; row < 4; row++)
        {
            float[] logit = new float[1];
            net.Predict(Inputs.AsSpan(row * 3, 3), logit);
            int expected = 1 / (1 + Math.Exp(-logit[0])) >= threshold ? 1 : 0;

            Assert.Equal(expected, net.Classify(Inputs.AsSpan(row * 3, 3), threshold));
        }
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void A_threshold_outside_0_to_1_is_refused(float threshold)
    {
        var net = new BinaryScorer();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Classify(Inputs.AsSpan(0, 3), threshold));
        Assert.Contains("threshold", e.Message);
    }
}
