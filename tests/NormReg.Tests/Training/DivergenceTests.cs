using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary>A loss that turns NaN during Fit stops it with the epoch and step named, and the last good weights kept.</summary>
public sealed class DivergenceTests
{
    [Fact]
    public void A_non_finite_loss_names_epoch_and_step_and_leaves_the_last_good_parameters()
    {
        const int samples = 40, batch = 8, stepsPerEpoch = samples / batch;
        var random = new Random(2);
        float[] x = Enumerable.Range(0, samples * MultiLabelNet.InputSize).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        float[] t = Enumerable.Range(0, samples * MultiLabelNet.OutputSize).Select(_ => (float)random.Next(2)).ToArray();
        var net = new MultiLabelNet(batch, seed: 3);
        var optimizer = new RecordingOptimizer(0.1, keepParameters: true);
        // Two sane epochs, then a learning rate of 1e30 from the third: the weights blow up and the loss overflows.
        var schedule = LearningRateSchedule.FromFunction((epoch, lr) => epoch >= 2 ? 1e30 : lr);

        var e = Assert.Throws<TrainingDivergedException>(() => net.Fit(x, t, optimizer,
            new FitOptions { Epochs = 10, BatchSize = batch, LearningRateSchedule = schedule, EarlyStopping = new EarlyStopping { Monitor = Metric.Loss, RestoreBestWeights = true, Patience = 10 } }));

        int good = optimizer.ParametersAfterStep.Count;
        int failedEpoch = good / stepsPerEpoch + 1, failedStep = good % stepsPerEpoch + 1;
        Assert.Equal(3, failedEpoch);
        Assert.Equal((failedEpoch, failedStep), (e.Epoch, e.Step));
        Assert.Contains($"epoch {failedEpoch}, step {failedStep} of {stepsPerEpoch}", e.Message);
        Assert.IsAssignableFrom<ArithmeticException>(e);
        Assert.IsType<ArithmeticException>(e.InnerException);
        Assert.Equal(2, e.Completed!.Epochs.Count);
        Assert.Equal(good, optimizer.Steps);
        // Byte for byte the parameters after the last step that succeeded (not the early-stopping best).
        float[] lastGood = optimizer.ParametersAfterStep[^1];
        Assert.True(MemoryMarshal.AsBytes(net.Parameters).SequenceEqual(MemoryMarshal.AsBytes(lastGood.AsSpan())));
    }
    /// <summary>Plain gradient descent that copies the network's whole state (parameters and running statistics) after each update.</summary>
    private sealed class StateRecordingOptimizer(INetwork network, double learningRate) : Optimizer(learningRate)
    {
        public List<float[]> StateAfterStep { get; } = [];

        protected override void Allocate(int parameterCount)
        {
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            float lr = (float)LearningRate;
            for (int i = 0; i < parameters.Length; i++) parameters[i] -= lr * gradients[i];
            var state = new float[network.StateLength];
            network.CopyState(state);
            StateAfterStep.Add(state);
        }
    }

    [Fact]
    public void Divergence_under_BatchNorm_leaves_the_running_statistics_of_the_last_good_step()
    {
        // An exploding learning rate from the third epoch: the weights grow until BatchNorm's batch variance overflows and
        // the loss turns NaN. The failed step's forward pass had moved the running statistics; they must be put back.
        const int samples = 48, batch = 8;
        var random = new Random(4);
        float[] x = Enumerable.Range(0, samples * FoldedRegressor.InputSize).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        float[] t = Enumerable.Range(0, samples * FoldedRegressor.OutputSize).Select(_ => (float)random.NextDouble()).ToArray();
        var net = new FoldedRegressor(batch, seed: 3);
        var optimizer = new StateRecordingOptimizer(net, 0.05);
        var schedule = LearningRateSchedule.FromFunction((epoch, lr) => epoch >= 2 ? 1e30 : lr);

        var e = Assert.Throws<TrainingDivergedException>(() => net.Fit(x, t, optimizer, new FitOptions { Epochs = 20, BatchSize = batch, LearningRateSchedule = schedule }));

        Assert.True(e.Epoch >= 3, $"diverged at epoch {e.Epoch}, before the rate exploded");
        float[] lastGood = optimizer.StateAfterStep[^1], previous = optimizer.StateAfterStep[^2];
        float[] state = new float[net.StateLength];
        net.CopyState(state);
        // The running statistics (after the parameters) were finite and moved from step to step, so the comparison means something.
        Assert.All(lastGood[FoldedRegressor.ParameterCount..], v => Assert.True(float.IsFinite(v)));
        Assert.False(lastGood.AsSpan(FoldedRegressor.ParameterCount).SequenceEqual(previous.AsSpan(FoldedRegressor.ParameterCount)));
        Assert.True(MemoryMarshal.AsBytes(state.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(lastGood.AsSpan())),
            "the state after the failure is not the state after the last good step");
    }
}
