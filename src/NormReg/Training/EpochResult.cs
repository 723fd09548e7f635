using System;
using System.Collections.Generic;

namespace NormReg;

/// <summary>
/// What one epoch of <c>Fit</c> measured. Losses and accuracies are evaluated in inference mode at the end of
/// the epoch over the whole set (Keras instead averages the training batches while the weights move).
/// </summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Loss">Mean training loss.</param>
/// <param name="Accuracy">Training accuracy for classifiers; <see langword="null"/> for regressors.</param>
/// <param name="ValidationLoss">Mean validation loss, when validation data was given.</param>
/// <param name="ValidationAccuracy">Validation accuracy, for classifiers given validation data.</param>
/// <param name="Elapsed">Time since <c>Fit</c> started.</param>
public sealed record EpochResult(int Epoch, int Epochs, double Loss, double? Accuracy, double? ValidationLoss, double? ValidationAccuracy, TimeSpan Elapsed);

/// <summary>Every epoch's result, in order; Keras' <c>History.history</c>.</summary>
public sealed class History(IReadOnlyList<EpochResult> epochs)
{
    /// <summary>The epochs run.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; } = epochs;

    /// <summary>The last epoch's result.</summary>
    public EpochResult Last => Epochs[Epochs.Count - 1];
}
