using System;

namespace NormReg;

/// <summary>How <see cref="ReduceOnPlateau.Threshold"/> measures an improvement; PyTorch's <c>threshold_mode</c>.</summary>
public enum ThresholdMode
{
    /// <summary>Relative (<c>"rel"</c>, the default): in min mode better means <c>current &lt; best·(1 − threshold)</c>, in max mode <c>current &gt; best·(1 + threshold)</c>.</summary>
    Relative,

    /// <summary>Absolute (<c>"abs"</c>): in min mode better means <c>current &lt; best − threshold</c>, in max mode <c>current &gt; best + threshold</c>; Keras' <c>min_delta</c>.</summary>
    Absolute,
}

/// <summary>
/// Lowers the rate when a metric stops improving, step for step as PyTorch's
/// <c>torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
/// threshold_mode="rel", cooldown=0, min_lr=0, eps=1e-8)</c> stepped with the monitored value after every epoch.
/// </summary>
/// <remarks>
/// <para>After each epoch: if the value is better than <see cref="Best"/> (which starts at +∞ in min mode, −∞ in max mode)
/// it becomes the best and the bad-epoch count resets, otherwise the count grows; during a cooldown the cooldown counter
/// goes down and the bad-epoch count is cleared; when the count exceeds <see cref="Patience"/> the rate becomes
/// <c>max(lr·factor, min_lr)</c> — unless that changes it by <see cref="Eps"/> or less — and the cooldown starts.</para>
/// <para>Keras: <c>keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=10, mode="auto", min_delta=1e-4,
/// cooldown=0, min_lr=0)</c>. It differs: it reduces after <c>patience</c> bad epochs, one sooner (<c>wait ≥ patience</c>,
/// PyTorch <c>num_bad_epochs &gt; patience</c>); its <c>min_delta</c> is absolute (<see cref="ThresholdMode.Absolute"/>); it has no eps.</para>
/// </remarks>
public sealed class ReduceOnPlateau : LearningRateSchedule
{
    /// <summary>The metric to watch. Default <see cref="Metric.ValidationLoss"/> (Keras' default monitor; PyTorch takes whatever you pass to <c>step</c>).</summary>
    public Metric Monitor { get; init; } = Metric.ValidationLoss;

    /// <summary>Whether the metric should go down or up. Default <see cref="MonitorMode.Auto"/>: down for losses (PyTorch's default <c>"min"</c>), up for accuracies.</summary>
    public MonitorMode Mode { get; init; } = MonitorMode.Auto;

    /// <summary>Multiplier of the rate at each reduction, in (0, 1). Default 0.1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside (0, 1); PyTorch: "Factor should be &lt; 1.0."</exception>
    public double Factor
    {
        get;
        init => field = value > 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(nameof(Factor), value, "Factor must be in (0, 1).");
    } = 0.1;

    /// <summary>Bad epochs tolerated: the rate drops when their count exceeds it. Default 10.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int Patience
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Patience), value, "Patience must be 0 or more.");
    } = 10;

    /// <summary>How much better counts as better; see <see cref="ThresholdMode"/>. Default 1e-4.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public double Threshold
    {
        get;
        init => field = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Threshold), value, "Threshold must be 0 or more and finite.");
    } = 1e-4;

    /// <summary>Relative or absolute <see cref="Threshold"/>. Default <see cref="ThresholdMode.Relative"/>.</summary>
    public ThresholdMode ThresholdMode { get; init; } = ThresholdMode.Relative;

    /// <summary>Epochs after a reduction during which bad epochs are not counted. Default 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int Cooldown
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Cooldown), value, "Cooldown must be 0 or more.");
    }

    /// <summary>The rate never goes below this. Default 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public double MinLearningRate
    {
        get;
        init => field = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(MinLearningRate), value, "MinLearningRate must be 0 or more and finite.");
    }

    /// <summary>A reduction smaller than or equal to this is skipped. Default 1e-8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public double Eps
    {
        get;
        init => field = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Eps), value, "Eps must be 0 or more and finite.");
    } = 1e-8;

    /// <summary>The best value so far; PyTorch's <c>best</c>.</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>Bad epochs since the last improvement or reduction; PyTorch's <c>num_bad_epochs</c>.</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left; PyTorch's <c>cooldown_counter</c>.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>A copy for one run of <c>Fit</c>, which never changes the instance in its options; Fit's OnTrainBegin resets it.</summary>
    internal override LearningRateSchedule StartRun() => (ReduceOnPlateau)MemberwiseClone();

    /// <summary>Resets the state (PyTorch's <c>_reset</c>) and keeps the rate.</summary>
    public override double OnTrainBegin(double initialLearningRate)
    {
        Best = Minimize ? double.PositiveInfinity : double.NegativeInfinity;
        CooldownCounter = 0;
        BadEpochs = 0;
        return initialLearningRate;
    }

    /// <summary>PyTorch's <c>step(metrics)</c> with the epoch's <see cref="Monitor"/> value.</summary>
    /// <exception cref="InvalidOperationException">The epoch did not measure the monitored metric.</exception>
    public override double OnEpochEnd(EpochResult ended, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(ended);
        double current = ended.Of(Monitor)
            ?? throw new InvalidOperationException($"ReduceOnPlateau monitors {Monitor.KerasName()}, which epoch {ended.Epoch} did not measure.");
        if (double.IsNaN(Best)) OnTrainBegin(learningRate);

        if (IsBetter(current, Best))
        {
            Best = current;
            BadEpochs = 0;
        }
        else
        {
            BadEpochs++;
        }

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            BadEpochs = 0; // ignore any bad epochs in cooldown
        }

        if (BadEpochs > Patience)
        {
            double reduced = Math.Max(learningRate * Factor, MinLearningRate);
            if (learningRate - reduced > Eps) learningRate = reduced;
            CooldownCounter = Cooldown;
            BadEpochs = 0;
        }
        return learningRate;
    }

    private bool Minimize => Monitor.Minimizes(Mode);

    private bool IsBetter(double a, double best) => (Minimize, ThresholdMode) switch
    {
        (true, ThresholdMode.Relative) => a < best * (1.0 - Threshold),
        (true, _) => a < best - Threshold,
        (false, ThresholdMode.Relative) => a > best * (Threshold + 1.0),
        (false, _) => a > best + Threshold,
    };
}
