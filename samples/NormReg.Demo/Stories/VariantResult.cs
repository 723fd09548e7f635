using System;
using System.Collections.Generic;
using NormReg;

namespace NormReg.Demo.Stories;

/// <summary>How one variant trained, and how its final weights (the restored ones, after early stopping) score.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Epochs">Every completed epoch as <c>Fit</c> recorded it.</param>
/// <param name="StoppedEpoch">The epoch after which early stopping ended the run, if it did.</param>
/// <param name="RestoredEpoch">The epoch whose weights early stopping restored at the end, if any.</param>
/// <param name="DivergedEpoch">The epoch in which a step's loss or gradients stopped being finite, if one did; the network keeps the last good weights.</param>
/// <param name="Train">The final network on its training set, noisy labels included.</param>
/// <param name="Validation">The final network on the validation set, the held-out set <c>Fit</c> watched.</param>
/// <param name="Test">The final network on a test set nothing was tuned on; <see langword="null"/> if the story has none.</param>
public sealed record VariantResult(
    Variant Variant, IReadOnlyList<EpochResult> Epochs, int? StoppedEpoch, int? RestoredEpoch, int? DivergedEpoch,
    Evaluation Train, Evaluation Validation, Evaluation? Test)
{
    /// <summary>Epochs completed: fewer than planned if early stopping ended the run or training diverged.</summary>
    public int EpochsRun => Epochs.Count;

    /// <summary>The largest rise of the training loss from one epoch to the next, 0 if it never rose: a measure of unstable training.</summary>
    public double LargestLossRise
    {
        get
        {
            double rise = 0;
            for (int i = 1; i < Epochs.Count; i++) rise = Math.Max(rise, Epochs[i].Loss - Epochs[i - 1].Loss);
            return rise;
        }
    }

    /// <summary>Training accuracy minus validation accuracy: how much of what was learned does not carry over.</summary>
    public double Gap => Train.Accuracy - Validation.Accuracy;
}
