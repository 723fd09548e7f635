using System;
using System.CodeDom.Compiler;
using System.Linq;
using System.Reflection;

namespace NormReg.Tests.Onnx;

/// <summary>
/// Every generated network compiled into this test assembly (the test networks and the demo's), each given a state
/// that is not the constructor's: input scaling fitted on columns of different scales with one constant column,
/// then a few Adam steps on batches of 16 so that weights, biases, γ, β and BatchNorm's running statistics all move.
/// </summary>
internal static class SampleNetworks
{
    public const int MaxBatch = 16;

    /// <summary>
    /// Raw features: column j has its own offset and spread (times <paramref name="widen"/>, to reach past the fitted
    /// range); with <paramref name="constantLastColumn"/> the last column is constant, as a zero-variance feature.
    /// </summary>
    public static float[] Features(Random random, int samples, int features, bool constantLastColumn = false, double widen = 1)
    {
        float[] x = new float[samples * features];
        for (int n = 0; n < samples; n++)
        {
            for (int j = 0; j < features; j++)
            {
                double offset = 3.0 * (j % 3) - 2.0, spread = (0.5 + j % 4) * widen;
                x[n * features + j] = constantLastColumn && j == features - 1
                    ? 2.5f
                    : (float)(offset + spread * (2 * random.NextDouble() - 1));
            }
        }
        return x;
    }

    /// <summary>The full names of the generated networks, for theories.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (Type type in Types()) data.Add(type.FullName!);
        return data;
    }

    /// <summary>Types the NormReg.Gen generator emitted an implementation for.</summary>
    public static Type[] Types() =>
        typeof(SampleNetworks).Assembly.GetTypes()
            .Where(t => typeof(INetwork).IsAssignableFrom(t) && t.GetCustomAttribute<GeneratedCodeAttribute>()?.Tool == "NormReg.Gen")
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();

    /// <summary>A fresh network of <paramref name="fullName"/>, constructed for batches of up to <see cref="MaxBatch"/>.</summary>
    public static INetwork Create(string fullName, int seed = 3) =>
        (INetwork)Activator.CreateInstance(typeof(SampleNetworks).Assembly.GetType(fullName, throwOnError: true)!, MaxBatch, seed)!;

    /// <summary>A network of <paramref name="fullName"/> with a fitted scaling and a few training steps behind it.</summary>
    public static INetwork Trained(string fullName, int seed = 3)
    {
        INetwork net = Create(fullName, seed);
        var random = new Random(seed);
        if (net.Architecture.Scaling is not null) FitScaling(net, Features(random, 64, net.InputSize, constantLastColumn: true));

        var optimizer = new Adam(1e-2);
        for (int step = 0; step < 5; step++)
        {
            float[] x = Features(random, MaxBatch, net.InputSize);
            switch (net)
            {
                case IClassifier classifier:
                    int[] labels = Enumerable.Range(0, MaxBatch).Select(_ => random.Next(net.OutputSize)).ToArray();
                    classifier.TrainStep(x, labels, MaxBatch, optimizer);
                    break;
                case IRegressor regressor:
                    bool binary = net.Architecture.Loss == Loss.BinaryCrossEntropy;
                    float[] targets = Enumerable.Range(0, MaxBatch * net.OutputSize)
                        .Select(_ => binary ? random.Next(2) : (float)(2 * random.NextDouble() - 1)).ToArray();
                    regressor.TrainStep(x, targets, MaxBatch, optimizer);
                    break;
            }
        }
        return net;
    }

    /// <summary>Fits the input scaling through the generated <c>BeginNormalizationFit</c>, which no interface declares.</summary>
    public static void FitScaling(INetwork net, float[] features)
    {
        var fit = (NormalizationFit)net.GetType().GetMethod("BeginNormalizationFit")!.Invoke(net, null)!;
        fit.Add(features);
        fit.Complete();
    }
}
