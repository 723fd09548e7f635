using System;
using System.Collections.Generic;
using System.Linq;

namespace NormReg.Analyzers.Flow;

/// <summary>
/// Whether the validation part of a <c>ValidationSplit</c> can represent the classes (the same test as the runtime's
/// <c>Fit</c>): a class the training part has is missing from the validation part although a random part of that size
/// would hold it with probability above 99.9 % — <c>(1 − f)^m &lt; 0.001</c> for its training frequency f and m held-out samples.
/// </summary>
internal static class ClassCoverage
{
    /// <summary>Below this chance of missing a class by luck, its absence means the data is ordered.</summary>
    public const double ChanceOfMissingByLuck = 1e-3;

    /// <summary>Keras' split point: the first ⌊n·(1 − split)⌋ samples train.</summary>
    public static int SplitAt(int count, double split) => (int)Math.Floor(count * (1.0 - split));

    /// <summary>What is wrong with the validation labels (<c>"hold class 2 only"</c>), or <see langword="null"/>.</summary>
    public static string? Problem(IReadOnlyList<int> labels, int splitAt)
    {
        if (splitAt <= 0 || splitAt >= labels.Count) return null;
        int held = labels.Count - splitAt;
        var training = new Dictionary<int, int>();
        for (int i = 0; i < splitAt; i++) training[labels[i]] = training.TryGetValue(labels[i], out int c) ? c + 1 : 1;
        var validation = new HashSet<int>(labels.Skip(splitAt));
        int[] missing = [.. training.Where(p => !validation.Contains(p.Key) && Math.Pow(1 - (double)p.Value / splitAt, held) < ChanceOfMissingByLuck).Select(p => p.Key).OrderBy(k => k)];
        if (missing.Length == 0) return null;
        return validation.Count == 1
            ? $"hold class {validation.First()} only"
            : $"miss class{(missing.Length > 1 ? "es" : "")} {string.Join(", ", missing)} that training has";
    }
}
