using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics.Tensors;

namespace NormReg;

/// <summary>
/// The training loop, Keras' <c>model.fit</c>: epochs of shuffled mini-batches through <c>TrainStep</c>, an evaluation of the
/// training and validation sets in inference mode after each epoch, then early stopping and the learning-rate schedule.
/// </summary>
/// <remarks>
/// <para>Each epoch: shuffle the training samples (<see cref="FitOptions.Shuffle"/>), one <c>TrainStep</c> per batch, then
/// measure loss and accuracy over the training set and the validation set, <see cref="INetwork.Penalty"/> and the rate
/// used, append an <see cref="EpochResult"/> to the history, call <see cref="FitOptions.OnEpochEnd"/>, let
/// <see cref="FitOptions.EarlyStopping"/> keep the weights or stop, and let <see cref="FitOptions.LearningRateSchedule"/> set
/// the next epoch's rate. At the end, early stopping's best weights are restored if it asks to.</para>
/// <para>Buffers (batch, evaluation outputs, the best-weights copy) are allocated once per call; an epoch allocates only
/// its <see cref="EpochResult"/> (and, every time the history doubles past 64 epochs, the history's larger list). Memory
/// grows with the epochs run, never with <see cref="FitOptions.Epochs"/>, so <c>Epochs = int.MaxValue</c> with early
/// stopping is a valid way to say "until it stops".</para>
/// <para>A step whose loss or gradients are not finite throws <see cref="TrainingDivergedException"/> naming the epoch and
/// step; the network keeps the parameters of the last good step (best weights are not restored).</para>
/// </remarks>
public static class Training
{
    /// <summary>Epoch records the history has room for before it first grows; more epochs grow it by doubling.</summary>
    private const int InitialHistoryCapacity = 64;

    /// <summary>Trains a classifier on <paramref name="features"/> (row-major) and one label per sample.</summary>
    /// <exception cref="ArgumentException">
    /// Data or options that do not fit the network or each other: shapes, NaN or infinity in features or targets, labels out of
    /// range, a batch size outside MinimumTrainingBatch..MaxBatchSize, an optimizer of another network. All of it is checked
    /// before the first step, so the network and the optimizer are left as they were.
    /// </exception>
    /// <exception cref="TrainingDivergedException">A step's loss or gradients were not finite.</exception>
    public static History Fit(this IClassifier network, float[] features, int[] labels, Optimizer optimizer, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new FitOptions();
        int classes = network.OutputSize;
        float[]? weights = options.ClassWeights;
        if (weights is not null) Kernels.Guard.ClassWeights(weights, classes, network.Architecture.Name, "FitOptions.ClassWeights", nameof(options));
        return Run(network, features, labels, 1, "labels", optimizer, options, options.ValidationLabels,
            weights is null
                ? static (net, x, y, n, opt) => ((IClassifier)net).TrainStep(x, y, n, opt)
                : (net, x, y, n, opt) => ((IClassifier)net).TrainStep(x, y, n, opt, weights),
            static (net, outputs, y, n, gradients) => ((IClassifier)net).ComputeLoss(outputs, y, n, gradients),
            CountCorrect, Measured.Classes | (classes == 2 ? Measured.TwoClasses : Measured.None),
            (outputs, y, loss) => (ClassificationMetrics.From(outputs, y, classes, loss), null));
    }

    /// <summary>Trains a regressor on <paramref name="features"/> and <paramref name="targets"/>, both row-major.</summary>
    /// <exception cref="ArgumentException">
    /// Data or options that do not fit the network or each other: shapes, NaN or infinity in features or targets, labels out of
    /// range, a batch size outside MinimumTrainingBatch..MaxBatchSize, an optimizer of another network. All of it is checked
    /// before the first step, so the network and the optimizer are left as they were.
    /// </exception>
    /// <exception cref="TrainingDivergedException">A step's loss or gradients were not finite.</exception>
    public static History Fit(this IRegressor network, float[] features, float[] targets, Optimizer optimizer, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new FitOptions();
        if (options.ClassWeights is not null)
        {
            throw new ArgumentException(
                $"{network.Architecture.Name}: FitOptions.ClassWeights weigh the classes of a SoftmaxCrossEntropy classifier; this network is trained with {network.Architecture.Loss} on targets. " +
                "For binary cross-entropy, weigh the samples yourself in a custom step (ComputeLoss, then scale the gradients).", nameof(options));
        }
        int width = network.OutputSize;
        bool sigmoid = network.Architecture.Loss == Loss.BinaryCrossEntropy;
        // A one-output binary cross-entropy network on targets 0 and 1 is a binary classifier too: accuracy, F1, ROC AUC.
        bool binary = sigmoid && width == 1 && AreLabels(targets) && (options.ValidationTargets is null || AreLabels(options.ValidationTargets));
        return Run(network, features, targets, width, "targets", optimizer, options, options.ValidationTargets,
            static (net, x, y, n, opt) => ((IRegressor)net).TrainStep(x, y, n, opt),
            static (net, outputs, y, n, gradients) => ((IRegressor)net).ComputeLoss(outputs, y, n, gradients),
            binary ? CountCorrectBinary : null, Measured.Values | (binary ? Measured.Classes | Measured.TwoClasses : Measured.None),
            (outputs, y, loss) =>
            {
                ClassificationMetrics? classification = binary ? ClassificationMetrics.FromBinary(outputs, y, 0.5f, loss) : null;
                if (sigmoid) TensorPrimitives.Sigmoid(outputs, outputs);
                return (classification, RegressionMetrics.From(outputs, y, width, loss));
            });
    }

    /// <summary>
    /// A classifier's metrics on a data set in inference mode (Keras' <c>model.evaluate</c>, scikit-learn's <c>metrics</c>):
    /// loss, accuracy, confusion matrix, per-class precision, recall and F1, and ROC AUC with two classes. Deconstructs to
    /// <c>(loss, accuracy)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not fit, NaN or infinity in the features, or a label out of range; checked before the first Predict.</exception>
    public static ClassificationMetrics Evaluate(this IClassifier network, float[] features, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckData(network, features, labels, 1, "features", "labels");
        // Every sample was checked above, so no Predict runs on a call that will be refused.
        var scratch = new Scratch(network);
        (double loss, _) = EvaluateCore(network, features, labels, 1, scratch,
            static (net, outputs, y, n, gradients) => ((IClassifier)net).ComputeLoss(outputs, y, n, gradients), CountCorrect);
        return ClassificationMetrics.From(network.Predict(features), labels, network.OutputSize, loss);
    }

    /// <summary>
    /// A regressor's metrics on a data set in inference mode: its loss, mean squared error, its root, mean absolute error
    /// and R², as scikit-learn computes them; for a binary cross-entropy network they score the sigmoid of the outputs.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not fit, or NaN or infinity in the features or targets; checked before the first Predict.</exception>
    public static RegressionMetrics Evaluate(this IRegressor network, float[] features, float[] targets)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckData(network, features, targets, network.OutputSize, "features", "targets");
        var scratch = new Scratch(network);
        (double loss, _) = EvaluateCore(network, features, targets, network.OutputSize, scratch,
            static (net, outputs, y, n, gradients) => ((IRegressor)net).ComputeLoss(outputs, y, n, gradients), null);
        float[] predictions = network.Predict(features);
        if (network.Architecture.Loss == Loss.BinaryCrossEntropy) TensorPrimitives.Sigmoid(predictions, predictions);
        return RegressionMetrics.From(predictions, targets, network.OutputSize, loss);
    }

    /// <summary>
    /// A one-output <see cref="Loss.BinaryCrossEntropy"/> network's classification metrics on labels 0 and 1, in inference
    /// mode: a sample is predicted 1 when the sigmoid of its output is at least <paramref name="threshold"/> (as
    /// <c>Classify</c>); the loss is the mean binary cross-entropy (scikit-learn's <c>log_loss</c>), ROC AUC ranks the
    /// probabilities. Keras: <c>model.evaluate</c> with <c>BinaryAccuracy</c>, <c>F1Score</c> and <c>AUC</c> metrics.
    /// </summary>
    /// <exception cref="InvalidOperationException">The network is not a one-output binary cross-entropy network.</exception>
    /// <exception cref="ArgumentException">Shapes that do not fit, NaN or infinity in the features, a label other than 0 or 1, or a threshold outside [0, 1].</exception>
    public static ClassificationMetrics Evaluate(this IRegressor network, float[] features, int[] labels, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(labels);
        string name = network.Architecture.Name;
        if (network.Architecture.Loss != Loss.BinaryCrossEntropy || network.OutputSize != 1)
        {
            throw new InvalidOperationException(
                $"{name}: labels score a one-output BinaryCrossEntropy network as a binary classifier; this one has {network.OutputSize} outputs and {network.Architecture.Loss}. Pass float targets.");
        }
        if (!(threshold >= 0f && threshold <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"{name}: threshold must be a probability in [0, 1]; got {threshold}.");
        }
        var targets = new float[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            targets[i] = labels[i] is 0 or 1 ? labels[i] : throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"{name}: labels[{i}] must be 0 or 1; got {labels[i]}.");
        }
        CheckData(network, features, targets, 1, "features", "labels");
        var outputs = new float[labels.Length];
        (double loss, _) = EvaluateCore(network, features, targets, 1, new Scratch(network),
            static (net, o, y, n, gradients) => ((IRegressor)net).ComputeLoss(o, y, n, gradients), null, outputs);
        return ClassificationMetrics.FromBinary(outputs, targets, threshold, loss);
    }

    /// <summary>The batch size Fit trains with: <see cref="FitOptions.BatchSize"/>, or when it is 0, Keras' 32 fitted to the network's buffers.</summary>
    private static int BatchSize(INetwork network, FitOptions options, string name)
    {
        int max = network.MaxBatchSize, minimum = network.MinimumTrainingBatch;
        if (options.BatchSize == 0)
        {
            int automatic = Math.Min(FitOptions.DefaultBatchSize, max);
            if (automatic >= minimum) return automatic;
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize,
                $"{name}: a BatchNorm row normalizes with batch statistics and needs training batches of at least {minimum}, but the network was " +
                $"constructed for batches of at most {max}; construct it with a larger maxBatchSize, e.g. new {name}(maxBatchSize: {FitOptions.DefaultBatchSize}).");
        }
        if (options.BatchSize < 1 || options.BatchSize > max)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize,
                $"{name}: FitOptions.BatchSize must be between 1 and the network's MaxBatchSize, {max}; got {options.BatchSize}. " +
                $"Construct the network with maxBatchSize: {Math.Max(options.BatchSize, 1)} or more, or leave BatchSize at 0 (automatic).");
        }
        if (options.BatchSize < minimum)
        {
            // Every batch would sit out (see below) and Fit would return without one step.
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize,
                $"{name}: FitOptions.BatchSize must be at least the network's MinimumTrainingBatch, {minimum}, since a BatchNorm row normalizes with batch statistics; got {options.BatchSize}.");
        }
        return options.BatchSize;
    }

    private delegate float Step<T>(INetwork network, ReadOnlySpan<float> inputs, ReadOnlySpan<T> targets, int batchSize, Optimizer optimizer);

    private delegate float LossOf<T>(INetwork network, ReadOnlySpan<float> outputs, ReadOnlySpan<T> targets, int batchSize, Span<float> gradients);

    private delegate int Correct<T>(ReadOnlySpan<float> outputs, ReadOnlySpan<T> targets, int batchSize, int width);

    /// <summary>The validation set's metrics from its outputs (which it may overwrite), computed once per epoch.</summary>
    private delegate (ClassificationMetrics?, RegressionMetrics?) Score<T>(Span<float> outputs, ReadOnlySpan<T> targets, double loss);

    private static int CountCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int n, int width)
    {
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            if (TensorPrimitives.IndexOfMax(outputs.Slice(i * width, width)) == labels[i]) correct++;
        }
        return correct;
    }

    /// <summary>Samples of a one-output binary cross-entropy network whose prediction (sigmoid ≥ 0.5, i.e. logit ≥ 0) is their 0/1 target.</summary>
    private static int CountCorrectBinary(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int n, int width)
    {
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            if (outputs[i] >= 0 == (targets[i] == 1)) correct++;
        }
        return correct;
    }

    private static bool AreLabels(float[] targets) => Array.TrueForAll(targets, static t => t is 0f or 1f);

    private static History Run<T>(
        INetwork network, float[] features, T[] targets, int targetWidth, string targetsName, Optimizer optimizer, FitOptions options, T[]? validationTargets,
        Step<T> step, LossOf<T> lossOf, Correct<T>? correct, Measured measures, Score<T> score)
    {
        // Everything is checked before the first step: a refused Fit leaves the network and the optimizer as they were.
        ArgumentNullException.ThrowIfNull(optimizer);
        string name = network.Architecture.Name;
        int count = CheckData(network, features, targets, targetWidth, "features", targetsName);
        if (options.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, $"{name}: FitOptions.Epochs must be at least 1; got {options.Epochs}.");
        int batch = BatchSize(network, options, name);
        optimizer.RequireFits(network);

        int inputWidth = network.InputSize;
        int trainCount = count;
        ReadOnlySpan<float> validationX = default;
        ReadOnlySpan<T> validationY = default;
        if (options.ValidationFeatures is not null)
        {
            string validationTargetsName = correct is not null ? "FitOptions.ValidationLabels" : "FitOptions.ValidationTargets";
            if (validationTargets is null) throw new ArgumentException($"{name}: FitOptions.ValidationFeatures was given without {validationTargetsName}.", nameof(options));
            if (options.ValidationSplit > 0)
            {
                throw new ArgumentException(
                    $"{name}: FitOptions.ValidationSplit = {options.ValidationSplit} and ValidationFeatures were both given; use one (Keras ignores validation_split when validation_data is given).", nameof(options));
            }
            // Members of options: the messages name the property, the exceptions' ParamName the argument, options.
            CheckData(network, options.ValidationFeatures, validationTargets, targetWidth, "FitOptions.ValidationFeatures", validationTargetsName, nameof(options));
            validationX = options.ValidationFeatures;
            validationY = validationTargets;
        }
        else if (options.ValidationSplit > 0)
        {
            trainCount = SplitAt(count, options.ValidationSplit);
            if (targets is int[] labels) ValidationSplitClasses.Require(name, labels, trainCount, options.ValidationSplit);
            validationX = features.AsSpan(trainCount * inputWidth);
            validationY = targets.AsSpan(trainCount * targetWidth);
        }
        bool hasValidation = !validationX.IsEmpty;
        if (trainCount < network.MinimumTrainingBatch)
        {
            // Too few samples, or a ValidationSplit that left too few: name the argument that did it.
            throw trainCount < count
                ? new ArgumentException(
                    $"{name}: Fit needs at least MinimumTrainingBatch = {network.MinimumTrainingBatch} training samples for one step; FitOptions.ValidationSplit = {options.ValidationSplit} leaves {trainCount} of {count}.", nameof(options))
                : new ArgumentException(
                    $"{name}: Fit needs at least MinimumTrainingBatch = {network.MinimumTrainingBatch} training samples for one step; got {trainCount}.", nameof(features));
        }
        ReadOnlySpan<float> trainX = features.AsSpan(0, trainCount * inputWidth);
        ReadOnlySpan<T> trainY = targets.AsSpan(0, trainCount * targetWidth);

        // The run's own copies: the options keep settings only, so one FitOptions serves any number of runs.
        EarlyStopping? stopping = options.EarlyStopping?.StartRun();
        LearningRateSchedule? schedule = options.LearningRateSchedule?.StartRun();
        ModelCheckpoint? checkpoint = options.Checkpoint;
        Measured measured = measures | (hasValidation ? Measured.Validation : Measured.None);
        stopping?.Monitor.Require(nameof(EarlyStopping), measured);
        if (schedule is ReduceOnPlateau plateau) plateau.Monitor.Require(nameof(ReduceOnPlateau), measured);
        if (checkpoint is { SaveBestOnly: true }) checkpoint.Monitor.Require(nameof(ModelCheckpoint), measured);

        int epochCount = options.Epochs;
        int stepsPerEpoch = (trainCount + batch - 1) / batch;
        var order = new int[trainCount];
        for (int i = 0; i < trainCount; i++) order[i] = i;
        var x = new float[batch * inputWidth];
        var y = new T[batch * targetWidth];
        var random = new SeededRandom(unchecked((ulong)options.Seed));
        var scratch = new Scratch(network);
        float[] validationOutputs = new float[validationX.Length / inputWidth * network.OutputSize];
        float[]? bestState = stopping is { RestoreBestWeights: true } ? new float[network.StateLength] : null;
        // Grows with the epochs run, not the epochs asked for: Epochs = int.MaxValue means "until early stopping stops it".
        var epochs = new List<EpochResult>(Math.Min(epochCount, InitialHistoryCapacity));
        int? stoppedEpoch = null;
        FitStopReason reason = FitStopReason.Completed;
        bool bound = false;
        double? checkpointBest = null;
        Action<BatchProgress>? onBatchEnd = options.OnBatchEnd;
        using CsvHistoryLog? log = options.CsvLogPath is null ? null : new CsvHistoryLog(options.CsvLogPath);
        var clock = Stopwatch.StartNew();

        if (schedule is not null) SetLearningRate(optimizer, schedule.OnTrainBegin(optimizer.LearningRate), schedule, 1);

        for (int epoch = 1; epoch <= epochCount; epoch++)
        {
            if (options.Shuffle) random.Shuffle<int>(order);
            for (int start = 0, stepIndex = 1; start < trainCount; start += batch, stepIndex++)
            {
                if (options.CancellationToken.IsCancellationRequested)
                {
                    reason = FitStopReason.Cancelled; // the epoch ends here, is evaluated and recorded, and training ends
                    break;
                }
                int n = Math.Min(batch, trainCount - start);
                // A last batch too small for batch statistics sits this epoch out; shuffling puts its samples elsewhere next time.
                if (n < network.MinimumTrainingBatch) break;
                for (int k = 0; k < n; k++)
                {
                    int i = order[start + k];
                    trainX.Slice(i * inputWidth, inputWidth).CopyTo(x.AsSpan(k * inputWidth));
                    trainY.Slice(i * targetWidth, targetWidth).CopyTo(y.AsSpan(k * targetWidth));
                }
                float stepLoss;
                try
                {
                    stepLoss = step(network, x.AsSpan(0, n * inputWidth), y.AsSpan(0, n * targetWidth), n, optimizer);
                    if (!bound)
                    {
                        // The optimizer's state now belongs to this network: another instance is refused (RequireFits).
                        optimizer.BindTo(network);
                        bound = true;
                    }
                }
                catch (ArithmeticException e)
                {
                    throw new TrainingDivergedException(epoch, stepIndex, stepsPerEpoch, epochs.Count > 0 ? new History(epochs.ToArray()) : null, e);
                }
                if (onBatchEnd is not null)
                {
                    try
                    {
                        onBatchEnd(new BatchProgress(epoch, epochCount, stepIndex, stepsPerEpoch, stepLoss));
                    }
                    catch (Exception e)
                    {
                        throw Interrupted(e, epoch);
                    }
                }
            }

            (double loss, double? accuracy) = EvaluateCore(network, trainX, trainY, targetWidth, scratch, lossOf, correct);
            double? validationLoss = null, validationAccuracy = null;
            ClassificationMetrics? classification = null;
            RegressionMetrics? regression = null;
            if (hasValidation)
            {
                (validationLoss, validationAccuracy) = EvaluateCore(network, validationX, validationY, targetWidth, scratch, lossOf, correct, validationOutputs);
                (classification, regression) = score(validationOutputs, validationY, validationLoss.Value);
            }
            var result = new EpochResult(epoch, epochCount, loss, accuracy, validationLoss, validationAccuracy, clock.Elapsed, network.Penalty, optimizer.LearningRate)
            {
                ValidationClassification = classification,
                ValidationRegression = regression,
            };
            epochs.Add(result);
            try
            {
                log?.Write(result);
                if (checkpoint is not null) checkpointBest = checkpoint.OnEpochEnd(network, result, checkpointBest);
                options.OnEpochEnd?.Invoke(result);
                if (reason == FitStopReason.Completed && options.StopWhen?.Invoke(result) == true) reason = FitStopReason.Callback;
            }
            catch (Exception e)
            {
                throw Interrupted(e, epoch);
            }
            if (reason == FitStopReason.Completed && options.CancellationToken.IsCancellationRequested) reason = FitStopReason.Cancelled;

            if (stopping is not null)
            {
                EarlyStoppingActions actions = stopping.OnEpochEnd(epoch, result.Of(stopping.Monitor));
                if ((actions & EarlyStoppingActions.SaveWeights) != 0 && bestState is not null) network.CopyState(bestState);
                if ((actions & EarlyStoppingActions.Stop) != 0 && reason == FitStopReason.Completed) reason = FitStopReason.EarlyStopping;
            }
            if (reason != FitStopReason.Completed)
            {
                stoppedEpoch = epoch;
                break;
            }
            if (schedule is not null && epoch < epochCount) SetLearningRate(optimizer, schedule.OnEpochEnd(result, optimizer.LearningRate), schedule, epoch + 1);
        }

        // Keras 3's on_train_end: restore whenever weights were kept, whether or not training stopped early.
        int? restoredEpoch = null;
        if (stopping is not null && stopping.RestoresOnTrainEnd && bestState is not null)
        {
            network.RestoreState(bestState);
            restoredEpoch = stopping.BestEpoch;
        }
        return new History(epochs, stoppedEpoch, restoredEpoch) { StopReason = reason };

        // A callback, the checkpoint or the log threw: end as early stopping does, then hand the History over with the exception.
        FitInterruptedException Interrupted(Exception e, int epoch)
        {
            int? restored = null;
            if (stopping is { RestoresOnTrainEnd: true } && bestState is not null)
            {
                network.RestoreState(bestState);
                restored = stopping.BestEpoch;
            }
            History? completed = epochs.Count > 0 ? new History(epochs.ToArray(), epoch, restored) { StopReason = FitStopReason.Interrupted } : null;
            return new FitInterruptedException(epoch, completed, e);
        }
    }

    /// <summary>Keras' <c>train_validation_split</c>: <c>split_at = ⌊n·(1 − split)⌋</c>; both parts must be non-empty.</summary>
    private static int SplitAt(int count, double split)
    {
        int splitAt = (int)Math.Floor(count * (1.0 - split));
        if (splitAt == 0 || splitAt == count)
        {
            throw new ArgumentException(
                $"FitOptions.ValidationSplit = {split} of {count} samples leaves {splitAt} for training and {count - splitAt} for validation; " +
                "each needs at least one sample. Give more data or another ValidationSplit.", "options");
        }
        return splitAt;
    }

    private static void SetLearningRate(Optimizer optimizer, double rate, LearningRateSchedule schedule, int epoch)
    {
        if (!(rate > 0) || !double.IsFinite(rate))
        {
            throw new InvalidOperationException(
                $"The learning-rate schedule {schedule.GetType().Name} gave {rate} for epoch {epoch}; the optimizer needs a positive, finite rate.");
        }
        optimizer.LearningRate = rate;
    }

    /// <summary>Output and gradient buffers for evaluation, sized once per call of Fit or Evaluate.</summary>
    private sealed class Scratch(INetwork network)
    {
        public float[] Outputs { get; } = new float[network.MaxBatchSize * network.OutputSize];
        public float[] Gradients { get; } = new float[network.MaxBatchSize * network.OutputSize];
    }

    private static (double Loss, double? Accuracy) EvaluateCore<T>(
        INetwork network, ReadOnlySpan<float> features, ReadOnlySpan<T> targets, int targetWidth, Scratch scratch, LossOf<T> lossOf, Correct<T>? correct,
        Span<float> keptOutputs = default)
    {
        int max = network.MaxBatchSize, inputWidth = network.InputSize, outputWidth = network.OutputSize;
        int count = features.Length / inputWidth;
        double lossSum = 0;
        int right = 0;
        for (int start = 0; start < count; start += max)
        {
            int n = Math.Min(max, count - start);
            Span<float> outputs = scratch.Outputs.AsSpan(0, n * outputWidth);
            network.Predict(features.Slice(start * inputWidth, n * inputWidth), outputs, n);
            ReadOnlySpan<T> y = targets.Slice(start * targetWidth, n * targetWidth);
            lossSum += (double)lossOf(network, outputs, y, n, scratch.Gradients.AsSpan(0, n * outputWidth)) * n;
            if (correct is not null) right += correct(outputs, y, n, outputWidth);
            if (!keptOutputs.IsEmpty) outputs.CopyTo(keptOutputs.Slice(start * outputWidth));
        }
        return (lossSum / count, correct is null ? null : (double)right / count);
    }

    /// <summary>Checks shapes and values of a data set: whole samples, one target row each, finite features and targets, labels in range.</summary>
    /// <remarks><paramref name="argument"/> is the ParamName when the data are members of an argument (<c>options</c>); by default each array's own name.</remarks>
    private static int CheckData<T>(INetwork network, float[] features, T[] targets, int targetWidth, string featuresName, string targetsName, string? argument = null)
    {
        ArgumentNullException.ThrowIfNull(features, argument ?? featuresName);
        ArgumentNullException.ThrowIfNull(targets, argument ?? targetsName);
        string name = network.Architecture.Name;
        if (features.Length == 0 || features.Length % network.InputSize != 0)
        {
            throw new ArgumentException($"{name}: {featuresName} must hold a positive multiple of InputSize = {network.InputSize} values; got {features.Length}.", argument ?? featuresName);
        }
        int count = features.Length / network.InputSize;
        if (targets.Length != count * targetWidth)
        {
            throw new ArgumentException($"{name}: {targetsName} must hold {count} samples × {targetWidth} = {count * targetWidth} values to match {featuresName}; got {targets.Length}.", argument ?? targetsName);
        }
        Kernels.Guard.Finite(features, featuresName, name, argument);
        switch (targets)
        {
            case float[] values:
                Kernels.Guard.Finite(values, targetsName, name, argument);
                if (network.Architecture.Loss == Loss.BinaryCrossEntropy && Kernels.Guard.FirstOutsideUnitInterval(values) is int outside)
                {
                    throw new ArgumentOutOfRangeException(argument ?? targetsName, values[outside], Kernels.Guard.UnitIntervalMessage($"{name}: ", targetsName, outside, values[outside], targetWidth));
                }
                break;
            case int[] labels:
                for (int i = 0; i < labels.Length; i++)
                {
                    if ((uint)labels[i] >= (uint)network.OutputSize)
                    {
                        throw new ArgumentOutOfRangeException(argument ?? targetsName, labels[i],
                            $"{name}: {targetsName}[{i}] must be a class index in [0, {network.OutputSize}); got {labels[i]}.");
                    }
                }
                break;
        }
        return count;
    }
}
