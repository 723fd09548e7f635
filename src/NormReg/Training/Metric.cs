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
}

/// <summary>Whether a monitored <see cref="Metric"/> should go down or up; Keras' <c>mode="auto"|"min"|"max"</c>.</summary>
public enum MonitorMode
{
    /// <summary>From the metric, as Keras' <c>"auto"</c>: losses should go down, accuracies up.</summary>
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
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>Keras' name of <paramref name="metric"/>, for messages.</summary>
    public static string KerasName(this Metric metric) => metric switch
    {
        Metric.ValidationLoss => "val_loss",
        Metric.Loss => "loss",
        Metric.ValidationAccuracy => "val_accuracy",
        Metric.Accuracy => "accuracy",
        _ => metric.ToString(),
    };

    /// <summary>Whether lower values of <paramref name="metric"/> are better under <paramref name="mode"/>: Keras' auto mode strips <c>val_</c> and minimizes <c>loss</c>, maximizes accuracy (its direction is "up").</summary>
    public static bool Minimizes(this Metric metric, MonitorMode mode) => mode switch
    {
        MonitorMode.Min => true,
        MonitorMode.Max => false,
        MonitorMode.Auto => metric is Metric.Loss or Metric.ValidationLoss,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown monitor mode."),
    };

    /// <summary>Throws unless Fit will measure <paramref name="metric"/> every epoch.</summary>
    public static void Require(this Metric metric, string user, bool hasValidation, bool isClassifier)
    {
        if (!Enum.IsDefined(metric)) throw new ArgumentOutOfRangeException("options", metric, $"{user}.Monitor is {(int)metric}, which is no Metric.");
        bool validation = metric is Metric.ValidationLoss or Metric.ValidationAccuracy;
        bool accuracy = metric is Metric.Accuracy or Metric.ValidationAccuracy;
        if (validation && !hasValidation)
        {
            throw new ArgumentException(
                $"{user} monitors {metric.KerasName()}, but Fit has no validation data: set FitOptions.ValidationFeatures or ValidationSplit, or monitor Metric.Loss.", "options");
        }
        if (accuracy && !isClassifier)
        {
            throw new ArgumentException($"{user} monitors {metric.KerasName()}, but a regressor has no accuracy: monitor a loss.", "options");
        }
    }
}
