using NormReg;

namespace NormReg.KernelPaths;

/// <summary>
/// Layers whose products take every path of the kernels: forward products of 37 and 21 steps (summed in order), of 70 and 100
/// (sixteen partial sums and a tail); backward rows of 37, 70 and 100 columns (whole tiles, narrower tiles and a scalar tail at every
/// width); each activation's vector body and tail.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(37)]
[Dense(70)]
[LeakyReLU(0.1)]
[Dense(100)]
[Tanh]
[Dense(21)]
[Sigmoid]
[Dense(18)]
[ReLU]
[Dense(5)]
public partial class KernelPathsNet;

/// <summary>The run both the child process and the test's reference use.</summary>
public static class KernelPathsRun
{
    /// <summary>Samples: past one packed panel of 128 steps in the weight gradients, and not a multiple of 4.</summary>
    public const int Batch = 130;

    /// <summary>Seeds the weights and the data.</summary>
    public const int Seed = 5;

    /// <summary>The step's plain SGD rate.</summary>
    public const double LearningRate = 0.1;

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
}
