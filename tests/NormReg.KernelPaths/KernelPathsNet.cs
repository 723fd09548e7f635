using System;
using NormReg;

namespace NormReg.KernelPaths;

/// <summary>
/// Layers whose products take every path of the kernels: forward products of 37, 21 and 40 steps (summed in order; 70, 40 and 5
/// outputs: tiles of three, two and one vectors, narrower vectors and scalars), of 70 and 100 (sixteen partial sums and a tail, the rows
/// of x copied to aligned scratch), of 80 (whole sixteens for 96 weight rows; at <see cref="KernelPathsRun.FewSamples"/> samples, the
/// loads shifted to where the weight rows' cache lines start) and of 96 (for 21 weight rows: x read in place); backward rows of 37, 70,
/// 100, 80 and 96 columns (whole tiles, narrower tiles and a scalar tail at every width); each activation's vector body and tail.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(37)]
[Dense(70)]
[LeakyReLU(0.1)]
[Dense(100)]
[Tanh]
[Dense(80)]
[ReLU]
[Dense(96)]
[ReLU]
[Dense(21)]
[Sigmoid]
[Dense(40)]
[ReLU]
[Dense(5)]
public partial class KernelPathsNet;

/// <summary>
/// Two Dense rows large enough for TrainStep's fused update at small batches, with vector tails at every width and rows past the
/// last group of four: 203 × 131 weights with an L1L2 penalty, and 131 × 129 without one, which plain momentum updates with the
/// update's branch-free shape.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(203)]
[Dense(131), L1L2(1e-4, 1e-3)]
[ReLU]
[Dense(129)]
[ReLU]
[Dense(3)]
public partial class KernelPathsFusedNet;

/// <summary>The run both the child process and the test's reference use.</summary>
public static class KernelPathsRun
{
    /// <summary>Samples: past one packed panel of 128 steps in the weight gradients, and not a multiple of 4.</summary>
    public const int Batch = 130;

    /// <summary>
    /// Samples of a second Predict of <see cref="KernelPathsNet"/>: one tile of rows, whose loads start where the weight rows' cache lines
    /// start when the rows do not (its layer of 80 steps), where the whole batch copies its rows to aligned scratch.
    /// </summary>
    public const int FewSamples = 3;

    /// <summary>Seeds the weights and the data.</summary>
    public const int Seed = 5;

    /// <summary>The step's plain SGD rate.</summary>
    public const double LearningRate = 0.1;

    /// <summary>
    /// Samples of each of the fused steps of <see cref="KernelPathsFusedNet"/>: 5 × 203 inputs, small enough for the fused update to walk
    /// the weights row by row, and 16 × 203, which it walks four rows at a time.
    /// </summary>
    private static readonly int[] FusedBatches = [5, 16, 5];

    /// <summary>
    /// Values the child writes after the step of <see cref="KernelPathsNet"/>: for Nesterov's momentum, then plain momentum, the fused
    /// network's parameters, then 1 when they equal the unfused steps' bit for bit.
    /// </summary>
    public const int FusedValues = 2 * (KernelPathsFusedNet.ParameterCount + 1);

    /// <summary>Inputs in [−2, 2) and labels drawn from <see cref="SeededRandom"/>.</summary>
    public static (float[] Inputs, int[] Labels) Data()
    {
        var random = new SeededRandom(Seed);
        var inputs = new float[Batch * KernelPathsNet.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = 4 * random.NextSingle() - 2;
        var labels = new int[Batch];
        for (int n = 0; n < Batch; n++) labels[n] = random.NextInt(KernelPathsNet.OutputSize);
        return (inputs, labels);
    }

    /// <summary>
    /// Three SGD steps of <see cref="KernelPathsFusedNet"/> with momentum, Nesterov's or plain, at <see cref="FusedBatches"/> samples,
    /// fused, and the same steps unfused (<c>ClipGlobalNorm = double.MaxValue</c> never scales and turns the fusion off): the fused
    /// parameters, and whether the two runs agree bit for bit with the fused one's weight gradients unstored (NaN, the mark of a fused step).
    /// </summary>
    public static (float[] Parameters, bool SameAsUnfused) FusedSteps(bool nesterov)
    {
        var random = new SeededRandom(Seed + 1);
        var fused = new KernelPathsFusedNet(16, Seed);
        var unfused = new KernelPathsFusedNet(16, Seed);
        var fusing = new Sgd(0.05, momentum: 0.9, nesterov: nesterov);
        var reference = new Sgd(0.05, momentum: 0.9, nesterov: nesterov) { ClipGlobalNorm = double.MaxValue };
        foreach (int batch in FusedBatches)
        {
            var inputs = new float[batch * KernelPathsFusedNet.InputSize];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = 4 * random.NextSingle() - 2;
            var labels = new int[batch];
            for (int n = 0; n < batch; n++) labels[n] = random.NextInt(KernelPathsFusedNet.OutputSize);
            fused.TrainStep(inputs, labels, batch, fusing);
            unfused.TrainStep(inputs, labels, batch, reference);
        }
        bool same = float.IsNaN(fused.Gradients[0]);
        for (int i = 0; i < KernelPathsFusedNet.ParameterCount; i++) same &= BitConverter.SingleToInt32Bits(fused.Parameters[i]) == BitConverter.SingleToInt32Bits(unfused.Parameters[i]);
        return (fused.Parameters.ToArray(), same);
    }
}
