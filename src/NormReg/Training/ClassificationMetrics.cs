using System;
using System.Linq;
using System.Numerics.Tensors;

namespace NormReg;

/// <summary>
/// A classifier's scores on a data set, as scikit-learn's <c>metrics</c> compute them: accuracy, log-loss, the
/// confusion matrix, per-class precision, recall and F1 (0 where undefined, <c>zero_division=0</c>) and, with two
/// classes, the area under the ROC curve of the probability of class 1. Deconstructs to <c>(Loss, Accuracy)</c>.
/// A one-output <see cref="NormReg.Loss.BinaryCrossEntropy"/> network is scored as two classes: 0, and 1 when the sigmoid of
/// its output reaches the threshold.
/// </summary>
public sealed class ClassificationMetrics
{
    private ClassificationMetrics(double loss, int[,] confusion, double? rocAuc)
    {
        Loss = loss;
        ConfusionMatrix = confusion;
        RocAuc = rocAuc;
        int classes = confusion.GetLength(0);
        Precision = new double[classes];
        Recall = new double[classes];
        F1 = new double[classes];
        long correct = 0, total = 0;
        for (int k = 0; k < classes; k++)
        {
            long truePositive = confusion[k, k], predicted = 0, actual = 0;
            for (int j = 0; j < classes; j++)
            {
                predicted += confusion[j, k];
                actual += confusion[k, j];
            }
            Precision[k] = predicted == 0 ? 0 : (double)truePositive / predicted;
            Recall[k] = actual == 0 ? 0 : (double)truePositive / actual;
            long denominator = predicted + actual; // 2·TP + FP + FN
            F1[k] = denominator == 0 ? 0 : 2.0 * truePositive / denominator;
            correct += truePositive;
            total += actual;
        }
        Accuracy = total == 0 ? 0 : (double)correct / total;
    }

    /// <summary>The mean cross-entropy of the outputs: scikit-learn's <c>log_loss</c>, Keras' <c>"loss"</c> (with the network's label smoothing, if it has one).</summary>
    public double Loss { get; }

    /// <summary>The fraction of samples whose largest output is their label.</summary>
    public double Accuracy { get; }

    /// <summary>Counts of [true class, predicted class], as scikit-learn's <c>confusion_matrix</c>.</summary>
    public int[,] ConfusionMatrix { get; }

    /// <summary>Per class: of the samples predicted as the class, the fraction that are; 0 for a class never predicted.</summary>
    public double[] Precision { get; }

    /// <summary>Per class: of the samples of the class, the fraction predicted as it; 0 for a class absent from the labels.</summary>
    public double[] Recall { get; }

    /// <summary>Per class: the harmonic mean of precision and recall, <c>2·TP / (2·TP + FP + FN)</c>; 0 where both are 0.</summary>
    public double[] F1 { get; }

    /// <summary>The unweighted mean of <see cref="F1"/> over the classes (scikit-learn's <c>average="macro"</c>).</summary>
    public double MacroF1 => F1.Average();

    /// <summary>With two classes, the area under the ROC curve of the probability of class 1 (ties counted half); otherwise <see langword="null"/>.</summary>
    public double? RocAuc { get; }

    /// <summary>The loss and the accuracy, for <c>var (loss, accuracy) = net.Evaluate(…)</c>.</summary>
    public void Deconstruct(out double loss, out double accuracy)
    {
        loss = Loss;
        accuracy = Accuracy;
    }

    /// <summary>The metrics of <paramref name="logits"/> (samples × classes, row-major) against one label per sample; <paramref name="loss"/> is the mean cross-entropy, computed by the caller.</summary>
    internal static ClassificationMetrics From(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, double loss)
    {
        var confusion = new int[classes, classes];
        double[]? scores = classes == 2 ? new double[labels.Length] : null;
        Span<float> probabilities = stackalloc float[2];
        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<float> row = logits.Slice(i * classes, classes);
            confusion[labels[i], TensorPrimitives.IndexOfMax(row)]++;
            if (scores is not null)
            {
                TensorPrimitives.SoftMax(row, probabilities);
                scores[i] = probabilities[1];
            }
        }
        return new ClassificationMetrics(loss, confusion, scores is null ? null : AreaUnderRoc(scores, labels));
    }

    /// <summary>
    /// The metrics of one logit per sample (a one-output binary cross-entropy network) against targets 0 and 1: a sample is
    /// predicted 1 when the sigmoid of its logit is at least <paramref name="threshold"/>; ROC AUC ranks the logits, which
    /// the sigmoid does not reorder.
    /// </summary>
    internal static ClassificationMetrics FromBinary(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, float threshold, double loss)
    {
        var confusion = new int[2, 2];
        var scores = new double[targets.Length];
        var labels = new int[targets.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            scores[i] = logits[i];
            labels[i] = targets[i] == 1 ? 1 : 0;
            confusion[labels[i], Sigmoid(logits[i]) >= threshold ? 1 : 0]++;
        }
        return new ClassificationMetrics(loss, confusion, AreaUnderRoc(scores, labels));
    }

    /// <summary>The sigmoid as <see cref="TensorPrimitives.Sigmoid(ReadOnlySpan{float}, Span{float})"/> computes it, so thresholds agree with <c>Classify</c>.</summary>
    private static float Sigmoid(float logit)
    {
        Span<float> value = [logit];
        TensorPrimitives.Sigmoid(value, value);
        return value[0];
    }

    /// <summary>The Mann–Whitney statistic: the probability that a random positive scores above a random negative, ties half.</summary>
    private static double? AreaUnderRoc(double[] scores, ReadOnlySpan<int> labels)
    {
        int[] order = [.. Enumerable.Range(0, scores.Length).OrderBy(i => scores[i])];
        double positiveRanks = 0;
        long positives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1; // the average rank of a run of ties
            for (int k = start; k <= end; k++)
            {
                if (labels[order[k]] == 1)
                {
                    positiveRanks += rank;
                    positives++;
                }
            }
            start = end + 1;
        }
        long negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0) return null; // undefined with one class only
        return (positiveRanks - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
