using System;
using System.IO;
using System.Linq;
using NormReg.Tests.Networks;
using NormReg.Tests.Networks.Images;

namespace NormReg.Tests.Files;

/// <summary>Test networks with fitted input scaling and running statistics moved by training, and ways to compare their state.</summary>
internal static class SavedModels
{
    public const int Batch = 8;

    /// <summary>
    /// Networks with every kind of state: z-score and min-max inputs (per channel on images), BatchNorm (folded into a Dense or
    /// a Conv2D, and not), LayerNorm, dropout, augmentation.
    /// </summary>
    public static readonly string[] Names =
    [
        nameof(BatchNormFirst), nameof(LayerNormNet), nameof(FoldedRegressor), nameof(RegularizedClassifier), nameof(ScaledIdentity), nameof(LinearClassifier),
        nameof(NormalizedCnn), nameof(AugmentedCnn), nameof(ImageEdges),
    ];

    public static INetwork Create(string name, int seed = 0) => name switch
    {
        nameof(BatchNormFirst) => new BatchNormFirst(Batch, seed),
        nameof(LayerNormNet) => new LayerNormNet(Batch, seed),
        nameof(FoldedRegressor) => new FoldedRegressor(Batch, seed),
        nameof(RegularizedClassifier) => new RegularizedClassifier(Batch, seed),
        nameof(RegularizedClassifierWithoutDropout) => new RegularizedClassifierWithoutDropout(Batch, seed),
        nameof(ScaledIdentity) => new ScaledIdentity(Batch, seed),
        nameof(LinearClassifier) => new LinearClassifier(Batch, seed),
        nameof(SpiralNet) => new SpiralNet(Batch, seed),
        nameof(NormalizedCnn) => new NormalizedCnn(Batch, seed),
        nameof(AugmentedCnn) => new AugmentedCnn(Batch, seed),
        nameof(ImageEdges) => new ImageEdges(Batch, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>A network of <paramref name="name"/> with its input scaling fitted and <paramref name="steps"/> steps of training behind it.</summary>
    public static INetwork Trained(string name, Optimizer optimizer, int steps = 5)
    {
        INetwork net = Create(name, seed: 3);
        float[] features = Features(net.InputSize, 64, seed: 11);
        switch (net)
        {
            case BatchNormFirst n: n.FitNormalization(features); break;
            case LayerNormNet n: n.FitNormalization(features); break;
            case RegularizedClassifier n: n.FitNormalization(features); break;
            case ScaledIdentity n: n.FitNormalization(features); break;
            case NormalizedCnn n: n.FitNormalization(features); break;
            case AugmentedCnn n: n.FitNormalization(features); break;
        }
        Train(net, optimizer, steps, seed: 5);
        return net;
    }

    /// <summary><paramref name="steps"/> training steps on batches drawn from <paramref name="seed"/>.</summary>
    public static void Train(INetwork net, Optimizer optimizer, int steps, int seed)
    {
        var random = new Random(seed);
        for (int s = 0; s < steps; s++)
        {
            float[] inputs = Features(net.InputSize, Batch, random.Next());
            switch (net)
            {
                case IClassifier c:
                    c.TrainStep(inputs, Enumerable.Range(0, Batch).Select(_ => random.Next(c.OutputSize)).ToArray(), Batch, optimizer);
                    break;
                case IRegressor r:
                    r.TrainStep(inputs, Enumerable.Range(0, Batch * r.OutputSize).Select(_ => (float)random.Next(2)).ToArray(), Batch, optimizer);
                    break;
            }
        }
    }

    /// <summary>Features of <paramref name="samples"/> samples, offset and scaled so input normalization has something to do.</summary>
    public static float[] Features(int width, int samples, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, width * samples).Select(i => (float)(5 + (i % width) + 3 * (random.NextDouble() - 0.5) * (1 + i % width))).ToArray();
    }

    public static float[] State(INetwork net)
    {
        var state = new float[net.StateLength];
        net.CopyState(state);
        return state;
    }

    /// <summary>The network's and the optimizer's whole state as bytes: equal bytes, equal state, bit for bit (NaN and −0 included).</summary>
    public static byte[] Snapshot(INetwork net, Optimizer? optimizer = null)
    {
        using var stream = new MemoryStream();
        net.Save(stream, optimizer);
        return stream.ToArray();
    }

    public static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }

    public static float[] Predict(INetwork net, float[] inputs)
    {
        var outputs = new float[Batch * net.OutputSize];
        net.Predict(inputs, outputs, Batch);
        return outputs;
    }
}
