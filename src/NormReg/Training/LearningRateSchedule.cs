using System;

namespace NormReg;

/// <summary>
/// Sets the optimizer's <see cref="Optimizer.LearningRate"/> epoch by epoch; give one to <see cref="FitOptions.LearningRateSchedule"/>.
/// Fit calls <see cref="OnTrainBegin"/> before the first epoch and <see cref="OnEpochEnd"/> between epochs (after the epoch's
/// result is measured, not after the last epoch), and each <see cref="EpochResult.LearningRate"/> records the rate the epoch used.
/// </summary>
/// <remarks>
/// PyTorch: an <c>LRScheduler</c> whose <c>step()</c> you call once per epoch after validating. Keras: the
/// <c>LearningRateScheduler</c> callback (or a <c>LearningRateSchedule</c> object, which counts optimizer steps rather than
/// epochs). PyTorch's loop also steps the scheduler after the last epoch; that step only changes the rate a later run would
/// start from, so Fit leaves it out and the optimizer keeps the last epoch's rate. Fit runs a copy of the built-in
/// <see cref="ReduceOnPlateau"/>, so the instance in the options keeps no run's state; a schedule of your own that keeps
/// state serves one run at a time, and <see cref="OnTrainBegin"/> should reset it.
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>
    /// Starts a run: <paramref name="initialLearningRate"/> is the optimizer's rate when Fit starts (PyTorch's
    /// <c>initial_lr</c>/<c>base_lrs</c>). Returns the rate of the first epoch; the default keeps it.
    /// </summary>
    public virtual double OnTrainBegin(double initialLearningRate) => initialLearningRate;

    /// <summary>
    /// Called after epoch <paramref name="ended"/>.<see cref="EpochResult.Epoch"/> (1-based), which ran at
    /// <paramref name="learningRate"/>; returns the rate of the next epoch, whose 0-based index is <c>ended.Epoch</c>
    /// (PyTorch's <c>last_epoch</c> after this <c>step()</c>). Fit requires it positive and finite.
    /// </summary>
    public abstract double OnEpochEnd(EpochResult ended, double learningRate);

    /// <summary>The schedule one run of <c>Fit</c> uses: this one, or a copy for a schedule that keeps state (<see cref="ReduceOnPlateau"/>).</summary>
    internal virtual LearningRateSchedule StartRun() => this;

    /// <summary>
    /// A schedule from a function of the 0-based epoch index and the current rate, called before every epoch including the
    /// first, as Keras' <c>keras.callbacks.LearningRateScheduler(schedule)</c> (<c>schedule(epoch, lr)</c>). PyTorch's
    /// <c>LambdaLR(optimizer, lambda epoch: factor)</c> is <c>FromFunction((epoch, _) =&gt; lr0 * factor(epoch))</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    public static LearningRateSchedule FromFunction(Func<int, double, double> schedule) => new FunctionSchedule(schedule);

    private sealed class FunctionSchedule(Func<int, double, double> schedule) : LearningRateSchedule
    {
        private readonly Func<int, double, double> _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));

        public override double OnTrainBegin(double initialLearningRate) => _schedule(0, initialLearningRate);

        public override double OnEpochEnd(EpochResult ended, double learningRate) => _schedule(ended.Epoch, learningRate);
    }
}
