using System;

namespace NormReg;

/// <summary>
/// Thrown by <c>Fit</c> when something it calls at the end of a step or an epoch throws: <see cref="FitOptions.OnBatchEnd"/>,
/// <see cref="FitOptions.OnEpochEnd"/>, <see cref="FitOptions.StopWhen"/>, the <see cref="FitOptions.Checkpoint"/> save or the
/// <see cref="FitOptions.CsvLogPath"/> log. That exception is the <see cref="Exception.InnerException"/>. Before throwing,
/// Fit ends as early stopping does: the best weights are restored if <see cref="FitOptions.EarlyStopping"/> asks for it, and
/// <see cref="Completed"/> holds the History of the epochs recorded. Keras lets the callback's exception through and loses
/// the run's <c>History</c> and the restore; catch this type, or its inner exception's, to keep both.
/// </summary>
public sealed class FitInterruptedException : Exception
{
    /// <summary>Creates the exception for the 1-based <paramref name="epoch"/> in which <paramref name="inner"/> was thrown.</summary>
    public FitInterruptedException(int epoch, History? completed, Exception inner)
        : base($"Fit stopped in epoch {epoch} (1-based): {inner?.GetType().Name} from a callback, the checkpoint or the CSV log: {inner?.Message}", inner)
    {
        Epoch = epoch;
        Completed = completed;
    }

    /// <summary>The 1-based epoch in which the exception was thrown.</summary>
    public int Epoch { get; }

    /// <summary>
    /// The epochs recorded, that epoch's included when its result was; <see langword="null"/> if none was (a step callback
    /// threw in the first epoch). <see cref="History.StopReason"/> is <see cref="FitStopReason.Interrupted"/>, and
    /// <see cref="History.RestoredEpoch"/> says whose weights the network holds.
    /// </summary>
    public History? Completed { get; }
}
