using System;

namespace NormReg;

/// <summary>What <see cref="EarlyStopping.OnEpochEnd"/> asks of the training loop.</summary>
[Flags]
public enum EarlyStoppingActions
{
    /// <summary>Carry on.</summary>
    None = 0,

    /// <summary>Copy the network's state now (<see cref="INetwork.CopyState"/>): these are the best weights so far. Keras' <c>self.best_weights = self.model.get_weights()</c>.</summary>
    SaveWeights = 1,

    /// <summary>Stop after this epoch. Keras' <c>self.model.stop_training = True</c>.</summary>
    Stop = 2,
}

/// <summary>
/// Stops training when a monitored quantity has stopped improving, line for line as Keras 3's
/// <c>keras.callbacks.EarlyStopping</c> (<c>keras/src/callbacks/early_stopping.py</c>, with the November 2024 fix that resets
/// <c>best</c> at the start of each fit). PyTorch has no built-in equivalent. Give it to
/// <see cref="FitOptions.EarlyStopping"/>, or drive it from your own loop with <see cref="OnTrainBegin"/> and <see cref="OnEpochEnd"/>.
/// </summary>
/// <remarks>
/// <para>Epochs are numbered from 1 here, from 0 in Keras: Keras' <c>stopped_epoch</c> and <c>best_epoch</c> are
/// <see cref="StoppedEpoch"/> − 1 and <see cref="BestEpoch"/> − 1. At the end of each epoch that is monitored
/// (<c>epoch ≥ start_from_epoch</c>, counted from 0), Keras does, in this order:</para>
/// <list type="number">
/// <item>with <c>restore_best_weights</c>, if no weights were kept yet, keep the current ones as the best;</item>
/// <item><c>wait += 1</c> — before looking at the value, so an epoch that does not improve counts itself;</item>
/// <item>if <c>current − min_delta</c> beats <c>best</c> (any value beats the <see langword="null"/> best of the first monitored
/// epoch): take it as <c>best</c>, keep the weights, reset <c>wait</c> to 0 only if it also beats <c>baseline</c>, and return
/// without checking patience — improving epochs never stop training, even with <c>wait ≥ patience</c> against a baseline;</item>
/// <item>otherwise stop if <c>wait ≥ patience</c> and the (0-based) epoch is above 0.</item>
/// </list>
/// <para>Consequences: with <c>patience = 0</c> the first epoch that does not improve stops training. With
/// <see cref="MinDelta"/> the best weights are those of the last epoch that improved by more than <c>min_delta</c>, not the
/// lowest value seen. When training ends without stopping and <see cref="RestoreBestWeights"/> is on, Keras 3 restores the
/// best weights anyway (tf.keras 2 restored only when it stopped). If no epoch beats <see cref="Baseline"/>, the weights of
/// the best epoch are still restored. If no epoch was monitored at all (<see cref="StartFromEpoch"/> ≥ the epochs run),
/// nothing is kept and the final weights stay. A NaN as the first monitored value becomes <c>best</c>, and nothing improves
/// on it afterwards.</para>
/// <para>Fit runs a copy of the instance in its options, so that instance holds settings only and serves any number of runs,
/// in turn or at once. The state (<see cref="Wait"/>, <see cref="Best"/>, …) is that of your own loop when you drive it with
/// <see cref="OnTrainBegin"/> and <see cref="OnEpochEnd"/>; one instance serves one such loop at a time.</para>
/// </remarks>
public sealed class EarlyStopping
{
    /// <summary>The quantity to watch. Default <see cref="Metric.ValidationLoss"/>, as Keras' <c>monitor="val_loss"</c>.</summary>
    public Metric Monitor { get; init; } = Metric.ValidationLoss;

    /// <summary>Whether the quantity should go down or up. Default <see cref="MonitorMode.Auto"/>: losses down, accuracies up.</summary>
    public MonitorMode Mode { get; init; } = MonitorMode.Auto;

    /// <summary>
    /// Smallest change that counts as an improvement; its sign is ignored (Keras takes <c>abs(min_delta)</c>). Default 0.
    /// In min mode an epoch improves when <c>current + |min_delta| &lt; best</c>, in max mode when <c>current − |min_delta| &gt; best</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not finite.</exception>
    public double MinDelta
    {
        get;
        init => field = double.IsFinite(value) ? Math.Abs(value) : throw new ArgumentOutOfRangeException(nameof(MinDelta), value, "MinDelta must be finite.");
    }

    /// <summary>Epochs without improvement after which training stops: it stops when <c>wait ≥ patience</c>. Default 0, as Keras.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int Patience
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Patience), value, "Patience must be 0 or more.");
    }

    /// <summary>
    /// A value the quantity must beat (by <see cref="MinDelta"/>) for <c>wait</c> to reset; <see langword="null"/> (default) for none.
    /// If no epoch beats it, training stops after <see cref="Patience"/> non-improving epochs counted from the first monitored one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN.</exception>
    public double? Baseline
    {
        get;
        init => field = value is double b && double.IsNaN(b) ? throw new ArgumentOutOfRangeException(nameof(Baseline), value, "Baseline must not be NaN.") : value;
    }

    /// <summary>
    /// Whether training ends with the weights of the best epoch (<see cref="BestEpoch"/>) rather than the last one, whether or
    /// not it stopped early. Fit copies the network's whole state (<see cref="INetwork.CopyState"/>) into a buffer allocated once.
    /// Default <see langword="false"/>.
    /// </summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>Epochs to run before monitoring starts, a warm-up in which nothing is compared or kept: epochs 1 to <c>StartFromEpoch</c> are ignored. Default 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int StartFromEpoch
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(StartFromEpoch), value, "StartFromEpoch must be 0 or more.");
    }

    /// <summary>Keras' <c>wait</c>: monitored epochs since the last improvement that also beat the baseline.</summary>
    public int Wait { get; private set; }

    /// <summary>Keras' <c>best</c>: the best value so far; <see langword="null"/> before the first monitored epoch.</summary>
    public double? Best { get; private set; }

    /// <summary>The 1-based epoch of <see cref="Best"/> (or of the first weights kept); 0 before any. Keras' <c>best_epoch + 1</c>.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The 1-based epoch at whose end training was stopped; 0 if it was not. Keras' <c>stopped_epoch + 1</c>.</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>Whether weights were kept (Keras' <c>best_weights is not None</c>), so that the end of training restores them.</summary>
    public bool HasBestWeights { get; private set; }

    /// <summary>Whether the end of training restores the weights of <see cref="BestEpoch"/>: Keras' <c>on_train_end</c> condition, <c>restore_best_weights and best_weights is not None</c>.</summary>
    public bool RestoresOnTrainEnd => RestoreBestWeights && HasBestWeights;

    /// <summary>A copy with reset state for one run of <c>Fit</c>, which never changes the instance in its options.</summary>
    internal EarlyStopping StartRun()
    {
        var run = (EarlyStopping)MemberwiseClone();
        run.OnTrainBegin();
        return run;
    }

    /// <summary>Resets the state for a new training run (Keras' <c>on_train_begin</c>).</summary>
    public void OnTrainBegin()
    {
        Wait = 0;
        StoppedEpoch = 0;
        Best = null;
        HasBestWeights = false;
        BestEpoch = 0;
    }

    /// <summary>
    /// Takes the monitored value of 1-based <paramref name="epoch"/> (Keras' <c>on_epoch_end</c>) and says whether to keep the
    /// weights and whether to stop. A <see langword="null"/> <paramref name="current"/> (not measured) is ignored, as Keras does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is below 1.</exception>
    public EarlyStoppingActions OnEpochEnd(int epoch, double? current)
    {
        if (epoch < 1) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "Epochs are numbered from 1.");
        int kerasEpoch = epoch - 1;
        var actions = EarlyStoppingActions.None;

        // If no monitor value exists or still in the initial warm-up stage.
        if (current is not double value || kerasEpoch < StartFromEpoch) return actions;

        // If best weights were never set, then the current weights are the best.
        if (RestoreBestWeights && !HasBestWeights)
        {
            HasBestWeights = true;
            BestEpoch = epoch;
            actions |= EarlyStoppingActions.SaveWeights;
        }

        Wait++;
        if (IsImprovement(value, Best))
        {
            Best = value;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                HasBestWeights = true;
                actions |= EarlyStoppingActions.SaveWeights;
            }
            // Only restart wait if we beat both the baseline and our previous best.
            if (Baseline is null || IsImprovement(value, Baseline)) Wait = 0;
            return actions;
        }

        if (Wait >= Patience && kerasEpoch > 0)
        {
            // Patience has been exceeded: stop training.
            StoppedEpoch = epoch;
            actions |= EarlyStoppingActions.Stop;
        }
        return actions;
    }

    /// <summary>Keras' <c>_is_improvement</c>: <c>monitor_op(current − min_delta, reference)</c>, with min_delta negated in min mode; anything improves on no reference.</summary>
    private bool IsImprovement(double current, double? reference)
    {
        if (reference is not double r) return true;
        bool minimize = Monitor.Minimizes(Mode);
        double minDelta = minimize ? -MinDelta : MinDelta;
        return minimize ? current - minDelta < r : current - minDelta > r;
    }
}
