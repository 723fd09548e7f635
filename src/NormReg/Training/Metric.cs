using System;

namespace NormReg;

/// <summary>
/// A quantity that <see cref="EarlyStopping"/> and <see cref="ReduceOnPlateau"/> watch, read from each epoch's
/// <see cref="EpochResult"/>. Keras names them by string: <c>monitor="val_loss"</c>, <c>"loss"</c>, <c>"val_accuracy"</c>,
/// <c>"accuracy"</c>; in PyTorch you pass the value yourself, e.g. <c>scheduler.step(val_loss)</c>.
/// </summary>
public enum Metric
{
    /// <summary>Mean loss over the validation data, <see cref="EpochResult.ValidationLoss"/>; Keras' <c>"val_loss"</c>, its default monitor.</summary>
    ValidationLoss,

    /// <summary>Mean loss over the training data, <see cref="EpochResult.Loss"/>; Keras' <c>"loss"</c>.</summary>
    Loss,

    /// <summary>Validation accuracy of a classifier, <see cref="EpochResult.ValidationAccuracy"/>; Keras' <c>"val_accuracy"</c>.</summary>
    ValidationAccuracy,

    /// <summary>Training accuracy of a classifier, <see cref="EpochResult.Accuracy"/>; Keras' <c>"accuracy"</c>.</summary>
    Accuracy,

    /// <summary>Validation macro F1 of a classifier (<see cref="ClassificationMetrics.MacroF1"/>), higher is better; Keras' <c>"val_f1_score"</c> with <c>F1Score(average="macro")</c>.</summary>
    ValidationMacroF1,

    /// <summary>Validation ROC AUC of a binary classifier (<see cref="ClassificationMetrics.RocAuc"/>), higher is better; Keras' <c>"val_auc"</c>.</summary>
    ValidationRocAuc,

    /// <summary>Validation root mean squared error of a regressor (<see cref="RegressionMetrics.RootMeanSquaredError"/>), lower is better; Keras' <c>"val_root_mean_squared_error"</c>.</summary>
    ValidationRootMeanSquaredError,

    /// <summary>Validation mean absolute error of a regressor (<see cref="RegressionMetrics.MeanAbsoluteError"/>), lower is better; Keras' <c>"val_mean_absolute_error"</c>.</summary>
    ValidationMeanAbsoluteError,

    /// <summary>Validation R² of a regressor (<see cref="RegressionMetrics.R2"/>), higher is better; Keras' <c>"val_r2_score"</c>.</summary>
    ValidationR2,
}

/// <summary>Whether a monitored <see cref="Metric"/> should go down or up; Keras' <c>mode="auto"|"min"|"max"</c>.</summary>
public enum MonitorMode
{
    /// <summary>From the metric, as Keras' <c>"auto"</c>: losses and errors should go down; accuracy, F1, AUC and R² up.</summary>
    Auto,

    /// <summary>Lower is better; PyTorch's <c>mode="min"</c>, Keras' <c>"min"</c>.</summary>
    Min,

    /// <summary>Higher is better; PyTorch's <c>mode="max"</c>, Keras' <c>"max"</c>.</summary>
    Max,
}

/// <summary>Reading a <see cref="Metric"/> from an epoch, and resolving <see cref="MonitorMode.Auto"/>.</summary>
internal static class Metrics
{
    /// <summary>The value of <paramref name="metric"/> in <paramref name="result"/>; <see langword="null"/> when the epoch did not measure it.</summary>
    public static double? Of(this EpochResult result, Metric metric) => metric switch
    {
        Metric.ValidationLoss => result.ValidationLoss,
        Metric.Loss => result.Loss,
        Metric.ValidationAccuracy => result.ValidationAccuracy,
        Metric.Accuracy => result.Accuracy,
        Metric.ValidationMacroF1 => result.ValidationClassification?.MacroF1,
        Metric.ValidationRocAuc => result.ValidationClassification?.RocAuc,
        Metric.ValidationRootMeanSquaredError => result.ValidationRegression?.RootMeanSquaredError,
        Metric.ValidationMeanAbsoluteError => result.ValidationRegression?.MeanAbsoluteError,
        Metric.ValidationR2 => result.ValidationRegression?.R2,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>Keras' name of <paramref name="metric"/>, for messages.</summary>
    public static string KerasName(this Metric metric) => metric switch
    {
        Metric.ValidationLoss => "val_loss",
        Metric.Loss => "loss",
        Metric.ValidationAccuracy => "val_accuracy",
        Metric.Accuracy => "accuracy",
        Metric.ValidationMacroF1 => "val_f1_score",
        Metric.ValidationRocAuc => "val_auc",
        Metric.ValidationRootMeanSquaredError => "val_root_mean_squared_error",
        Metric.ValidationMeanAbsoluteError => "val_mean_absolute_error",
        Metric.ValidationR2 => "val_r2_score",
        _ => metric.ToString(),
    };

    /// <summary>Whether lower values of <paramref name="metric"/> are better under <paramref name="mode"/>: Keras' auto mode minimizes losses and errors and maximizes accuracy, F1, AUC and R² (their direction is "up").</summary>
    public static bool Minimizes(this Metric metric, MonitorMode mode) => mode switch
    {
        MonitorMode.Min => true,
        MonitorMode.Max => false,
        MonitorMode.Auto => metric is Metric.Loss or Metric.ValidationLoss or Metric.ValidationRootMeanSquaredError or Metric.ValidationMeanAbsoluteError,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown monitor mode."),
    };

    /// <summary>Throws unless Fit will measure <paramref name="metric"/> every epoch of a run that measures <paramref name="measured"/>.</summary>
    public static void Require(this Metric metric, string user, Measured measured)
    {
        if (!Enum.IsDefined(metric)) throw new ArgumentOutOfRangeException("options", metric, $"{user}.Monitor is {(int)metric}, which is no Metric.");
        bool validation = metric is not (Metric.Loss or Metric.Accuracy);
        if (validation && (measured & Measured.Validation) == 0)
        {
            throw new ArgumentException(
                $"{user} monitors {metric.KerasName()}, but Fit has no validation data: set FitOptions.ValidationFeatures or ValidationSplit, or monitor Metric.Loss.", "options");
        }
        (Measured needed, string why) = metric switch
        {
            Metric.Accuracy or Metric.ValidationAccuracy or Metric.ValidationMacroF1 =>
                (Measured.Classes, "it is measured for classifiers and for one-output BinaryCrossEntropy networks with targets 0 and 1"),
            Metric.ValidationRocAuc => (Measured.TwoClasses, "it is measured with two classes: a two-class classifier or a one-output BinaryCrossEntropy network with targets 0 and 1"),
            Metric.ValidationRootMeanSquaredError or Metric.ValidationMeanAbsoluteError or Metric.ValidationR2 => (Measured.Values, "it is measured for regressors"),
            _ => (Measured.None, ""),
        };
        if ((measured & needed) != needed) throw new ArgumentException($"{user} monitors {metric.KerasName()}, which this network does not measure: {why}. Monitor a loss.", "options");
    }
}

/// <summary>What a run of Fit measures each epoch, for <see cref="Metrics.Require"/>.</summary>
[Flags]
internal enum Measured
{
    None = 0,

    /// <summary>Validation data: loss and the validation metrics.</summary>
    Validation = 1,

    /// <summary>Classes: accuracy, and per class precision, recall and F1.</summary>
    Classes = 2,

    /// <summary>Exactly two classes: ROC AUC.</summary>
    TwoClasses = 4,

    /// <summary>Values: MSE, RMSE, MAE, R².</summary>
    Values = 8,
}
