using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NormReg.Generators.Emitting;

namespace NormReg.Generators;

/// <summary>
/// Makes the hint names of one compilation's generated files unique. A network's own hint name
/// (<c>App.Holder_1.Scorer.g.cs</c>) is readable but not unique: <c>Scorer&lt;T&gt;</c> and <c>Scorer_1</c>, a nested
/// <c>Outer.Net</c> and a <c>Net</c> in namespace <c>Outer</c>, names differing only in case (the compiler compares
/// hint names ignoring case, and so do the file systems of Windows and macOS) or in characters a file name does not
/// keep. Colliding names get <c>.2</c>, <c>.3</c>… before <c>.g.cs</c>, in an order that depends only on the files.
/// </summary>
internal static class HintNames
{
    /// <summary>Longer names are cut and given a hash, so that an emitted file's path stays short on every platform.</summary>
    public const int MaxLength = 120;

    private const string Suffix = ".g.cs";

    /// <summary>Each item with a hint name for its source that no other one has, ignoring case, accents and Unicode normalization.</summary>
    public static IEnumerable<(string HintName, T Item)> Assign<T>(IEnumerable<T> items, Func<T, GeneratedSource> source)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        // Distinct types give distinct texts, so this order does not depend on the order of the input.
        foreach (T item in items.OrderBy(i => Shorten(source(i).HintName), StringComparer.Ordinal).ThenBy(i => source(i).Text, StringComparer.Ordinal))
        {
            string stem = Shorten(source(item).HintName);
            string name = stem + Suffix;
            for (int n = 2; !taken.Add(Key(name)); n++) name = stem + "." + n.ToString(CultureInfo.InvariantCulture) + Suffix;
            yield return (name, item);
        }
    }

    /// <summary>The name without <c>.g.cs</c>, at most <see cref="MaxLength"/> characters.</summary>
    private static string Shorten(string hintName)
    {
        string stem = hintName.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase) ? hintName.Substring(0, hintName.Length - Suffix.Length) : hintName;
        if (stem.Length <= MaxLength) return stem;
        uint hash = 2166136261;
        foreach (char c in stem) hash = unchecked((hash ^ c) * 16777619);
        return stem.Substring(0, MaxLength - 9) + "-" + hash.ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>What a case-insensitive, normalizing file system compares: decomposed, without marks or formatting characters, upper case.</summary>
    private static string Key(string name)
    {
        var key = new StringBuilder(name.Length);
        string decomposed;
        try
        {
            decomposed = name.Normalize(NormalizationForm.FormKD);
        }
        catch (ArgumentException)
        {
            decomposed = name; // not valid UTF-16; the parser's hint names never are, but a key must not throw
        }
        foreach (char c in decomposed)
        {
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format) continue;
            key.Append(char.ToUpperInvariant(c));
        }
        return key.ToString();
    }
}
