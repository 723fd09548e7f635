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

/// <summary>
/// The convolutions that read input rows, checked bit for bit across paths: a 1 × 1 convolution to 16 channels, then 16 filters 3 × 3 valid
/// on 10 × 10 (the weight gradient from the input rows in place, twelve tiles of four row groups; the input gradient through the placed patch
/// gradient, blocks of 7, 7 and 2 channels), then 16 filters 5 × 5 "same" on 8 × 8 (the weight gradient from the padded window, 40 pairs).
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(5, 10, 10)]
[Conv2D(16, 1)]
[Tanh]
[Conv2D(16, 3)]
[Tanh]
[Conv2D(16, 5, Padding = Padding.Same)]
[GlobalAvgPool]
[Dense(3)]
public partial class KernelPathsConvRows;

/// <summary>The run of <see cref="KernelPathsRows"/>: two Adam steps, then Predict (running statistics, folded BatchNorm).</summary>
public static class KernelPathsRowsRun
{
    /// <summary>Samples: not a multiple of any vector width.</summary>
    public const int Batch = 6;

    /// <summary>Floats <see cref="Run"/> returns: two losses, the parameters after the steps and Predict's outputs, then the same of <see cref="KernelPathsConvRows"/>.</summary>
    public const int Values = 2 + KernelPathsRows.ParameterCount + Batch * KernelPathsRows.OutputSize + 2 + KernelPathsConvRows.ParameterCount + Batch * KernelPathsConvRows.OutputSize;

    /// <summary>The two losses, the parameters after the steps and Predict's outputs, in that order, of each network.</summary>
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
        net.Predict(inputs, values.AsSpan(2 + KernelPathsRows.ParameterCount, Batch * KernelPathsRows.OutputSize), Batch);

        var images = new float[Batch * KernelPathsConvRows.InputSize];
        for (int i = 0; i < images.Length; i++) images[i] = 4 * random.NextSingle() - 2;
        for (int n = 0; n < Batch; n++) labels[n] = random.NextInt(KernelPathsConvRows.OutputSize);
        var conv = new KernelPathsConvRows(maxBatchSize: Batch, seed: KernelPathsRun.Seed);
        var sgd = new Sgd(KernelPathsRun.LearningRate);
        Span<float> rest = values.AsSpan(2 + KernelPathsRows.ParameterCount + Batch * KernelPathsRows.OutputSize);
        rest[0] = conv.TrainStep(images, labels, Batch, sgd);
        rest[1] = conv.TrainStep(images, labels, Batch, sgd);
        conv.Parameters.CopyTo(rest.Slice(2));
        conv.Predict(images, rest.Slice(2 + KernelPathsConvRows.ParameterCount, Batch * KernelPathsConvRows.OutputSize), Batch);
        return values;
    }
}
