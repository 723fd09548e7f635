using System;

namespace NormReg;

/// <summary>Settings of <see cref="Training.Fit(IClassifier, float[], int[], Optimizer, FitOptions?)"/>. Defaults follow Keras' <c>model.fit</c>.</summary>
public sealed class FitOptions
{
    /// <summary>Passes over the training data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per training step, at most the network's <c>MaxBatchSize</c>. Default 32, as Keras.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether to reshuffle the training samples before every epoch. Default <see langword="true"/>.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffling, so a run can be repeated exactly.</summary>
    public int Seed { get; init; }

    /// <summary>Held-out features, row-major, evaluated in inference mode after every epoch; <see langword="null"/> for none.</summary>
    public float[]? ValidationFeatures { get; init; }

    /// <summary>Held-out labels (classifiers) matching <see cref="ValidationFeatures"/>.</summary>
    public int[]? ValidationLabels { get; init; }

    /// <summary>Held-out targets (regressors) matching <see cref="ValidationFeatures"/>, row-major.</summary>
    public float[]? ValidationTargets { get; init; }

    /// <summary>Called after every epoch with its result, for progress display or logging.</summary>
    public Action<EpochResult>? OnEpochEnd { get; init; }
}
