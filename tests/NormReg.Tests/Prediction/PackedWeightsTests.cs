using System;
using System.IO;
using System.Linq;
using System.Reflection;
using NormReg.Kernels;
using NormReg.Runtime;
using NormReg.Tests.Networks;
using static NormReg.Tests.Prediction.InferenceProbe;

namespace NormReg.Tests.Prediction;

/// <summary>
/// The packed copy of the inference weights that Predict reads in floats where the packed kernel runs (512- or 256-bit FMA): the bits of the
/// rows run on the unpacked weights, packed again on the second Predict after every route by which the weights change (TrainStep,
/// RestoreState, a model file, writes through the public spans and views, a switch to bfloat16 and back), and not allocated where the
/// kernel does not run.
/// </summary>
public sealed class PackedWeightsTests
{
    [Fact]
    public void Predict_gives_the_bits_of_the_rows_on_the_unpacked_weights()
    {
        var net = new WideFoldedClassifier(Batch, seed: 3);
        Train(net, steps: 3); // running statistics away from their start, so the fold matters
        float[] inputs = Inputs(net, 11), state = new float[net.StateLength];
        net.CopyState(state);
        float[] parameters = state[..WideFoldedClassifier.ParameterCount], statistics = state[WideFoldedClassifier.ParameterCount..];

        // Dense1 (100 → 72, no bias) with BatchNorm1 folded in, ReLU, Dense2 (72 → 64), ReLU, Dense3 (64 → 3): the kernels on plain weights.
        float[] folded = new float[7200], foldedBias = new float[72], hidden1 = new float[Batch * 72], hidden2 = new float[Batch * 64], expected = new float[Batch * 3];
        BatchNorm.Fold(parameters.AsSpan(0, 7200), default, parameters.AsSpan(7200, 72), parameters.AsSpan(7272, 72), statistics.AsSpan(0, 72), statistics.AsSpan(72, 72), folded, foldedBias, 100, 72, 1e-5f);
        Dense.ForwardReLU(inputs, folded, foldedBias, hidden1, Batch, 100, 72);
        Dense.ForwardReLU(hidden1, parameters.AsSpan(7344, 4608), parameters.AsSpan(11952, 64), hidden2, Batch, 72, 64);
        Dense.Forward(hidden2, parameters.AsSpan(12016, 192), parameters.AsSpan(12208, 3), expected, Batch, 64, 3);

        Assert.Equal(Bits(expected), Bits(Predict(net)));
    }

    [Fact]
    public void Predict_reads_weights_packed_again_after_every_change()
    {
        var net = new WideFoldedClassifier(Batch, seed: 4);
        float[] last = AssertFresh(net, null);

        Train(net, steps: 1);
        last = AssertFresh(net, last);

        net.Parameters[0] += 0.5f; // the span of every parameter
        last = AssertFresh(net, last);

        Span<float> weights = net.Dense2.Weights; // a row's view
        for (int i = 0; i < weights.Length; i++) weights[i] *= 0.5f;
        last = AssertFresh(net, last);

        Span<float> variances = net.BatchNorm1.RunningVariance; // statistics folded into Dense1
        for (int i = 0; i < variances.Length; i++) variances[i] *= 4;
        last = AssertFresh(net, last);

        var state = new float[net.StateLength];
        new WideFoldedClassifier(Batch, seed: 5).CopyState(state);
        net.RestoreState(state);
        last = AssertFresh(net, last);

        using (var file = new MemoryStream())
        {
            new WideFoldedClassifier(Batch, seed: 6).Save(file);
            file.Position = 0;
            net.Load(file);
        }
        last = AssertFresh(net, last);

        // Changed while Predict reads bfloat16, so not packed then: packed on the second Predict in floats again.
        net.InferencePrecision = WeightPrecision.BFloat16;
        Predict(net);
        Train(net, steps: 1);
        Predict(net);
        Predict(net);
        net.InferencePrecision = WeightPrecision.Float32;
        AssertFresh(net, last);
    }

    [Fact]
    public void Packed_weights_are_allocated_only_where_the_packed_kernel_runs()
    {
        var net = new WideFoldedClassifier(Batch, seed: 7);
        var core = (NetworkCore)typeof(WideFoldedClassifier).GetField("_core", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(net)!;
        var plain = new LinearClassifier();
        var plainCore = (NetworkCore)typeof(LinearClassifier).GetField("_core", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(plain)!;

        Assert.True(core.Packed(0, 12608).IsEmpty); // not packed yet
        Predict(net);
        Assert.True(core.Packed(0, 12608).IsEmpty); // the first pass reads the weights unpacked
        Predict(net);
        Assert.Equal(Gemm.HasPackedKernel, !core.Packed(0, 12608).IsEmpty);
        Assert.False(core.PackingDue());
        Train(net, steps: 1);
        Assert.True(core.Packed(0, 12608).IsEmpty); // out of date
        Assert.False(core.PackingDue()); // the first pass since
        Assert.Equal(Gemm.HasPackedKernel, core.PackingDue());

        plain.Predict(new float[LinearClassifier.InputSize], new float[LinearClassifier.OutputSize]);
        Assert.False(plainCore.PackingDue()); // no row read packed: nothing allocated
        Assert.False(plainCore.PackingDue());
        Assert.True(plainCore.Packed(0, 0).IsEmpty);
    }

    /// <summary>
    /// Predict on <paramref name="net"/>, twice (the first reads the weights unpacked, the second packs them and reads them packed), gives
    /// the bits of a network given its state afresh, and differs from <paramref name="before"/> (the change was seen); returns it.
    /// </summary>
    private static float[] AssertFresh(WideFoldedClassifier net, float[]? before)
    {
        var state = new float[net.StateLength];
        net.CopyState(state);
        var twin = new WideFoldedClassifier(Batch, seed: 0);
        twin.RestoreState(state);
        float[] first = Predict(net), second = Predict(net), expected = Predict(twin);

        Assert.Equal(Bits(expected), Bits(first));
        Assert.Equal(Bits(expected), Bits(second));
        if (before is not null) Assert.NotEqual(Bits(before), Bits(second));
        return second;
    }
}
