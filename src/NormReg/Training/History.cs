using System.Collections.Generic;

namespace NormReg;

/// <summary>
/// Every epoch's result in order, and how training ended; Keras' <c>History</c> (<c>history.history</c> and <c>history.epoch</c>).
/// PyTorch has no equivalent: a PyTorch loop appends its own lists.
/// </summary>
/// <param name="epochs">The epochs run, in order; at least one.</param>
/// <param name="stoppedEpoch">The 1-based epoch at whose end early stopping stopped training, if it did.</param>
/// <param name="restoredEpoch">The 1-based epoch whose weights the network was given back at the end, if any.</param>
public sealed class History(IReadOnlyList<EpochResult> epochs, int? stoppedEpoch = null, int? restoredEpoch = null)
{
    /// <summary>The epochs run, including the one at which early stopping stopped training.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; } = epochs;

    /// <summary>The last epoch's result. With <see cref="EarlyStopping.RestoreBestWeights"/> the network holds the weights of <see cref="RestoredEpoch"/>, not these.</summary>
    public EpochResult Last => Epochs[Epochs.Count - 1];

    /// <summary>
    /// The 1-based epoch at whose end training was stopped (<see cref="StopReason"/> says by what); <see langword="null"/> if training ran the
    /// planned epochs without being stopped. Keras' <c>EarlyStopping.stopped_epoch + 1</c>; like Keras it is set even when the
    /// stop falls on the last planned epoch.
    /// </summary>
    public int? StoppedEpoch { get; } = stoppedEpoch;

    /// <summary>
    /// The 1-based epoch whose weights <see cref="EarlyStopping.RestoreBestWeights"/> put back at the end of training (whether or
    /// not it stopped early); <see langword="null"/> if none were. Keras' <c>EarlyStopping.best_epoch + 1</c>.
    /// </summary>
    public int? RestoredEpoch { get; } = restoredEpoch;

    /// <summary>Why training ended: it ran every planned epoch, or early stopping, <see cref="FitOptions.StopWhen"/> or the cancellation token ended it.</summary>
    public FitStopReason StopReason { get; init; } = stoppedEpoch is null ? FitStopReason.Completed : FitStopReason.EarlyStopping;
}
