using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using NormReg.Generators.Emitting;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// Networks whose readable hint names would collide all generate, in one compilation, under names that differ even
/// to a case-insensitive, normalizing file system; and none of them takes another down.
/// </summary>
public sealed class HintNameTests
{
    private const string Rows = "[Network] [Input(2)] [Dense(3)] ";
    private const string Long = "AVeryLongNetworkNameThatGoesOnAndOnPastWhatAFileSystemPathShouldHoldForOneGeneratedFileInAnObjFolderOfAProjectDeepInATree";

    [Theory]
    [InlineData("GenericArity", "namespace App { " + Rows + "public partial class Scorer<T>; " + Rows + "public partial class Scorer_1; }")]
    [InlineData("NestedGenericArity", "namespace App { public partial class Holder<T> { " + Rows + "public partial class Scorer; } public partial class Holder_1 { " + Rows + "public partial class Scorer; } }")]
    [InlineData("NestedVersusDotted", "namespace App { public partial class Outer<T> { " + Rows + "public partial class Net; } } namespace App.Outer_1 { " + Rows + "public partial class Net; }")]
    [InlineData("CaseOnly", "namespace App { " + Rows + "public partial class Net; " + Rows + "public partial class NET; " + Rows + "public partial class nEt; }")]
    [InlineData("NamespaceCaseOnly", "namespace App { " + Rows + "public partial class Net; } namespace APP { " + Rows + "public partial class Net; }")]
    [InlineData("AccentOnly", "namespace App { " + Rows + "public partial class Cafe\u0301; " + Rows + "public partial class Cafe_; " + Rows + "public partial class Caf\u00E9; " + Rows + "public partial class CAF\u00C9; }")]
    [InlineData("FormattingCharacter", "namespace App { " + Rows + "public partial class Ne\u00ADt2; " + Rows + "public partial class Ne_t2; }")]
    [InlineData("KeywordNamespace", "namespace @class { " + Rows + "public partial class Net; } namespace _class { " + Rows + "public partial class Net; }")]
    [InlineData("LongNames", "namespace App { " + Rows + "public partial class " + Long + "A; " + Rows + "public partial class " + Long + "B; " + Rows + "public partial class " + Long + "b; }")]
    [InlineData("GlobalAndNamespace", Rows + "public partial class Net; namespace Net2 { " + Rows + "public partial class Net; }")]
    public void Colliding_names_all_generate_and_compile(string name, string source)
    {
        string code = "using NormReg;\n#pragma warning disable CS8981\n" + source;
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(code));

        int networks = code.Split("[Network]").Length - 1;
        Assert.Equal(networks, result.GeneratedSources.Length);
        Assert.Empty(result.Diagnostics.Select(d => $"{name}: {d}"));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591").Select(d => $"{name}: {d}"));
        string[] keys = [.. result.GeneratedSources.Select(s => FileSystemKey(s.HintName))];
        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(result.GeneratedSources, s => Assert.True(s.HintName.Length <= HintNames.MaxLength + ".99.g.cs".Length, s.HintName));
        // Every network got its members: none was lost to another's file.
        foreach (INamedTypeSymbol type in Networks(output)) Assert.False(type.GetMembers("Predict").IsEmpty, $"{name}: {type} has no Predict");
    }

    [Fact]
    public void Names_are_independent_of_declaration_order()
    {
        string a = "using NormReg;\nnamespace App { " + Rows + "public partial class Net; }", b = "using NormReg;\nnamespace App { " + Rows + "public partial class NET; }";

        var forward = GeneratorHarness.Run(GeneratorHarness.Compile(a, b)).Result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var backward = GeneratorHarness.Run(GeneratorHarness.Compile(b, a)).Result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

        Assert.Equal(forward.OrderBy(p => p.Key), backward.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_unique_name_is_kept_as_it_is()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile("using NormReg;\nnamespace App.Models;\n" + Rows + "public partial class Net;"));

        Assert.Equal("App.Models.Net.g.cs", result.GeneratedSources.Single().HintName);
    }

    [Fact]
    public void Any_set_of_colliding_names_gets_distinct_names_of_bounded_length()
    {
        var random = new Random(17);
        string[] pieces = ["Net", "NET", "net", "N\u00C9T", "Ne\u0301t", "Net_1", "Net.2", "Net.g", new string('x', 200), new string('X', 200) + "y"];
        for (int round = 0; round < 200; round++)
        {
            GeneratedSource[] sources = [.. Enumerable.Range(0, random.Next(1, 8)).Select(i => new GeneratedSource(pieces[random.Next(pieces.Length)] + ".g.cs", "text " + i.ToString(CultureInfo.InvariantCulture)))];

            string[] names = [.. HintNames.Assign(sources, s => s).Select(p => p.HintName)];

            Assert.Equal(sources.Length, names.Length);
            Assert.Equal(names.Length, names.Select(FileSystemKey).Distinct(StringComparer.Ordinal).Count());
            Assert.All(names, n => Assert.True(n.Length <= HintNames.MaxLength + ".999.g.cs".Length && n.EndsWith(".g.cs", StringComparison.Ordinal), n));
        }
    }

    /// <summary>How a case-insensitive file system that normalizes Unicode (macOS) compares names; written here apart from the generator's.</summary>
    private static string FileSystemKey(string name) =>
        new string([.. name.Normalize(NormalizationForm.FormD).Where(c => CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.Format))]).ToUpperInvariant();

    private static IEnumerable<INamedTypeSymbol> Networks(Compilation compilation) =>
        compilation.SyntaxTrees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>()
            .Where(c => c.AttributeLists.Count > 0)
            .Select(c => (INamedTypeSymbol)compilation.GetSemanticModel(t).GetDeclaredSymbol(c)!))
            .Where(s => s.GetAttributes().Any(a => a.AttributeClass?.Name == "NetworkAttribute"));
}
