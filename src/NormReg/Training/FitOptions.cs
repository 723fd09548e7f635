using System;

namespace NormReg;

/// <summary>
/// Settings of <see cref="Training.Fit(IClassifier, float[], int[], Optimizer, FitOptions?)"/>. Defaults follow Keras' <c>model.fit</c>.
/// A value: Fit never changes it (early stopping, the schedule and the checkpoint keep their state in the run), so one
/// instance serves any number of runs, and <c>options with { Epochs = 50 }</c> varies it.
/// </summary>
public sealed record FitOptions
{
    /// <summary>Passes over the training data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Samples per training step, at most the network's <c>MaxBatchSize</c>. The default, 0, is automatic: Keras' 32, or
    /// the network's <c>MaxBatchSize</c> when that is smaller, so <c>Fit</c> works with no options on any network.
    /// </summary>
    public int BatchSize { get; init; }

    /// <summary>The batch size an automatic <see cref="BatchSize"/> asks for: 32, Keras' default.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>Whether to reshuffle the training samples before every epoch. Default <see langword="true"/>.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffling, so a run can be repeated exactly.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// One weight per class for a <see cref="Loss.SoftmaxCrossEntropy"/> classifier's training loss, or <see langword="null"/>
    /// (default) for none: each step minimizes the weighted mean <c>Σ w[yᵢ]·lᵢ / Σ w[yᵢ]</c>, exactly PyTorch's
    /// <c>nn.CrossEntropyLoss(weight=w)</c> (combined with the network's label smoothing as PyTorch combines them). Weights must
    /// be finite and ≥ 0, at least one above 0. The losses Fit reports are unweighted, as Keras reports them. Keras'
    /// <c>class_weight</c> differs: it weighs each sample's loss and takes the plain mean over the batch (<c>Σ w[yᵢ]·lᵢ / n</c>),
    /// so the step size changes with the weights of the classes a batch happens to hold; here only their proportions count.
    /// Not for regressors and binary cross-entropy networks (Fit throws).
    /// </summary>
    public float[]? ClassWeights { get; init; }

    /// <summary>
    /// Held-out features, row-major, evaluated in inference mode after every epoch; <see langword="null"/> for none. Keras'
    /// <c>validation_data</c>. Cannot be combined with <see cref="ValidationSplit"/>.
    /// </summary>
    public float[]? ValidationFeatures { get; init; }

    /// <summary>Held-out labels (classifiers) matching <see cref="ValidationFeatures"/>.</summary>
    public int[]? ValidationLabels { get; init; }

    /// <summary>Held-out targets (regressors) matching <see cref="ValidationFeatures"/>, row-major.</summary>
    public float[]? ValidationTargets { get; init; }

    /// <summary>
    /// Fraction of the samples to hold out for validation, in [0, 1); 0 (the default) for none. As Keras'
    /// <c>validation_split</c>, the held-out samples are the <em>last</em> <c>n − ⌊n·(1 − split)⌋</c> ones, taken before any
    /// shuffling, and only the rest are trained on and shuffled. Shuffle your data first if its order means something.
    /// Fit throws if the split leaves no training or no validation sample, or if <see cref="ValidationFeatures"/> is also
    /// given (Keras silently prefers <c>validation_data</c>). PyTorch: <c>Subset(dataset, range(split_at, n))</c> for the
    /// validation part (<c>random_split</c> would draw it at random instead).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside [0, 1).</exception>
    public double ValidationSplit
    {
        get;
        init => field = value >= 0 && value < 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ValidationSplit), value, $"ValidationSplit must be in [0, 1); got {value}.");
    }

    /// <summary>
    /// Stops training when a monitored quantity stops improving, with Keras 3 semantics, and optionally ends with the best
    /// epoch's weights; <see langword="null"/> (default) for none. Keras' <c>callbacks=[EarlyStopping(…)]</c>.
    /// </summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Sets the optimizer's learning rate before the first epoch and between epochs; <see langword="null"/> (default) keeps it.
    /// See <see cref="StepDecay"/>, <see cref="CosineAnnealing"/>, <see cref="ReduceOnPlateau"/> and
    /// <see cref="NormReg.LearningRateSchedule.FromFunction"/>. PyTorch: <c>scheduler.step()</c> after each epoch; Keras: a
    /// <c>LearningRateScheduler</c> or <c>ReduceLROnPlateau</c> callback.
    /// </summary>
    public LearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>
    /// Called after every epoch with its result, for progress display or logging; Keras' <c>Callback.on_epoch_end</c>. It runs
    /// before early stopping and the schedule look at the epoch. If it throws, Fit restores the best weights (if
    /// <see cref="EarlyStopping"/> asks for it) and throws <see cref="FitInterruptedException"/> carrying the History.
    /// </summary>
    public Action<EpochResult>? OnEpochEnd { get; init; }

    /// <summary>
    /// Called after every training step with where the run is (epoch and batch <c>n/total</c>, the step's loss), for a
    /// progress bar; Keras' <c>on_train_batch_end</c>. <see cref="BatchProgress"/> is a value: reporting allocates nothing,
    /// but the callback runs on every step, so keep it cheap. If it throws, Fit throws <see cref="FitInterruptedException"/>.
    /// </summary>
    public Action<BatchProgress>? OnBatchEnd { get; init; }

    /// <summary>
    /// Saves the model to a file, atomically, when the monitored metric improves (or every epoch); <see langword="null"/>
    /// (default) for none. Keras' <c>callbacks=[ModelCheckpoint(…, save_best_only=True)]</c>. Saved after the epoch's CSV row
    /// and before <see cref="OnEpochEnd"/>.
    /// </summary>
    public ModelCheckpoint? Checkpoint { get; init; }

    /// <summary>
    /// A CSV file that receives one row per epoch, flushed as written: <c>epoch,loss,accuracy,val_loss,val_accuracy,val_f1_score,
    /// val_auc,val_root_mean_squared_error,val_mean_absolute_error,val_r2_score,penalty,learning_rate,elapsed_seconds</c> (epoch
    /// 1-based, invariant culture, an empty cell for what the epoch did not measure); <see langword="null"/> (default) for none.
    /// The file is created or replaced before the first step. Keras' <c>callbacks=[CSVLogger(path)]</c>.
    /// </summary>
    public string? CsvLogPath { get; init; }

    /// <summary>
    /// Asked after every epoch (after <see cref="OnEpochEnd"/>) whether to stop; <see langword="true"/> ends training as early
    /// stopping does: the best weights are restored if <see cref="EarlyStopping"/> asks for it, and the History is returned
    /// with <see cref="FitStopReason.Callback"/>. Keras: a callback setting <c>model.stop_training = True</c>.
    /// </summary>
    public Func<EpochResult, bool>? StopWhen { get; init; }

    /// <summary>
    /// Ends training when cancelled, checked before every step: the epoch in progress is evaluated and recorded, the best
    /// weights are restored if <see cref="EarlyStopping"/> asks for it, and <c>Fit</c> returns the History with
    /// <see cref="FitStopReason.Cancelled"/> rather than throwing.
    /// </summary>
    public System.Threading.CancellationToken CancellationToken { get; init; }
}
