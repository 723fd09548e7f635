using System;

namespace NormReg;

/// <summary>
/// Thrown by <c>Fit</c> when a training step's loss or gradients are not finite. The step was not applied: the network keeps
/// the parameters of the last good step, and the optimizer its state. <see cref="Exception.InnerException"/> is the
/// network's own <see cref="ArithmeticException"/>. Keras' <c>TerminateOnNaN</c> stops training instead; PyTorch lets the NaN through.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception for 1-based <paramref name="epoch"/> and <paramref name="step"/>.</summary>
    public TrainingDivergedException(int epoch, int step, int stepsPerEpoch, History? completed, ArithmeticException inner)
        : base($"Fit stopped at epoch {epoch}, step {step} of {stepsPerEpoch} (both 1-based): {inner?.Message}", inner)
    {
        Epoch = epoch;
        Step = step;
        Completed = completed;
    }

    /// <summary>The 1-based epoch of the failed step.</summary>
    public int Epoch { get; }

    /// <summary>The 1-based step within <see cref="Epoch"/> that failed.</summary>
    public int Step { get; }

    /// <summary>The epochs completed before the failure; <see langword="null"/> if it happened in the first epoch.</summary>
    public History? Completed { get; }
}
