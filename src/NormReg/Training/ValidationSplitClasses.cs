using System;
using System.Collections.Generic;
using System.Linq;

namespace NormReg;

/// <summary>
/// Fit's check that a <see cref="FitOptions.ValidationSplit"/> can represent the classes. The split takes the last samples
/// before shuffling (Keras' <c>validation_split</c>), so on data sorted by class it holds one class, or misses classes the
/// training part has. A class is reported missing when a random part of that size would hold it with probability above
/// 99.9 %: <c>(1 − f)^m &lt; 0.001</c> for its training frequency f and m held-out samples; small splits that miss a rare
/// class by chance pass. The analyzers apply the same test (NRG110) to labels they can see at compile time.
/// </summary>
internal static class ValidationSplitClasses
{
    private const double ChanceOfMissingByLuck = 1e-3;

    /// <summary>Throws when the held-out labels (<paramref name="labels"/> from <paramref name="splitAt"/>) cannot represent the classes.</summary>
    /// <exception cref="ArgumentException">The validation part holds one class only, or misses classes the training part has.</exception>
    public static void Require(string network, ReadOnlySpan<int> labels, int splitAt, double split)
    {
        int held = labels.Length - splitAt;
        var training = new Dictionary<int, int>();
        foreach (int label in labels[..splitAt]) training[label] = training.TryGetValue(label, out int count) ? count + 1 : 1;
        var validation = new HashSet<int>(labels[splitAt..].ToArray());
        int[] missing = [.. training
            .Where(p => !validation.Contains(p.Key) && Math.Pow(1 - (double)p.Value / splitAt, held) < ChanceOfMissingByLuck)
            .Select(p => p.Key).Order()];
        if (missing.Length == 0) return;
        string what = validation.Count == 1
            ? $"hold class {validation.First()} only"
            : $"miss class{(missing.Length > 1 ? "es" : "")} {string.Join(", ", missing)}, which training has";
        throw new ArgumentException(
            $"{network}: FitOptions.ValidationSplit = {split} holds out the last {held} of {labels.Length} samples, taken before shuffling, and their labels {what}; " +
            "the data looks ordered by class, so every validation metric would be meaningless. Shuffle the samples before Fit, or pass ValidationFeatures and ValidationLabels.",
            "options");
    }
}
