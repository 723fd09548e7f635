using System;

namespace NormReg;

/// <summary>
/// What one epoch of <c>Fit</c> measured: Keras' <c>logs</c> at <c>on_epoch_end</c>, one row of <c>History.history</c>. Losses and
/// accuracies are evaluated in inference mode at the end of the epoch over the whole set (Keras instead averages the
/// training batches while the weights move).
/// </summary>
/// <param name="Epoch">1-based epoch number (Keras' <c>epoch + 1</c>).</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Loss">Mean training data loss, without <paramref name="Penalty"/>; Keras' <c>"loss"</c> (which adds the penalty).</param>
/// <param name="Accuracy">Training accuracy for classifiers; <see langword="null"/> for regressors. Keras' <c>"accuracy"</c>.</param>
/// <param name="ValidationLoss">Mean validation data loss, when there is validation data; Keras' <c>"val_loss"</c>.</param>
/// <param name="ValidationAccuracy">Validation accuracy, for classifiers with validation data; Keras' <c>"val_accuracy"</c>.</param>
/// <param name="Elapsed">Time since <c>Fit</c> started.</param>
/// <param name="Penalty">The network's regularization penalty (<see cref="INetwork.Penalty"/>, the L1/L2 terms) at the end of the epoch; 0 without such rows.</param>
/// <param name="LearningRate">The optimizer's learning rate during the epoch; Keras' <c>"learning_rate"</c> log, PyTorch's <c>scheduler.get_last_lr()</c> before the epoch's <c>step()</c>.</param>
public sealed record EpochResult(
    int Epoch, int Epochs, double Loss, double? Accuracy, double? ValidationLoss, double? ValidationAccuracy, TimeSpan Elapsed,
    double Penalty = 0, double LearningRate = double.NaN)
{
    /// <summary>
    /// The validation data's classification metrics, as <c>Evaluate</c> computes them (macro F1, ROC AUC with two classes, the
    /// confusion matrix…): for classifiers, and for one-output binary cross-entropy networks whose targets are all 0 or 1
    /// (threshold 0.5); <see langword="null"/> otherwise or without validation data.
    /// </summary>
    public ClassificationMetrics? ValidationClassification { get; init; }

    /// <summary>
    /// The validation data's regression metrics, as <c>Evaluate</c> computes them (MSE, RMSE, MAE, R²): for networks trained on
    /// real-valued targets (for binary cross-entropy they score the sigmoid of the outputs); <see langword="null"/> for classifiers
    /// or without validation data.
    /// </summary>
    public RegressionMetrics? ValidationRegression { get; init; }
}
