namespace NormReg;

/// <summary>Why <c>Fit</c> ended (<see cref="History.StopReason"/>).</summary>
public enum FitStopReason
{
    /// <summary>Every planned epoch ran.</summary>
    Completed,

    /// <summary><see cref="FitOptions.EarlyStopping"/> stopped it.</summary>
    EarlyStopping,

    /// <summary><see cref="FitOptions.StopWhen"/> returned <see langword="true"/>.</summary>
    Callback,

    /// <summary><see cref="FitOptions.CancellationToken"/> was cancelled.</summary>
    Cancelled,

    /// <summary>A callback, the checkpoint or the CSV log threw; the History is <see cref="FitInterruptedException.Completed"/>.</summary>
    Interrupted,
}
