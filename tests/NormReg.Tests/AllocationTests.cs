using System;
using System.Linq;
using NormReg.Tests.Networks;
using NormReg.Tests.Networks.Images;

namespace NormReg.Tests;

/// <summary>
/// After construction and one warm-up step, inference and training allocate nothing, whatever rows the network has:
/// vector networks (one reading its weights in bfloat16), and convolutional ones with pooling, BatchNorm2d, spatial dropout and augmentation.
/// </summary>
public sealed class AllocationTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { nameof(DeepClassifier), "sgd" },
        { nameof(DeepClassifier), "adam" },
        { nameof(FoldedRegressor), "adam" },
        { nameof(LayerNormNet), "sgd" },
        { nameof(RegularizedClassifier), "adamw" },
        { nameof(SmallCnn), "sgd" },
        { nameof(NormalizedCnn), "adam" },
        { nameof(AugmentedCnn), "adamw" },
        { nameof(ImageEdges), "adam" },
        { nameof(WideFoldedClassifier), "adam" }, // at WeightPrecision.BFloat16: its store rounded again after every step
        { nameof(WideFoldedClassifier) + "32", "sgd" }, // in floats: its weights packed again on the second Predict after the steps, where the packed kernel runs
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Predict_and_TrainStep_allocate_zero_bytes_after_warm_up(string network, string optimizerName)
    {
        const int batch = 32;
        INetwork net = Create(network, batch);
        Optimizer optimizer = optimizerName switch
        {
            "sgd" => new Sgd(0.01, momentum: 0.9, nesterov: true),
            "adam" => new Adam(1e-3),
            _ => new AdamW(1e-3),
        };
        var random = new Random(1);
        float[] inputs = Enumerable.Range(0, batch * net.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
        float[] targets = Enumerable.Range(0, batch * net.OutputSize).Select(_ => (float)random.NextDouble()).ToArray();
        int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(net.OutputSize)).ToArray();
        float[] classWeights = [.. Enumerable.Range(1, net.OutputSize).Select(c => (float)c)];
        var output = new float[net.OutputSize];
        var outputs = new float[batch * net.OutputSize];
        void Step()
        {
            if (net is IClassifier classifier)
            {
                classifier.TrainStep(inputs, labels, batch, optimizer);
                classifier.TrainStep(inputs, labels, batch, optimizer, classWeights);
            }
            else ((IRegressor)net).TrainStep(inputs, targets, batch, optimizer);
        }

        void Exercise()
        {
            for (int i = 0; i < 1000; i++) net.Predict(inputs.AsSpan(0, net.InputSize), output, 1);
            for (int i = 0; i < 100; i++) net.Predict(inputs, outputs, batch);
            for (int i = 0; i < 100; i++) Step();
            for (int i = 0; i < 100; i++)
            {
                net.Forward(inputs, outputs, batch, ForwardMode.Training);
                net.Backward(outputs, default, batch);
                net.Update(optimizer);
            }
        }

        // Warm-up: JIT compilation and tier-up of every call below, the optimizer's state (allocated on its first step) and the
        // first fold.
        Exercise();
        Exercise();

        // A method recompiled while measured counts runtime bookkeeping on this thread; under the load of the whole suite (other
        // tests jitting delay tier-up) that happened in one round of a CI run (4 and 8 KB). A call that allocates does so in every
        // round, so the steady state is a round of 0 bytes among three.
        long[] rounds = new long[3];
        for (int round = 0; round < rounds.Length; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exercise();
            rounds[round] = GC.GetAllocatedBytesForCurrentThread() - before;
            if (rounds[round] == 0) return;
        }
        Assert.Fail($"Every round allocated: {string.Join(", ", rounds)} bytes.");
    }

    private static INetwork Create(string network, int batch)
    {
        float[] features = Enumerable.Range(0, 64 * 6).Select(i => (float)(i % 11)).ToArray();
        switch (network)
        {
            case nameof(DeepClassifier): return new DeepClassifier(batch, seed: 7);
            case nameof(FoldedRegressor): return new FoldedRegressor(batch, seed: 7);
            case nameof(LayerNormNet):
                var layerNorm = new LayerNormNet(batch, seed: 7);
                layerNorm.FitNormalization(features.AsSpan(0, 64 * 5));
                return layerNorm;
            case nameof(WideFoldedClassifier): return new WideFoldedClassifier(batch, seed: 7) { InferencePrecision = WeightPrecision.BFloat16 };
            case nameof(WideFoldedClassifier) + "32": return new WideFoldedClassifier(batch, seed: 7);
            case nameof(SmallCnn): return new SmallCnn(batch, seed: 7);
            case nameof(ImageEdges): return new ImageEdges(batch, seed: 7);
            case nameof(NormalizedCnn):
                var normalized = new NormalizedCnn(batch, seed: 7);
                normalized.FitNormalization(Enumerable.Range(0, 8 * NormalizedCnn.InputSize).Select(i => (float)(i % 13)).ToArray());
                return normalized;
            case nameof(AugmentedCnn):
                var augmented = new AugmentedCnn(batch, seed: 7);
                augmented.FitNormalization(Enumerable.Range(0, 8 * AugmentedCnn.InputSize).Select(i => (float)(i % 7)).ToArray());
                return augmented;
            default:
                var regularized = new RegularizedClassifier(batch, seed: 7);
                regularized.FitNormalization(features);
                return regularized;
        }
    }
}
