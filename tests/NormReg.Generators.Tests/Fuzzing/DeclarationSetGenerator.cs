using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>
/// Builds sets of two to four declarations for one compilation, each valid or with mistakes, named and placed so
/// that what the generator derives from them meets: <c>Scorer&lt;T&gt;</c> beside <c>Scorer_1</c>, a nested
/// <c>Outer&lt;T&gt;.Net</c> beside <c>Outer_1.Net</c>, names differing in case, in accents or by invisible formatting
/// characters, a network deriving from another, and members and base classes of the user's own.
/// </summary>
internal static class DeclarationSetGenerator
{
    private delegate void Place(DeclarationShape shape, RowGenerator rows);

    public static readonly string[] Themes = ["arity", "nested", "case", "accents", "formatting", "base network", "members"];

    /// <summary>Set number <paramref name="index"/> of the run with <paramref name="seed"/>; the same pair gives the same sources.</summary>
    public static DeclarationSet Create(int seed, int index)
    {
        var random = new Random(unchecked(seed * 7919 + index * 104729));
        string theme = Themes[index % Themes.Length];
        List<(Place Place, bool? Valid, string? Mistake)> members = theme switch
        {
            "arity" => Shuffle(random, [Named("Scorer", "App", "T"), Named("Scorer_1", "App"), Named("Scorer", "App", "T", "U"), Named("Scorer_2", "App")], 2),
            "nested" => [(Nested("Outer", "T"), null, null), Named("Net", "App.Outer_1")],
            "case" => Shuffle(random, [Named("Net", "App"), Named("NET", "App"), Named("nEt", "App"), Named("Net", "APP"), Named("NeT", "App")], 2),
            "accents" => Shuffle(random, [Named("Caf\u00E9", "App"), Named("Cafe\u0301", "App"), Named("CAF\u00C9", "App"), Named("Cafe_", "App")], 2),
            "formatting" => Shuffle(random, [Named("Ne\u00ADt", "App"), Named("Ne_t", "App"), Named("Sco\u200Dre", "App.Other"), Named("Score", "App.Third"), Named("G\u200Cate", "App")], 2),
            "base network" => [(Named("Root", "App").Place, true, null), (Derived("Leaf", "Root"), false, "derives from network class Root")],
            _ => [.. Enumerable.Range(0, random.Next(2, 5)).Select(i => Named("Net", "App" + i.ToString(CultureInfo.InvariantCulture)))],
        };

        var sources = new List<string>();
        var built = new List<SetMember>();
        for (int i = 0; i < members.Count; i++)
        {
            (Place place, bool? valid, string? mistake) = members[i];
            bool mutated = valid is null ? random.NextDouble() < 0.4 : false;
            if (theme == "members") place = WithMembers(place);
            (DeclarationShape shape, Expectation expected, List<string> mistakes, List<string> files) =
                DeclarationGenerator.CreateMember(seed, 100_000 + index * 8 + i, mutated, (s, r) => place(s, r));
            if (mistake is not null)
            {
                mistakes.Add(mistake);
                expected = Expectation.Rejected;
            }
            built.Add(new SetMember(Plain(shape.Name), [.. Enumerable.Range(sources.Count, files.Count)], expected, mistakes));
            sources.AddRange(files);
        }
        return new DeclarationSet(index, theme, sources, built);
    }

    /// <summary>The name as the compiler sees it: C# ignores formatting characters in identifiers.</summary>
    public static string Plain(string name) =>
        new([.. name.TrimStart('@').Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format)]);

    private static List<(Place, bool?, string?)> Shuffle(Random random, (Place, bool?, string?)[] options, int least) =>
        [.. options.OrderBy(_ => random.Next()).Take(random.Next(least, options.Length + 1))];

    private static (Place Place, bool? Valid, string? Mistake) Named(string name, string ns, params string[] typeParameters) => ((shape, _) =>
    {
        shape.Name = name;
        shape.PlainName = Plain(name);
        shape.NamespaceName = ns;
        shape.TypeParameters.AddRange(typeParameters);
        // A base class must be visible wherever its derived class is, and not sealed.
        if (name == "Root") shape.Modifiers = "public ";
    }, null, null);

    /// <summary>A class <c>Net</c> nested in <c>{outer}</c> (generic in <paramref name="typeParameter"/> when given) in namespace App.</summary>
    private static Place Nested(string outer, string? typeParameter) => (shape, _) =>
    {
        shape.Name = shape.PlainName = "Net";
        shape.NamespaceName = "App";
        List<string> parameters = typeParameter is null ? [] : [typeParameter];
        shape.Containers.Add(new Container($"public partial class {outer}{(typeParameter is null ? "" : "<" + typeParameter + ">")}", parameters, IsPartial: true));
        shape.Modifiers = "public ";
    };

    /// <summary>A public class deriving from the network class <paramref name="baseName"/> of the same namespace.</summary>
    private static Place Derived(string name, string baseName) => (shape, _) =>
    {
        shape.Name = shape.PlainName = name;
        shape.NamespaceName = "App";
        shape.Modifiers = "public ";
        shape.Keyword = "class";
        shape.BaseClass = baseName;
        // Its own members would hide the base network's ones of the same name (CS0108).
        shape.Members.Clear();
    };

    private static Place WithMembers(Place place) => (shape, rows) =>
    {
        place(shape, rows);
        UserMembers.AddHarmless(shape, rows);
        if (rows.Chance(0.5)) UserMembers.AddBase(shape, rows, BaseKind.Harmless, "NetBase" + shape.NamespaceName.Replace(".", "", StringComparison.Ordinal));
    };
}
