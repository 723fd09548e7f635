using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics.Tensors;

namespace NormReg;

/// <summary>
/// The training loop, Keras' <c>model.fit</c>: epochs of shuffled mini-batches through <c>TrainStep</c>, and an
/// evaluation of the training and validation sets in inference mode after each epoch.
/// </summary>
public static class Training
{
    /// <summary>Trains a classifier on <paramref name="features"/> (row-major) and one label per sample.</summary>
    public static History Fit(this IClassifier network, float[] features, int[] labels, Optimizer optimizer, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new FitOptions();
        return Run(network, features, labels, 1, optimizer, options, options.ValidationLabels,
            static (net, x, y, n, opt) => ((IClassifier)net).TrainStep(x, y, n, opt),
            static (net, outputs, y, n, gradients) => ((IClassifier)net).ComputeLoss(outputs, y, n, gradients),
            CountCorrect);
    }

    /// <summary>Trains a regressor on <paramref name="features"/> and <paramref name="targets"/>, both row-major.</summary>
    public static History Fit(this IRegressor network, float[] features, float[] targets, Optimizer optimizer, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new FitOptions();
        return Run(network, features, targets, network.OutputSize, optimizer, options, options.ValidationTargets,
            static (net, x, y, n, opt) => ((IRegressor)net).TrainStep(x, y, n, opt),
            static (net, outputs, y, n, gradients) => ((IRegressor)net).ComputeLoss(outputs, y, n, gradients),
            null);
    }

    /// <summary>Mean loss and, for classifiers, accuracy of a data set in inference mode, in chunks of <c>MaxBatchSize</c>.</summary>
    public static (double Loss, double Accuracy) Evaluate(this IClassifier network, float[] features, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(network);
        var scratch = new Scratch(network);
        (double loss, double? accuracy) = EvaluateCore(network, features, labels, 1, scratch,
            static (net, outputs, y, n, gradients) => ((IClassifier)net).ComputeLoss(outputs, y, n, gradients), CountCorrect);
        return (loss, accuracy!.Value);
    }

    private delegate float Step<T>(INetwork network, ReadOnlySpan<float> inputs, ReadOnlySpan<T> targets, int batchSize, Optimizer optimizer);

    private delegate float LossOf<T>(INetwork network, ReadOnlySpan<float> outputs, ReadOnlySpan<T> targets, int batchSize, Span<float> gradients);

    private delegate int Correct<T>(ReadOnlySpan<float> outputs, ReadOnlySpan<T> targets, int batchSize, int width);

    private static int CountCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int n, int width)
    {
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            if (TensorPrimitives.IndexOfMax(outputs.Slice(i * width, width)) == labels[i]) correct++;
        }
        return correct;
    }

    private static History Run<T>(
        INetwork network, float[] features, T[] targets, int targetWidth, Optimizer optimizer, FitOptions options, T[]? validationTargets,
        Step<T> step, LossOf<T> lossOf, Correct<T>? correct)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        int count = CheckData(network, features, targets, targetWidth, "features", "targets");
        if (options.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "FitOptions.Epochs must be at least 1.");
        if (options.BatchSize < 1 || options.BatchSize > network.MaxBatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize,
                $"FitOptions.BatchSize must be between 1 and the network's MaxBatchSize, {network.MaxBatchSize}; got {options.BatchSize}.");
        }
        if (options.ValidationFeatures is not null)
        {
            if (validationTargets is null) throw new ArgumentException("FitOptions.ValidationFeatures was given without validation labels or targets.", nameof(options));
            CheckData(network, options.ValidationFeatures, validationTargets, targetWidth, "ValidationFeatures", "validation targets");
        }

        int batch = options.BatchSize, inputWidth = network.InputSize;
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var x = new float[batch * inputWidth];
        var y = new T[batch * targetWidth];
        var random = new SeededRandom(unchecked((ulong)options.Seed));
        var scratch = new Scratch(network);
        var epochs = new List<EpochResult>(options.Epochs);
        var clock = Stopwatch.StartNew();

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            if (options.Shuffle) random.Shuffle<int>(order);
            for (int start = 0; start < count; start += batch)
            {
                int n = Math.Min(batch, count - start);
                for (int k = 0; k < n; k++)
                {
                    int i = order[start + k];
                    Array.Copy(features, i * inputWidth, x, k * inputWidth, inputWidth);
                    Array.Copy(targets, i * targetWidth, y, k * targetWidth, targetWidth);
                }
                step(network, x.AsSpan(0, n * inputWidth), y.AsSpan(0, n * targetWidth), n, optimizer);
            }

            (double loss, double? accuracy) = EvaluateCore(network, features, targets, targetWidth, scratch, lossOf, correct);
            double? validationLoss = null, validationAccuracy = null;
            if (options.ValidationFeatures is not null)
            {
                (double vl, double? va) = EvaluateCore(network, options.ValidationFeatures, validationTargets!, targetWidth, scratch, lossOf, correct);
                (validationLoss, validationAccuracy) = (vl, va);
            }
            var result = new EpochResult(epoch, options.Epochs, loss, accuracy, validationLoss, validationAccuracy, clock.Elapsed);
            epochs.Add(result);
            options.OnEpochEnd?.Invoke(result);
        }
        return new History(epochs);
    }

    /// <summary>Output and gradient buffers for evaluation, sized once per call of Fit or Evaluate.</summary>
    private sealed class Scratch(INetwork network)
    {
        public float[] Outputs { get; } = new float[network.MaxBatchSize * network.OutputSize];
        public float[] Gradients { get; } = new float[network.MaxBatchSize * network.OutputSize];
    }

    private static (double Loss, double? Accuracy) EvaluateCore<T>(
        INetwork network, float[] features, T[] targets, int targetWidth, Scratch scratch, LossOf<T> lossOf, Correct<T>? correct)
    {
        int count = CheckData(network, features, targets, targetWidth, "features", "targets");
        int max = network.MaxBatchSize, inputWidth = network.InputSize, outputWidth = network.OutputSize;
        double lossSum = 0;
        int right = 0;
        for (int start = 0; start < count; start += max)
        {
            int n = Math.Min(max, count - start);
            Span<float> outputs = scratch.Outputs.AsSpan(0, n * outputWidth);
            network.Predict(features.AsSpan(start * inputWidth, n * inputWidth), outputs, n);
            ReadOnlySpan<T> y = targets.AsSpan(start * targetWidth, n * targetWidth);
            lossSum += (double)lossOf(network, outputs, y, n, scratch.Gradients.AsSpan(0, n * outputWidth)) * n;
            if (correct is not null) right += correct(outputs, y, n, outputWidth);
        }
        return (lossSum / count, correct is null ? null : (double)right / count);
    }

    private static int CheckData<T>(INetwork network, float[] features, T[] targets, int targetWidth, string featuresName, string targetsName)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.Length == 0 || features.Length % network.InputSize != 0)
        {
            throw new ArgumentException($"{featuresName} must hold a positive multiple of InputSize = {network.InputSize} values; got {features.Length}.", featuresName);
        }
        int count = features.Length / network.InputSize;
        if (targets.Length != count * targetWidth)
        {
            throw new ArgumentException($"{targetsName} must hold {count} samples × {targetWidth} = {count * targetWidth} values to match {featuresName}; got {targets.Length}.", targetsName);
        }
        return count;
    }
}
