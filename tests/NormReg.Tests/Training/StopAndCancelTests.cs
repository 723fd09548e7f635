using System;
using System.Linq;
using System.Threading;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary>A callback that stops training and a cancellation token both end Fit as early stopping does: History returned, best weights restored if asked.</summary>
public sealed class StopAndCancelTests
{
    private static readonly float[] X = [.. Enumerable.Range(0, 24 * 4).Select(i => (float)Math.Sin(0.37 * i))];
    private static readonly int[] Y = [.. Enumerable.Range(0, 24).Select(i => i % 3)];

    [Fact]
    public void A_callback_stops_after_the_epoch_it_answers_and_the_best_weights_come_back()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 1);
        var best = new float[net.StateLength];
        double bestLoss = double.PositiveInfinity;
        var options = new FitOptions
        {
            Epochs = 50,
            ValidationFeatures = X,
            ValidationLabels = Y,
            EarlyStopping = new EarlyStopping { Patience = 100, RestoreBestWeights = true },
            OnEpochEnd = e =>
            {
                // Keep an independent copy of the best epoch's state, as early stopping should.
                if (e.ValidationLoss < bestLoss)
                {
                    bestLoss = e.ValidationLoss!.Value;
                    net.CopyState(best);
                }
            },
            StopWhen = e => e.Epoch == 4,
        };

        History history = net.Fit(X, Y, new Sgd(0.5), options);

        Assert.Equal(4, history.Epochs.Count);
        Assert.Equal((FitStopReason.Callback, 4), (history.StopReason, history.StoppedEpoch!.Value));
        var state = new float[net.StateLength];
        net.CopyState(state);
        Assert.Equal(best, state);
        Assert.NotNull(history.RestoredEpoch);
    }

    [Fact]
    public void Cancelling_between_epochs_ends_training_with_the_epochs_run()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 1);
        using var cancel = new CancellationTokenSource();

        History history = net.Fit(X, Y, new Sgd(0.1), new FitOptions
        {
            Epochs = 50,
            CancellationToken = cancel.Token,
            OnEpochEnd = e => { if (e.Epoch == 2) cancel.Cancel(); },
        });

        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal(FitStopReason.Cancelled, history.StopReason);
    }

    [Fact]
    public void Cancelled_before_the_first_step_changes_no_weight_and_still_returns_a_history()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 1);
        float[] before = net.Parameters.ToArray();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        History history = net.Fit(X, Y, new Sgd(0.1), new FitOptions { Epochs = 5, CancellationToken = cancel.Token });

        Assert.Equal(FitStopReason.Cancelled, history.StopReason);
        Assert.Single(history.Epochs);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void A_run_of_every_planned_epoch_says_so()
    {
        History history = new DeepClassifier(maxBatchSize: 8, seed: 1).Fit(X, Y, new Sgd(0.1), new FitOptions { Epochs = 3 });

        Assert.Equal((FitStopReason.Completed, (int?)null), (history.StopReason, history.StoppedEpoch));
    }
}
