using System;
using System.Linq;

namespace NormReg.Tests.Prediction;

/// <summary>What the tests of the inference weight copies (bfloat16, packed) do to a network: fixed inputs, a Predict, Adam steps.</summary>
internal static class InferenceProbe
{
    public const int Batch = 5;

    /// <summary>A batch of inputs in [−1, 1) drawn from <paramref name="seed"/>.</summary>
    public static float[] Inputs(INetwork net, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Batch * net.InputSize).Select(_ => (float)(2 * random.NextDouble() - 1))];
    }

    /// <summary>Predict on the same batch every time (seed 11).</summary>
    public static float[] Predict(INetwork net)
    {
        var outputs = new float[Batch * net.OutputSize];
        net.Predict(Inputs(net, 11), outputs, Batch);
        return outputs;
    }

    /// <summary><paramref name="steps"/> Adam steps on one batch (seed 12), classes or targets by position.</summary>
    public static void Train(INetwork net, int steps)
    {
        var optimizer = new Adam(1e-2);
        float[] inputs = Inputs(net, 12);
        for (int s = 0; s < steps; s++)
        {
            if (net is IClassifier classifier) classifier.TrainStep(inputs, [.. Enumerable.Range(0, Batch).Select(i => i % net.OutputSize)], Batch, optimizer);
            else ((IRegressor)net).TrainStep(inputs, [.. Enumerable.Range(0, Batch * net.OutputSize).Select(i => (float)Math.Sin(i))], Batch, optimizer);
        }
    }

    /// <summary>The values' bits, to compare exactly (NaN payloads and −0 included).</summary>
    public static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
