using System.ComponentModel;
using System;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>
/// Losses averaged over the batch (PyTorch's <c>reduction="mean"</c>), each writing the gradient of the
/// mean loss with respect to the network's outputs.
/// </summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Losses
{
    /// <summary>
    /// Fused softmax cross-entropy on integer labels through log-sum-exp, as <c>nn.CrossEntropyLoss</c>:
    /// <c>mean(logsumexp(z) − z[label])</c>; gradient <c>(softmax(z) − onehot(label)) / batch</c>.
    /// </summary>
    /// <remarks>Labels must lie in [0, classes); generated code checks them first with <see cref="Guard.Labels"/>.</remarks>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradients, int batch, int classes) =>
        SoftmaxCrossEntropy(logits, labels, gradients, batch, classes, 0f);

    /// <summary>
    /// The same with label smoothing ε, as <c>nn.CrossEntropyLoss(label_smoothing=ε)</c>: the target is
    /// <c>(1 − ε)·onehot(label) + ε/C</c>, so the loss is <c>(1 − ε)·(lse − z[label]) + ε·(lse − mean(z))</c> and the gradient
    /// <c>(softmax(z) − target) / batch</c>. With ε = 0 it is the plain loss, bit for bit.
    /// </summary>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradients, int batch, int classes, float smoothing)
    {
        double total = 0;
        float scale = 1f / batch;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            Span<float> g = gradients.Slice(n * classes, classes);
            float max = TensorPrimitives.Max(z);
            TensorPrimitives.Subtract(z, max, g);
            TensorPrimitives.Exp(g, g);
            float sum = Activations.SumInOrder(g);
            double logSumExp = Math.Log(sum) + max;
            total += logSumExp - z[labels[n]];
            TensorPrimitives.Multiply(g, scale / sum, g);
            g[labels[n]] -= scale;
            if (smoothing == 0f) continue;
            double meanLogit = 0;
            foreach (float v in z) meanLogit += v;
            meanLogit /= classes;
            // (1 − ε)·(lse − z[y]) + ε·(lse − mean z) is the plain loss plus ε·(z[y] − mean z);
            // the target moves ε from the label to all classes evenly: + ε at the label, − ε/C everywhere.
            total += smoothing * (z[labels[n]] - meanLogit);
            TensorPrimitives.Subtract(g, scale * smoothing / classes, g);
            g[labels[n]] += scale * smoothing;
        }
        return (float)(total / batch);
    }

    /// <summary>
    /// The same with class weights w, as <c>nn.CrossEntropyLoss(weight=w, label_smoothing=ε)</c>: with <c>W = Σᵢ w[yᵢ]</c> the
    /// batch's weight, the loss is <c>(1 − ε)·Σᵢ w[yᵢ]·(lseᵢ − zᵢ[yᵢ]) / W + (ε/C)·Σᵢ Σ_c w[c]·(lseᵢ − zᵢ[c]) / W</c> (PyTorch
    /// normalizes the smoothing term by the same W), and the gradient
    /// <c>((1 − ε)·w[yᵢ]·(pᵢ − onehot(yᵢ)) + (ε/C)·(Σ_c w[c]·pᵢ − w)) / W</c>. With empty weights it is the unweighted loss. A
    /// batch whose labels all weigh 0 has loss and gradient 0 (PyTorch returns NaN).
    /// </summary>
    /// <remarks>Weights must be finite and non-negative, one per class; callers check them with <see cref="Guard.ClassWeights"/>.</remarks>
    public static float SoftmaxCrossEntropy(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradients, int batch, int classes, float smoothing, ReadOnlySpan<float> classWeights)
    {
        if (classWeights.IsEmpty) return SoftmaxCrossEntropy(logits, labels, gradients, batch, classes, smoothing);
        double batchWeight = 0;
        for (int n = 0; n < batch; n++) batchWeight += classWeights[labels[n]];
        Span<float> used = gradients.Slice(0, batch * classes);
        if (batchWeight == 0)
        {
            used.Clear();
            return 0f;
        }
        float weightSum = Activations.SumInOrder(classWeights);
        float spread = smoothing / classes;
        double total = 0;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            Span<float> g = used.Slice(n * classes, classes);
            int label = labels[n];
            float max = TensorPrimitives.Max(z);
            TensorPrimitives.Subtract(z, max, g);
            TensorPrimitives.Exp(g, g);
            float sum = Activations.SumInOrder(g);
            double logSumExp = Math.Log(sum) + max;
            double weightedLogits = 0;
            for (int c = 0; c < classes; c++) weightedLogits += (double)classWeights[c] * z[c];
            float labelWeight = classWeights[label];
            total += (1 - smoothing) * labelWeight * (logSumExp - z[label]) + spread * (weightSum * logSumExp - weightedLogits);
            // g holds exp(z − max); p = g / sum. The gradient of the sample, before dividing by W:
            // ((1 − ε)·w[y] + (ε/C)·Σw)·p − (ε/C)·w − (1 − ε)·w[y]·onehot(y).
            TensorPrimitives.Multiply(g, (float)(((1 - smoothing) * labelWeight + spread * weightSum) / sum / batchWeight), g);
            if (smoothing != 0f) TensorPrimitives.MultiplyAdd(classWeights, (float)(-spread / batchWeight), g, g);
            g[label] -= (float)((1 - smoothing) * labelWeight / batchWeight);
        }
        return (float)(total / batchWeight);
    }

    /// <summary>
    /// Fused sigmoid binary cross-entropy, as <c>nn.BCEWithLogitsLoss</c>:
    /// <c>mean(max(z, 0) − z·t + log(1 + e^−|z|))</c> over every element; gradient <c>(σ(z) − t) / count</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A target lies outside [0, 1] or is NaN; <paramref name="gradients"/> is not written.</exception>
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradients)
    {
        // Callers check first (Guard.BinaryTargets, before any state changes); this is the last line, so no caller gets a wrong loss.
        if (Guard.FirstOutsideUnitInterval(targets) is int index)
        {
            throw new ArgumentOutOfRangeException(nameof(targets), targets[index], Guard.UnitIntervalMessage("", nameof(targets), index, targets[index], 0));
        }
        double total = 0;
        float scale = 1f / logits.Length;
        for (int i = 0; i < logits.Length; i++)
        {
            double z = logits[i], t = targets[i];
            total += Math.Max(z, 0) - z * t + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            gradients[i] = (float)((1 / (1 + Math.Exp(-z)) - t) * scale);
        }
        return (float)(total / logits.Length);
    }

    /// <summary>Mean squared error, as <c>nn.MSELoss</c>: <c>mean((y − t)²)</c>; gradient <c>2(y − t) / count</c>.</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> gradients)
    {
        double total = 0;
        float scale = 2f / outputs.Length;
        for (int i = 0; i < outputs.Length; i++)
        {
            float d = outputs[i] - targets[i];
            total += (double)d * d;
            gradients[i] = d * scale;
        }
        return (float)(total / outputs.Length);
    }
}
