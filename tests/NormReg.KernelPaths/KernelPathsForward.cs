using System;
using NormReg;

namespace NormReg.KernelPaths;

/// <summary>
/// Forward products of more than 64 steps at every batch size whose tiles differ: 202 inputs (2 steps past the last whole four, 10 past
/// the last sixteen) into 69 weight rows without a bias (a row past the last pair, four and eight), then 69 steps (1 and 5 past) into 11
/// outputs with a bias. Predict runs 13 samples at once (two tiles of six rows and one row), the same samples split 1 + 2 + 3 + 7, and the 13 again
/// with bfloat16 weights.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(202)]
[Dense(69, UseBias = false)]
[Tanh]
[Dense(11)]
public partial class KernelPathsForward;

/// <summary>The Predict calls of <see cref="KernelPathsForward"/> both the child process and the test's reference use.</summary>
public static class KernelPathsForwardRun
{
    /// <summary>Samples.</summary>
    public const int Batch = 13;

    /// <summary>The batches the samples are also predicted in, in order.</summary>
    public static ReadOnlySpan<int> Splits => [1, 2, 3, 7];

    /// <summary>Floats <see cref="Run"/> returns: the initial parameters, then the outputs of all samples at once, in the splits, and in bfloat16.</summary>
    public const int Values = KernelPathsForward.ParameterCount + 3 * Batch * KernelPathsForward.OutputSize;

    /// <summary>Inputs in [−2, 2) drawn from <see cref="SeededRandom"/>.</summary>
    public static float[] Inputs()
    {
        var random = new SeededRandom(KernelPathsRun.Seed + 3);
        var inputs = new float[Batch * KernelPathsForward.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = 4 * random.NextSingle() - 2;
        return inputs;
    }

    /// <summary>The initial parameters, then Predict's outputs: all samples at once, the same samples in <see cref="Splits"/>, and all at once with bfloat16 weights.</summary>
    public static float[] Run()
    {
        float[] inputs = Inputs();
        var net = new KernelPathsForward(maxBatchSize: Batch, seed: KernelPathsRun.Seed);
        var values = new float[Values];
        int outputs = Batch * KernelPathsForward.OutputSize;
        net.Parameters.CopyTo(values);
        Span<float> together = values.AsSpan(KernelPathsForward.ParameterCount, outputs), split = values.AsSpan(KernelPathsForward.ParameterCount + outputs, outputs);
        net.Predict(inputs, together, Batch);
        int first = 0;
        foreach (int batch in Splits)
        {
            net.Predict(inputs.AsSpan(first * KernelPathsForward.InputSize, batch * KernelPathsForward.InputSize), split.Slice(first * KernelPathsForward.OutputSize, batch * KernelPathsForward.OutputSize), batch);
            first += batch;
        }
        net.InferencePrecision = WeightPrecision.BFloat16;
        net.Predict(inputs, values.AsSpan(KernelPathsForward.ParameterCount + 2 * outputs, outputs), Batch);
        return values;
    }
}
