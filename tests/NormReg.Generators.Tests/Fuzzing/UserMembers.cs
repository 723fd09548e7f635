using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>What a fuzzed base class is built to be.</summary>
internal enum BaseKind
{
    /// <summary>A protected parameterless (or all-optional) constructor and unrelated members: the network must be accepted.</summary>
    Harmless,

    /// <summary>A visible member named like a generated one, which the generated member would hide: rejected.</summary>
    ClashingMember,

    /// <summary>Only a constructor that needs an argument: the user's class alone already does not compile.</summary>
    NoParameterlessConstructor,
}

/// <summary>
/// Members of the user's own for a fuzzed network class, and base classes for it. The names the generator must
/// refuse are written here from the documented API and the layer rows, not read from the generator's list.
/// </summary>
internal static class UserMembers
{
    /// <summary>Members every network has, whatever its rows.</summary>
    private static readonly string[] AlwaysGenerated =
        ["Predict", "InputSize", "OutputSize", "ParameterCount", "TrainStep", "Parameters", "Gradients", "Architecture", "Forward", "Backward", "_core", "_folded", "_dInput"];

    private static readonly string[] Harmless =
    [
        "/// <summary>A label.</summary>\n    public string Label { get; init; } = \"\";",
        "/// <summary>Doubles a value.</summary>\n    /// <param name=\"x\">A value.</param>\n    /// <returns>Twice it.</returns>\n    public int Twice(int x) => 2 * x;",
        "/// <summary>A nested helper.</summary>\n    public sealed class Helper { }",
        "/// <summary>Runs once.</summary>\n    static {Name}() { }",
        "private int _count = 1;\n    /// <summary>A count.</summary>\n    public int Count => _count;",
    ];

    /// <summary>One to three members that clash with nothing generated.</summary>
    public static void AddHarmless(DeclarationShape shape, RowGenerator rows)
    {
        foreach (string member in Harmless.Except(shape.Members).OrderBy(_ => rows.Random.Next()).Take(rows.Random.Next(1, 4)).ToList()) shape.Members.Add(member);
    }

    /// <summary>Harmless members, clashing ones or constructors, for chaotic declarations.</summary>
    public static void AddAny(DeclarationShape shape, RowGenerator rows)
    {
        if (rows.Chance(0.5)) AddHarmless(shape, rows);
        if (rows.Chance(0.4)) AddClash(shape, shape.Rows, rows);
        if (rows.Chance(0.3)) AddConstructor(shape, rows);
    }

    /// <summary>A member named like one the generator emits for this network; the name, or null when none could be added.</summary>
    public static string? AddClash(DeclarationShape shape, List<FuzzRow> layerRows, RowGenerator rows)
    {
        if (shape.Modifiers.Contains("static", StringComparison.Ordinal)) return null;
        var names = new List<string>(AlwaysGenerated);
        int dense = 0;
        foreach (FuzzRow row in layerRows.Where(r => r.Role == RowRole.Layer))
        {
            if (row.Kind == "Dense") dense++;
            // Dense rows only: their automatic names (Dense2) and fields (_dense2, _dDense2) need no acronym rules.
            string? name = row.Name ?? (row.Kind == "Dense" ? "Dense" + dense.ToString(CultureInfo.InvariantCulture) : null);
            if (name is null || name.Any(c => char.GetUnicodeCategory(c) == UnicodeCategory.Format)) continue;
            names.Add(name);
            names.Add("_" + char.ToLowerInvariant(name[0]) + name[1..]);
            names.Add("_d" + char.ToUpperInvariant(name[0]) + name[1..]);
        }
        string clash = rows.Pick([.. names]);
        // A member the class or its base already declares would make the user's own code warn (CS0108) or fail, whatever the generator does.
        if (clash == shape.PlainName || shape.TypeParameters.Contains(clash)
            || shape.Members.Concat(shape.Preamble).Any(m => m.Contains(" " + clash, StringComparison.Ordinal))) return null;
        int n = shape.Members.Count;
        shape.Members.Add(clash.StartsWith('_')
            ? $"private int {clash} = 1;\n    /// <summary>Uses the field.</summary>\n    public int Use{n} => {clash};"
            : rows.Random.Next(4) switch
            {
                0 => $"/// <summary>A clash.</summary>\n    public int {clash} => 1;",
                1 => $"/// <summary>A clash.</summary>\n    public void {clash}() {{ }}",
                2 => $"/// <summary>A clash.</summary>\n    public const int {clash} = 1;",
                _ => $"/// <summary>A clash.</summary>\n    public sealed class {clash} {{ }}",
            });
        return clash;
    }

    /// <summary>A constructor that does not call the generated one (or duplicates its signature); its parameters, or null.</summary>
    public static string? AddConstructor(DeclarationShape shape, RowGenerator rows)
    {
        if (shape.Modifiers.Contains("static", StringComparison.Ordinal) || shape.PrimaryParameter is not null) return null;
        (string parameters, string text) = rows.Random.Next(3) switch
        {
            0 => ("(string label)", "/// <summary>Made with a label.</summary>\n    /// <param name=\"label\">A label.</param>\n    public {Name}(string label) { _ = label; }"),
            1 => ("()", "/// <summary>Made.</summary>\n    public {Name}() { }"),
            _ => ("(int a, int b)", "/// <summary>Made from two numbers.</summary>\n    /// <param name=\"a\">One.</param>\n    /// <param name=\"b\">Two.</param>\n    public {Name}(int a, int b) { _ = a + b; }"),
        };
        if (shape.Members.Contains(text)) return null;
        shape.Members.Add(text);
        return parameters;
    }

    /// <summary>Members a base class may declare that the generated class also declares, by name.</summary>
    private static readonly (string Name, string Text)[] BaseClashes =
    [
        ("Predict", "    /// <summary>A clash.</summary>\n    public void Predict() { }\n"),
        ("_core", "    /// <summary>A clash.</summary>\n    protected int _core = 1;\n"),
        ("InputSize", "    /// <summary>A clash.</summary>\n    public int InputSize => 1;\n"),
        ("Architecture", "    /// <summary>A clash.</summary>\n    public static string Architecture => \"\";\n"),
    ];

    /// <summary>Declares a base class of <paramref name="kind"/> named <paramref name="name"/> before the network and derives the network from it, when the network can have one.</summary>
    public static bool AddBase(DeclarationShape shape, RowGenerator rows, BaseKind kind, string name)
    {
        if (shape.Keyword != "class" || shape.PrimaryParameter is not null || shape.Modifiers.Contains("static", StringComparison.Ordinal)) return false;
        // A base member the class itself declares too would make the user's own code warn (CS0108), whatever the generator does.
        string[] clashes = [.. BaseClashes.Where(c => !shape.Members.Any(m => m.Contains(" " + c.Name, StringComparison.Ordinal))).Select(c => c.Text)];
        if (kind == BaseKind.ClashingMember && clashes.Length == 0) return false;
        string body = kind switch
        {
            BaseKind.Harmless => rows.Chance(0.5)
                ? $"    /// <summary>Made by the derived class.</summary>\n    protected {name}() {{ }}\n\n    /// <summary>A helper.</summary>\n    /// <returns>One.</returns>\n    public int BaseHelper() => 1;\n"
                : $"    /// <summary>Made with an optional width.</summary>\n    /// <param name=\"width\">A width.</param>\n    public {name}(int width = 1) => Width = width;\n\n    /// <summary>The width.</summary>\n    public int Width {{ get; }}\n",
            BaseKind.ClashingMember => rows.Pick(clashes),
            _ => $"    /// <summary>Made with a width.</summary>\n    /// <param name=\"width\">A width.</param>\n    public {name}(int width) => _ = width;\n",
        };
        shape.Preamble.Add($"/// <summary>A base class.</summary>\npublic {(kind == BaseKind.Harmless && body.Contains("protected", StringComparison.Ordinal) ? "abstract " : "")}class {name}\n{{\n{body}}}\n");
        shape.BaseClass = name;
        return true;
    }
}
