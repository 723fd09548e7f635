using System;
using NormReg;

namespace NormReg.KernelPaths;

/// <summary>
/// The rows the other two networks leave out, checked bit for bit across paths: BatchNorm over channels (training statistics in
/// double, running statistics, the fold at inference), GELU in its vector passes, average pooling with a tail row and column,
/// spatial and element-wise dropout drawn from the seed, LayerNorm over C·H·W, global average pooling over 20 pixels (a 16-value
/// block and a tail), BatchNorm over features, and Adam.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(3, 10, 9)]
[Conv2D(6, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[GELU]
[AvgPool2D(2)]
[SpatialDropout(0.25)]
[Conv2D(9, 3, Padding = Padding.Same)]
[LayerNorm]
[GlobalAvgPool]
[Dense(20, UseBias = false)]
[BatchNorm]
[GELU]
[Dropout(0.2)]
[Dense(4)]
public partial class KernelPathsRows;

/// <summary>The run of <see cref="KernelPathsRows"/>: two Adam steps, then Predict (running statistics, folded BatchNorm).</summary>
public static class KernelPathsRowsRun
{
    /// <summary>Samples: not a multiple of any vector width.</summary>
    public const int Batch = 6;

    /// <summary>Floats <see cref="Run"/> returns: two losses, the parameters after the steps and Predict's outputs.</summary>
    public const int Values = 2 + KernelPathsRows.ParameterCount + Batch * KernelPathsRows.OutputSize;

    /// <summary>The two losses, the parameters after the steps and Predict's outputs, in that order.</summary>
    public static float[] Run()
    {
        var random = new SeededRandom(KernelPathsRun.Seed + 2);
        var inputs = new float[Batch * KernelPathsRows.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = 4 * random.NextSingle() - 2;
        var labels = new int[Batch];
        for (int n = 0; n < Batch; n++) labels[n] = random.NextInt(KernelPathsRows.OutputSize);

        var net = new KernelPathsRows(maxBatchSize: Batch, seed: KernelPathsRun.Seed);
        var optimizer = new Adam(0.01);
        var values = new float[Values];
        values[0] = net.TrainStep(inputs, labels, Batch, optimizer);
        values[1] = net.TrainStep(inputs, labels, Batch, optimizer);
        net.Parameters.CopyTo(values.AsSpan(2));
        net.Predict(inputs, values.AsSpan(2 + KernelPathsRows.ParameterCount), Batch);
        return values;
    }
}
