using System.Collections.Generic;

namespace NormReg.Tests.TrainingLoop;

/// <summary>
/// <see cref="EarlyStopping"/> fed scripted values, no training. Each expected stop and restore comes from tracing Keras 3's
/// <c>keras/src/callbacks/early_stopping.py</c> by hand (0-based epochs <c>e</c> in the traces, as Keras; the assertions are
/// 1-based). The code traced, per monitored epoch: keep weights if none kept; <c>wait += 1</c>; if
/// <c>current − min_delta</c> beats <c>best</c> (always, while best is None): best = current, best_epoch = e, keep weights,
/// <c>wait = 0</c> if also beats baseline, return; else stop if <c>wait ≥ patience and e &gt; 0</c>. <c>on_train_end</c>
/// restores the kept weights whenever <c>restore_best_weights</c> and some were kept.
/// </summary>
public sealed class EarlyStoppingTests
{
    [Fact]
    public void Patience_0_stops_at_the_first_epoch_that_does_not_improve()
    {
        // e0 1.0: keep (best_epoch 0); wait 1; improves on None → best 1.0, wait 0.
        // e1 0.9: wait 1; 0.9 < 1.0 → best 0.9, best_epoch 1, keep, wait 0.
        // e2 0.95: wait 1; 0.95 < 0.9 no; 1 ≥ 0 and e2 > 0 → stopped_epoch 2.
        // on_train_end: restore the weights of e1.
        var outcome = Drive(new EarlyStopping { Patience = 0, RestoreBestWeights = true }, 1.0, 0.9, 0.95, 0.8, 0.7);

        Assert.Equal((3, 3, 2), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
    }

    [Fact]
    public void Patience_2_counts_the_non_improving_epoch_itself_and_restarts_on_improvement()
    {
        // e0 1.0: best 1.0, wait 0.   e1 0.9: wait 1 → improves, best_epoch 1, wait 0.
        // e2 0.95: wait 1; no; 1 ≥ 2 no.
        // e3 0.85: wait 2; 0.85 < 0.9 → best_epoch 3, wait 0 (returns before the patience check).
        // e4 0.86: wait 1; no; 1 ≥ 2 no.   e5 0.87: wait 2; no; 2 ≥ 2 and e5 > 0 → stopped_epoch 5.
        // e6 is never seen. on_train_end: restore e3.
        var stopping = new EarlyStopping { Patience = 2, RestoreBestWeights = true };
        var waits = new List<int>();

        var outcome = Drive(stopping, [1.0, 0.9, 0.95, 0.85, 0.86, 0.87, 0.1], waits);

        Assert.Equal((6, 6, 4), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
        Assert.Equal([0, 0, 1, 0, 1, 2], waits);
        Assert.Equal(0.85, stopping.Best);
    }

    [Fact]
    public void Min_delta_keeps_the_weights_of_the_last_epoch_that_improved_by_more_than_it()
    {
        // mode min → min_delta = −0.1, so e improves when current + 0.1 < best.
        // e0 1.0: best 1.0, wait 0.
        // e1 0.95: wait 1; 1.05 < 1.0 no; 1 ≥ 2 no.
        // e2 0.85: wait 2; 0.95 < 1.0 → best 0.85, best_epoch 2, wait 0.
        // e3 0.80: wait 1; 0.90 < 0.85 no.   e4 0.79: wait 2; 0.89 < 0.85 no; 2 ≥ 2 → stopped_epoch 4.
        // Restores e2 (0.85), not e3 or e4, whose values were lower.
        var outcome = Drive(new EarlyStopping { Patience = 2, MinDelta = 0.1, RestoreBestWeights = true }, 1.0, 0.95, 0.85, 0.80, 0.79, 0.5);

        Assert.Equal((5, 5, 3), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
    }

    [Fact]
    public void Min_delta_sign_is_ignored()
    {
        // Keras takes abs(min_delta): −0.1 behaves as 0.1, so the trace above holds.
        var outcome = Drive(new EarlyStopping { Patience = 2, MinDelta = -0.1, RestoreBestWeights = true }, 1.0, 0.95, 0.85, 0.80, 0.79, 0.5);

        Assert.Equal((5, 5, 3), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
    }

    [Fact]
    public void Start_from_epoch_ignores_the_warm_up_epochs_even_when_they_were_better()
    {
        // start_from_epoch 2: e0 and e1 return at once (epoch < start_from_epoch).
        // e2 1.0: keep (best_epoch 2); wait 1; improves on None → best 1.0, wait 0.
        // e3 1.1: wait 1; no; 1 ≥ 0 and e3 > 0 → stopped_epoch 3. Restore e2, not e1 (0.4).
        var outcome = Drive(new EarlyStopping { Patience = 0, StartFromEpoch = 2, RestoreBestWeights = true }, 0.5, 0.4, 1.0, 1.1, 0.9);

        Assert.Equal((4, 4, 3), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
    }

    [Fact]
    public void Training_that_ends_without_stopping_still_restores_the_best_weights()
    {
        // patience 5: e0 best; e1 0.8 improves (best_epoch 1); e2 wait 1; e3 wait 2 < 5. Training ends after 4 epochs
        // without stopping; Keras 3's on_train_end restores e1 anyway.
        var outcome = Drive(new EarlyStopping { Patience = 5, RestoreBestWeights = true }, 1.0, 0.8, 0.9, 0.95);

        Assert.Equal((4, 0, 2), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
    }

    [Fact]
    public void Improving_epochs_that_miss_the_baseline_never_stop_but_their_best_is_restored()
    {
        // baseline 0.5, patience 1.
        // e0 1.0: keep; wait 1; improves on None → best 1.0, best_epoch 0; 1.0 < 0.5 no → wait stays 1; return.
        // e1 0.9: wait 2; improves → best_epoch 1; misses baseline; return before the patience check (2 ≥ 1).
        // e2 0.8: wait 3; improves → best_epoch 2; return.
        // e3 0.85: wait 4; no; 4 ≥ 1 and e3 > 0 → stopped_epoch 3. Restore e2 though it never beat the baseline.
        var stopping = new EarlyStopping { Patience = 1, Baseline = 0.5, RestoreBestWeights = true };
        var waits = new List<int>();

        var outcome = Drive(stopping, [1.0, 0.9, 0.8, 0.85, 0.7], waits);

        Assert.Equal((4, 4, 3), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
        Assert.Equal([1, 2, 3, 4], waits);
    }

    [Fact]
    public void Beating_the_baseline_resets_wait()
    {
        // baseline 0.95, patience 1: e0 1.0 improves, misses baseline → wait 1. e1 0.9: wait 2; improves and
        // 0.9 < 0.95 → wait 0. e2 0.92: wait 1; no; 1 ≥ 1 → stopped_epoch 2. Restore e1.
        var outcome = Drive(new EarlyStopping { Patience = 1, Baseline = 0.95, RestoreBestWeights = true }, 1.0, 0.9, 0.92, 0.5);

        Assert.Equal((3, 3, 2), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
    }

    [Fact]
    public void Accuracy_is_maximized_in_auto_mode_and_a_tie_is_no_improvement()
    {
        // monitor val_accuracy, mode auto: metric "accuracy" has direction "up" → ops.greater, min_delta stays +0.
        // e0 0.5: best. e1 0.6 > 0.5 → best_epoch 1, wait 0. e2 0.6 > 0.6 no; wait 1 ≥ 1 → stopped_epoch 2.
        var stopping = new EarlyStopping { Monitor = Metric.ValidationAccuracy, Patience = 1 };

        var outcome = Drive(stopping, 0.5, 0.6, 0.6, 0.55);

        Assert.Equal((3, 3, 0), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
        Assert.Equal(2, stopping.BestEpoch);
        Assert.False(stopping.HasBestWeights);
    }

    [Fact]
    public void Explicit_max_mode_on_a_loss_maximizes_it()
    {
        // mode max on val_loss: e0 1.0 best; e1 0.9 > 1.0 no; wait 1 ≥ 0 and e1 > 0 → stopped_epoch 1. Restore e0.
        var outcome = Drive(new EarlyStopping { Mode = MonitorMode.Max, RestoreBestWeights = true }, 1.0, 0.9, 2.0);

        Assert.Equal((2, 2, 1), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
    }

    [Fact]
    public void A_NaN_first_value_becomes_best_and_nothing_improves_on_it()
    {
        // e0 NaN: keep; wait 1; improves on None → best NaN, wait 0. e1 1.0: wait 1; 1.0 < NaN is false; 1 ≥ 0 and
        // e1 > 0 → stopped_epoch 1. Restore e0.
        var outcome = Drive(new EarlyStopping { RestoreBestWeights = true }, double.NaN, 1.0, 0.5);

        Assert.Equal((2, 2, 1), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
    }

    [Fact]
    public void With_no_epoch_monitored_nothing_is_kept_or_restored()
    {
        // start_from_epoch 5 over 3 epochs: every epoch returns at once; best_weights stays None → nothing restored.
        var stopping = new EarlyStopping { StartFromEpoch = 5, RestoreBestWeights = true };

        var outcome = Drive(stopping, 1.0, 2.0, 3.0);

        Assert.Equal((3, 0, 0), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
        Assert.Null(stopping.Best);
    }

    [Fact]
    public void A_missing_value_is_ignored_as_Keras_does()
    {
        // None values return at once: only e1 (1.0) and e3 (2.0) are seen. e1 best; e3: wait 1, no, stop at e3.
        var stopping = new EarlyStopping { RestoreBestWeights = true };
        stopping.OnTrainBegin();

        Assert.Equal(EarlyStoppingActions.None, stopping.OnEpochEnd(1, null));
        Assert.Equal(EarlyStoppingActions.SaveWeights, stopping.OnEpochEnd(2, 1.0));
        Assert.Equal(EarlyStoppingActions.None, stopping.OnEpochEnd(3, null));
        Assert.Equal(EarlyStoppingActions.Stop, stopping.OnEpochEnd(4, 2.0));
        Assert.Equal(2, stopping.BestEpoch);
    }

    [Fact]
    public void OnTrainBegin_resets_best_so_an_instance_can_be_reused()
    {
        // Keras PR #20533: best is reset to None at on_train_begin. A second run whose values are all worse than the
        // first run's best must still take its own first epoch as best.
        var stopping = new EarlyStopping { Patience = 0, RestoreBestWeights = true };
        Drive(stopping, 0.1, 0.2);

        var outcome = Drive(stopping, 5.0, 4.0, 4.5);

        Assert.Equal((3, 3, 2), (outcome.EpochsRun, outcome.Stopped, outcome.Restored));
    }

    [Fact]
    public void The_first_epoch_never_stops_training()
    {
        // Keras' `epoch > 0`. Unreachable inside fit (the first monitored epoch always improves on best = None), so it is
        // shown by feeding a second series without OnTrainBegin, which keeps best = 0.1 and wait = 1:
        // e0 5.0: wait 2; 5.0 < 0.1 no; 2 ≥ 0 but e0 is not > 0 → no stop. e1 6.0: wait 3; no; e1 > 0 → stopped_epoch 1.
        var stopping = new EarlyStopping { Patience = 0 };
        Drive(stopping, 0.1, 0.2);

        Assert.Equal(EarlyStoppingActions.None, stopping.OnEpochEnd(1, 5.0));
        Assert.Equal(EarlyStoppingActions.Stop, stopping.OnEpochEnd(2, 6.0));
        Assert.Equal(3, stopping.Wait);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    public void Negative_patience_or_start_epoch_is_rejected(int patience, int start)
    {
        Assert.Throws<System.ArgumentOutOfRangeException>(() => new EarlyStopping { Patience = patience, StartFromEpoch = start });
    }

    private readonly record struct Outcome(int EpochsRun, int Stopped, int Restored);

    private static Outcome Drive(EarlyStopping stopping, params double[] values) => Drive(stopping, values, null);

    /// <summary>Runs the values as Fit would: keeps the epoch number when asked to save, stops when asked; "restored" is the epoch kept last, if the end of training restores.</summary>
    private static Outcome Drive(EarlyStopping stopping, double[] values, List<int>? waits)
    {
        stopping.OnTrainBegin();
        int run = 0, kept = 0;
        for (int i = 0; i < values.Length; i++)
        {
            run = i + 1;
            EarlyStoppingActions actions = stopping.OnEpochEnd(run, values[i]);
            waits?.Add(stopping.Wait);
            if ((actions & EarlyStoppingActions.SaveWeights) != 0) kept = run;
            if ((actions & EarlyStoppingActions.Stop) != 0) break;
        }
        int restored = stopping.RestoresOnTrainEnd ? kept : 0;
        if (stopping.RestoresOnTrainEnd) Assert.Equal(stopping.BestEpoch, kept);
        return new Outcome(run, stopping.StoppedEpoch, restored);
    }
}
