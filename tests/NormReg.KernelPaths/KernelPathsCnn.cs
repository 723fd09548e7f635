using NormReg;

namespace NormReg.KernelPaths;

/// <summary>
/// Convolutions and pooling on every kernel path: 7 filters (a tile of 8 rows cut short) over 11 × 13 "same"-padded pixels (143
/// columns: three-vector tiles, narrower vectors and scalar columns at every width), 8 filters on them (the input gradient as a
/// correlation of the output gradient: 7 channels over 165 wide columns), 2 × 2 max pooling to 5 × 6 (a vector of four windows and a
/// scalar tail), then 17 filters at stride 2 (two tiles of 8 rows and one; an input gradient of 72 patch rows).
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(3, 11, 13)]
[Conv2D(7, 3, Padding = Padding.Same)]
[ReLU]
[Conv2D(8, 3, Padding = Padding.Same)]
[Tanh]
[MaxPool2D(2)]
[Conv2D(17, 3, Stride = 2)]
[Tanh]
[Flatten]
[Dense(5)]
public partial class KernelPathsCnn;

/// <summary>The convolutional run both the child process and the test use.</summary>
public static class KernelPathsCnnRun
{
    /// <summary>Samples: not a multiple of any vector width.</summary>
    public const int Batch = 5;

    /// <summary>Inputs in [−2, 2) and labels drawn from <see cref="SeededRandom"/>.</summary>
    public static (float[] Inputs, int[] Labels) Data()
    {
        var random = new SeededRandom(KernelPathsRun.Seed + 1);
        var inputs = new float[Batch * KernelPathsCnn.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = 4 * random.NextSingle() - 2;
        var labels = new int[Batch];
        for (int n = 0; n < Batch; n++) labels[n] = random.NextInt(KernelPathsCnn.OutputSize);
        return (inputs, labels);
    }
}
