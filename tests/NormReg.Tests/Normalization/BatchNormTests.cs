using System;
using System.Linq;
using NormReg.Tests.Networks;
using NormReg.Tests.Reference;
using static NormReg.Tests.Reference.ReferenceLayer;

namespace NormReg.Tests.Normalization;

/// <summary>BatchNorm in networks: the batch-of-one error, folded inference, lazy refolding and rollback of a rejected step.</summary>
public sealed class BatchNormTests
{
    private const int Batch = 8;

    private static readonly ReferenceNetwork FoldedReference =
        new(4, Loss.MeanSquaredError, Dense(6, l2: 0.01), BatchNorm(), ReLU(), Dense(3, bias: false, l2: 0.02), BatchNorm());

    private static readonly ReferenceNetwork BatchNormFirstReference =
        new(4, Loss.SoftmaxCrossEntropy, ZScore(), BatchNorm(), Dense(5), Tanh(), BatchNorm(epsilon: 1e-3), Dense(3));

    [Fact]
    public void A_training_batch_of_one_is_an_error_and_changes_nothing()
    {
        var net = new FoldedRegressor(Batch);
        float[] before = State(net);

#pragma warning disable NRG106 // the run-time check behind NRG106 is what this test exercises
        var step = Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(new float[4], new float[3], 1, new Sgd(0.1)));
        var forward = Assert.Throws<ArgumentOutOfRangeException>(() => net.Forward(new float[4], new float[3], 1, ForwardMode.Training));
#pragma warning restore NRG106

        Assert.Contains("BatchNorm1", step.Message);
        Assert.Contains("Expected more than 1 value per channel when training", step.Message);
        Assert.Equal(step.Message, forward.Message);
        Assert.Equal(before, State(net));
        net.Predict(new float[4], new float[3]); // inference takes a single sample
    }

    [Fact]
    public void Fit_leaves_out_a_last_batch_of_one_instead_of_failing()
    {
        var net = new FoldedRegressor(Batch, seed: 3);
        var random = new Random(2);
        float[] x = Enumerable.Range(0, (2 * Batch + 1) * 4).Select(_ => (float)random.NextDouble()).ToArray();
        float[] t = Enumerable.Range(0, (2 * Batch + 1) * 3).Select(_ => (float)random.NextDouble()).ToArray();
        var sgd = new Sgd(0.01);

        History history = net.Fit(x, t, sgd, new FitOptions { Epochs = 3, BatchSize = Batch });

        Assert.Equal(2, net.MinimumTrainingBatch);
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(3 * 2, sgd.Steps); // two full batches an epoch; the single leftover sample is not a step
    }

    [Fact]
    public void Folded_inference_equals_the_unfolded_reference_after_training()
    {
        var net = new FoldedRegressor(Batch, seed: 3);
        Train(net, steps: 30, seed: 4);

        AssertInferenceMatches(net, FoldedReference);
    }

    [Fact]
    public void Unfolded_batch_norm_inference_uses_the_running_statistics()
    {
        var net = new BatchNormFirst(Batch, seed: 5);
        var random = new Random(6);
        net.FitNormalization(Enumerable.Range(0, 64 * 4).Select(_ => (float)(10 * random.NextDouble())).ToArray());
        var optimizer = new Adam(0.01);
        for (int step = 0; step < 30; step++)
        {
            float[] x = Enumerable.Range(0, Batch * 4).Select(_ => (float)(10 * random.NextDouble())).ToArray();
            net.TrainStep(x, Enumerable.Range(0, Batch).Select(i => i % 3).ToArray(), Batch, optimizer);
        }

        AssertInferenceMatches(net, BatchNormFirstReference, scale: 10);
    }

    [Fact]
    public void Writing_weights_through_a_view_refolds_before_the_next_prediction()
    {
        var net = new FoldedRegressor(Batch, seed: 3);
        Train(net, steps: 5, seed: 4);
        net.Predict(new float[4], new float[3]);

        net.Dense1.Weights[0] += 1;
        net.BatchNorm2.Gamma[1] *= 2;

        AssertInferenceMatches(net, FoldedReference);
    }

    [Fact]
    public void A_rejected_step_leaves_weights_and_running_statistics_byte_identical()
    {
        var net = new FoldedRegressor(Batch, seed: 3);
        Train(net, steps: 3, seed: 4);
        net.Dense1.Weights.Fill(float.MaxValue); // the dense sums overflow to infinity, and BatchNorm turns them into NaN
        float[] before = State(net);

        Assert.Throws<ArithmeticException>(() => net.TrainStep(Enumerable.Range(0, Batch * 4).Select(i => (float)i).ToArray(), new float[Batch * 3], Batch, new Sgd(0.1)));

        Assert.Equal(before, State(net));
    }

    private static void Train(FoldedRegressor net, int steps, int seed)
    {
        var random = new Random(seed);
        var optimizer = new Adam(0.01);
        for (int step = 0; step < steps; step++)
        {
            float[] x = Enumerable.Range(0, Batch * 4).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
            float[] t = Enumerable.Range(0, Batch * 3).Select(i => x[i / 3 * 4] * (i % 3)).ToArray();
            net.TrainStep(x, t, Batch, optimizer);
        }
    }

    private static void AssertInferenceMatches(INetwork net, ReferenceNetwork reference, double scale = 1)
    {
        var random = new Random(9);
        float[] x = Enumerable.Range(0, Batch * net.InputSize).Select(_ => (float)(scale * (2 * random.NextDouble() - 1))).ToArray();
        var outputs = new float[Batch * net.OutputSize];
        net.Predict(x, outputs, Batch);

        double[] expected = reference.Forward(State(net).Select(v => (double)v).ToArray(), x.Select(v => (double)v).ToArray(), Batch, training: false);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], outputs[i], 1e-5);
    }

    private static float[] State(INetwork net)
    {
        var state = new float[net.StateLength];
        net.CopyState(state);
        return state;
    }
}
