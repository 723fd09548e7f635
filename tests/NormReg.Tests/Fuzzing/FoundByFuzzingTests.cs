using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Fuzzing;

/// <summary>The bugs <see cref="RuntimeFuzzTests"/> found, each pinned by a direct test.</summary>
public sealed class FoundByFuzzingTests
{
    private const int Batch = 4;

    private static float[] State(INetwork net)
    {
        var state = new float[net.StateLength];
        net.CopyState(state);
        return state;
    }

    private static float[] Features(int samples, int width, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, samples * width).Select(_ => (float)(4 * random.NextDouble() - 2)).ToArray();
    }

    private static BatchNormFirst FittedBatchNormNet()
    {
        var net = new BatchNormFirst(Batch, seed: 2);
        net.FitNormalization(Features(20, BatchNormFirst.InputSize));
        return net;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.9)]
    public void Sgd_updates_a_network_without_parameters_with_or_without_momentum(double momentum)
    {
        var net = new NoiseProbe(Batch, seed: 1);
        var outputs = new float[Batch * NoiseProbe.OutputSize];
        net.Forward(Features(Batch, NoiseProbe.InputSize), outputs, Batch, ForwardMode.Training);
        net.Backward(Enumerable.Repeat(float.MaxValue, outputs.Length).ToArray(), default, Batch);
        var optimizer = new Sgd(0.1, momentum: momentum);

        net.Update(optimizer);
        net.Update(optimizer);

        Assert.Equal(0, net.Parameters.Length);
        Assert.Equal(2, optimizer.Steps);
    }

    [Fact]
    public void TrainStep_with_another_networks_optimizer_leaves_the_running_statistics_alone()
    {
        BatchNormFirst net = FittedBatchNormNet();
        var optimizer = new Adam();
        new LinearClassifier(Batch).TrainStep(Features(Batch, LinearClassifier.InputSize), [0, 1, 2, 3], Batch, optimizer);
        float[] before = State(net);

        var e = Assert.Throws<ArgumentException>(() => net.TrainStep(Features(Batch, BatchNormFirst.InputSize, 3), [0, 1, 2, 0], Batch, optimizer));

        Assert.Contains("BatchNormFirst", e.Message);
        Assert.Contains($"network of {LinearClassifier.ParameterCount} parameters and cannot step one of {BatchNormFirst.ParameterCount}", e.Message);
        Assert.Equal(before, State(net));
    }
    [Fact]
    public void A_rejected_TrainStep_leaves_the_dropout_and_noise_draws_where_they_were()
    {
        // Two twins; one first makes a step whose loss overflows. Their next steps must draw the same masks and noise.
        var fuzzed = new RegularizedClassifier(Batch, seed: 5);
        var twin = new RegularizedClassifier(Batch, seed: 5);
        float[] fit = Features(20, RegularizedClassifier.InputSize);
        fuzzed.FitNormalization(fit);
        twin.FitNormalization(fit);
        Optimizer fuzzedSgd = new Sgd(0.1), twinSgd = new Sgd(0.1);
        int[] labels = [0, 1, 2, 0];
        float[] huge = Enumerable.Repeat(float.MaxValue, Batch * RegularizedClassifier.InputSize).ToArray();

        Assert.Throws<ArithmeticException>(() => fuzzed.TrainStep(huge, labels, Batch, fuzzedSgd));

        float[] x = Features(Batch, RegularizedClassifier.InputSize, 4);
        Assert.Equal(twin.TrainStep(x, labels, Batch, twinSgd), fuzzed.TrainStep(x, labels, Batch, fuzzedSgd));
        Assert.Equal(State(twin), State(fuzzed));
    }
    [Fact]
    public void Update_refuses_gradients_that_overflowed_and_changes_nothing()
    {
        // A custom loop whose output gradients are finite but so large that the weight gradients overflow.
        BatchNormFirst net = FittedBatchNormNet();
        var optimizer = new Adam();
        float[] x = Features(Batch, BatchNormFirst.InputSize), outputs = new float[Batch * BatchNormFirst.OutputSize];
        net.Forward(x, outputs, Batch, ForwardMode.Training);
        net.Backward(Enumerable.Repeat(float.MaxValue, outputs.Length).ToArray(), Batch);
        Assert.Contains(net.Gradients.ToArray(), g => !float.IsFinite(g));
        float[] before = State(net);

        var e = Assert.Throws<ArithmeticException>(() => net.Update(optimizer));

        Assert.Contains("BatchNormFirst: a gradient is not finite", e.Message);
        Assert.Equal(before, State(net));
        Assert.Equal(0, optimizer.Steps);
    }
    [Fact]
    public void Fit_refuses_a_NaN_in_the_last_sample_before_the_first_step()
    {
        var net = new LinearClassifier(Batch, seed: 1);
        var optimizer = new Sgd(0.1, momentum: 0.9);
        float[] x = Features(12, LinearClassifier.InputSize);
        int[] labels = Enumerable.Range(0, 12).Select(i => i % LinearClassifier.OutputSize).ToArray();
        x[^2] = float.NaN;
        float[] before = State(net);

        var e = Assert.Throws<ArgumentException>(() => net.Fit(x, labels, optimizer, new FitOptions { Epochs = 2, BatchSize = Batch, Shuffle = false }));

        Assert.Contains($"LinearClassifier: features must be finite; features[{x.Length - 2}] is NaN", e.Message);
        Assert.Equal(before, State(net));
        Assert.Equal(0, optimizer.Steps);
    }

    [Fact]
    public void Fit_with_batches_of_1_under_BatchNorm_is_refused_rather_than_training_nothing()
    {
        BatchNormFirst net = FittedBatchNormNet();
        int[] labels = Enumerable.Range(0, 8).Select(i => i % BatchNormFirst.OutputSize).ToArray();

#pragma warning disable NRG106 // the misuse the analyzer flags, on purpose: at run time it must throw too
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(Features(8, BatchNormFirst.InputSize), labels, new Adam(), new FitOptions { BatchSize = 1 }));
#pragma warning restore NRG106

        Assert.Contains("BatchNormFirst: FitOptions.BatchSize must be at least the network's MinimumTrainingBatch, 2", e.Message);
        Assert.Contains("got 1", e.Message);
    }

    [Fact]
    public void Evaluate_checks_every_label_before_its_first_Predict()
    {
        // A label out of range in the second chunk used to be found after the first chunk's Predict had dropped the pending Forward.
        var net = new LinearClassifier(Batch, seed: 1);
        float[] x = Features(Batch, LinearClassifier.InputSize), outputs = new float[Batch * LinearClassifier.OutputSize];
        net.Forward(x, outputs, Batch, ForwardMode.Training);
        int[] labels = [0, 1, 2, 3, 0, 1, 4];

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Evaluate(Features(labels.Length, LinearClassifier.InputSize), labels));

        Assert.Contains("LinearClassifier: labels[6] must be a class index in [0, 4); got 4", e.Message);
        net.Backward(new float[outputs.Length], Batch);
    }
    [Fact]
    public void A_state_of_the_wrong_length_is_described_as_a_state_not_as_a_batch()
    {
        var net = new DeepClassifier(Batch);
        int length = net.StateLength;

        var e = Assert.Throws<ArgumentException>(() => net.RestoreState(new float[length + 1]));

        Assert.Equal($"DeepClassifier: source must hold StateLength = {length} values ({DeepClassifier.ParameterCount} parameters, then 0 statistics); got {length + 1}. (Parameter 'source')", e.Message);
    }
}
