using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

/// <summary>Argument checks the runtime runs before it touches any state. Each message names the network, what was expected and what came.</summary>
internal static class Guard
{
    /// <summary>Checks the constructor's largest batch size; <paramref name="widest"/> is the widest row, whose buffer must fit in an array.</summary>
    public static void MaxBatchSize(int maxBatchSize, int widest, string network)
    {
        int limit = Array.MaxLength / widest;
        if (maxBatchSize < 1 || maxBatchSize > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, $"{network}: maxBatchSize must be between 1 and {limit}; got {maxBatchSize}.");
        }
    }

    /// <summary>Checks that <paramref name="batchSize"/> is within 1 and the constructed maximum.</summary>
    public static void BatchSize(int batchSize, int maxBatchSize, string network)
    {
        if (batchSize < 1 || batchSize > maxBatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"{network}: batchSize must be between 1 and {maxBatchSize} (the maxBatchSize given to its constructor); got {batchSize}.");
        }
    }

    /// <summary>Checks that <paramref name="mode"/> is a defined <see cref="ForwardMode"/>.</summary>
    public static void Mode(ForwardMode mode, string network)
    {
        if (mode is not (ForwardMode.Inference or ForwardMode.Training or ForwardMode.Sampling))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{network}: mode must be ForwardMode.Inference, Training or Sampling; got {(int)mode}.");
        }
    }

    /// <summary>
    /// Checks that a span holds exactly <paramref name="batchSize"/> × <paramref name="width"/> values. For a member that
    /// takes no batch size, <paramref name="oneSampleOf"/> names the width (InputSize, OutputSize) and the message asks for one sample.
    /// </summary>
    public static void Length(int actual, int batchSize, int width, string parameter, string network, string? oneSampleOf = null)
    {
        if (actual != batchSize * width)
        {
            throw new ArgumentException(oneSampleOf is not null
                ? $"{network}: {parameter} must hold one sample, {oneSampleOf} = {width} values; got {actual}."
                : $"{network}: {parameter} must hold batchSize × {width} = {batchSize * width} values for batchSize {batchSize}; got {actual}.", parameter);
        }
    }

    /// <summary>Checks one class label per sample, each in [0, <paramref name="classes"/>).</summary>
    public static void Labels(ReadOnlySpan<int> labels, int batchSize, int classes, string network)
    {
        Length(labels.Length, batchSize, 1, nameof(labels), network);
        for (int n = 0; n < labels.Length; n++)
        {
            if ((uint)labels[n] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[n], $"{network}: labels[{n}] must be a class index in [0, {classes}); got {labels[n]}.");
            }
        }
    }

    /// <summary>
    /// Checks class weights: empty (none; unless <paramref name="argument"/> is given, for a member that is set or not), or one
    /// finite, non-negative weight per class with at least one above 0. <paramref name="parameter"/> names them in the message;
    /// <paramref name="argument"/> is the ParamName when they are a member of an argument.
    /// </summary>
    public static void ClassWeights(ReadOnlySpan<float> weights, int classes, string network, string parameter = "classWeights", string? argument = null)
    {
        if (weights.IsEmpty && argument is null) return;
        if (weights.Length != classes)
        {
            throw new ArgumentException($"{network}: {parameter} must hold one weight per class, {classes}; got {weights.Length}.", argument ?? parameter);
        }
        bool positive = false;
        for (int c = 0; c < weights.Length; c++)
        {
            if (!(weights[c] >= 0f) || float.IsPositiveInfinity(weights[c]))
            {
                throw new ArgumentOutOfRangeException(argument ?? parameter, weights[c], $"{network}: {parameter}[{c}] must be finite and 0 or more; got {weights[c]}.");
            }
            positive |= weights[c] > 0f;
        }
        if (!positive) throw new ArgumentException($"{network}: {parameter} must give at least one class a weight above 0; all are 0.", argument ?? parameter);
    }

    /// <summary>Checks <paramref name="batchSize"/> × <paramref name="width"/> finite targets.</summary>
    public static void Targets(ReadOnlySpan<float> targets, int batchSize, int width, string network)
    {
        Length(targets.Length, batchSize, width, nameof(targets), network);
        Finite(targets, nameof(targets), network);
    }

    /// <summary>
    /// Checks <paramref name="batchSize"/> × <paramref name="width"/> targets of <see cref="Loss.BinaryCrossEntropy"/>: each a
    /// probability in [0, 1] (NaN and infinities included in the refusal). Outside it the loss has no minimum and
    /// can go negative (a target of 5 gives −3.64 where PyTorch's BCEWithLogitsLoss computes the same meaningless number).
    /// </summary>
    /// <exception cref="ArgumentException">The length is not batchSize × width, or a target is NaN or infinite (as for every loss).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A finite target lies outside [0, 1]; the message names its index and value.</exception>
    public static void BinaryTargets(ReadOnlySpan<float> targets, int batchSize, int width, string network)
    {
        Targets(targets, batchSize, width, network);
        if (FirstOutsideUnitInterval(targets) is int index)
        {
            throw new ArgumentOutOfRangeException(nameof(targets), targets[index], UnitIntervalMessage(network + ": ", nameof(targets), index, targets[index], width));
        }
    }

    /// <summary>The index of the first value outside [0, 1] (or NaN), or <see langword="null"/>.</summary>
    internal static int? FirstOutsideUnitInterval(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= 0f && values[i] <= 1f)) return i;
        }
        return null;
    }

    /// <summary>The message for a binary cross-entropy target outside [0, 1].</summary>
    internal static string UnitIntervalMessage(string prefix, string parameter, int index, float value, int width) =>
        $"{prefix}{parameter}[{index}]{(width > 0 ? $" (sample {index / width}, output {index % width})" : "")} is {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; "
        + "BinaryCrossEntropy targets are probabilities and must lie in [0, 1]. Scale them, or train with MeanSquaredError.";

    /// <summary>Checks that a training-mode forward pass of the same batch size came before <c>Backward</c>.</summary>
    public static void BackwardFollowsForward(int trainingBatch, int batchSize, string network)
    {
        if (trainingBatch == 0)
        {
            throw new InvalidOperationException($"{network}: Backward needs the activations of a Forward in ForwardMode.Training, and none is pending (Predict, TrainStep and inference-mode Forward do not keep them).");
        }
        if (trainingBatch != batchSize)
        {
            throw new ArgumentException($"{network}: Backward must use the batch size of the last training-mode Forward, {trainingBatch}; got {batchSize}.", nameof(batchSize));
        }
    }

    /// <summary>Reports a training step whose loss or gradients are not finite; the caller has left the network as it was.</summary>
    public static void ThrowNonFiniteStep(float loss, string network) =>
        throw new ArithmeticException(float.IsFinite(loss)
            ? $"{network}: a gradient is not finite; the step was not applied and the network is unchanged. Lower the learning rate or check the data."
            : $"{network}: the loss is {loss}; the step was not applied and the network is unchanged. Lower the learning rate or check the data.");

    /// <summary>Checks that a training batch is large enough for batch statistics (PyTorch: "Expected more than 1 value per channel when training").</summary>
    public static void TrainingBatch(int batchSize, string layer, string network)
    {
        if (batchSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"{network}: {layer} normalizes with batch statistics and needs at least 2 samples per training batch; got {batchSize} (PyTorch: \"Expected more than 1 value per channel when training\").");
        }
    }

    /// <summary>
    /// Checks that the input scaling was fitted; unfitted statistics are NaN. A partly NaN or otherwise damaged block never
    /// gets in: every path that writes the statistics (FitNormalization, RestoreState, Load) validates them first.
    /// </summary>
    public static void Fitted(float firstStatistic, string network)
    {
        if (float.IsNaN(firstStatistic))
        {
            throw new InvalidOperationException($"{network}: its input scaling has not been fitted; call {network}.FitNormalization(trainingFeatures) before Predict, Forward or TrainStep.");
        }
    }

    /// <summary>
    /// Checks that every value is finite (no NaN, no infinity). The message names <paramref name="parameter"/>; the exception's
    /// ParamName is <paramref name="argument"/> when the values are a member of an argument (<c>options</c> for FitOptions.ValidationFeatures).
    /// </summary>
    public static void Finite(ReadOnlySpan<float> values, string parameter, string network, string? argument = null)
    {
        if (AllFinite(values)) return;
        int index = 0;
        while (float.IsFinite(values[index])) index++;
        throw new ArgumentException($"{network}: {parameter} must be finite; {parameter}[{index}] is {values[index]}.", argument ?? parameter);
    }

    /// <summary>Whether every value is finite; <c>v − v</c> is 0 for finite values and NaN otherwise. Four sums run side by side.</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int i = 0;
        float rest = 0f;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= values.Length - 4 * Vector256<float>.Count; i += 4 * Vector256<float>.Count)
            {
                Vector256<float> v0 = Vector256.LoadUnsafe(ref start, (nuint)i), v1 = Vector256.LoadUnsafe(ref start, (nuint)i + 8);
                Vector256<float> v2 = Vector256.LoadUnsafe(ref start, (nuint)i + 16), v3 = Vector256.LoadUnsafe(ref start, (nuint)i + 24);
                a0 += v0 - v0;
                a1 += v1 - v1;
                a2 += v2 - v2;
                a3 += v3 - v3;
            }
            rest = Vector256.Sum((a0 + a1) + (a2 + a3));
        }
        for (; i < values.Length; i++) rest += Unsafe.Add(ref start, i) - Unsafe.Add(ref start, i);
        return rest == 0f;
    }
}
