using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// The generated source of every test network, compared with its checked-in snapshot, and compiled
/// with every warning on (nullable, documentation, all warning waves): zero diagnostics allowed.
/// </summary>
public sealed class SnapshotTests
{
    public static TheoryData<string> Declarations => new(DeclarationPaths());

    internal static IEnumerable<string> DeclarationPaths() =>
        Directory.GetFiles(Repository.Path("tests", "NormReg.Tests", "Networks"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Repository.Path("tests", "NormReg.Generators.Tests", "Declarations"), "*.cs"))
            .Select(path => Path.GetRelativePath(Repository.Root, path).Replace('\\', '/'))
            .Order();

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Generated_source_matches_snapshot_and_compiles_without_diagnostics(string declaration)
    {
        string source = File.ReadAllText(Path.Combine(Repository.Root, declaration));

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));

        Assert.Empty(result.Diagnostics);
        GeneratedSourceResult generated = Assert.Single(result.GeneratedSources);
        Snapshot.Match(Path.GetFileNameWithoutExtension(generated.HintName).Replace(".g", ""), generated.SourceText.ToString());
        string[] diagnostics = GeneratorHarness.Visible(output).Select(d => d.ToString()).ToArray();
        Assert.True(diagnostics.Length == 0, string.Join("\n", diagnostics));
    }

    [Fact]
    public void Every_snapshot_belongs_to_a_declaration()
    {
        var expected = new HashSet<string>();
        foreach (string declaration in DeclarationPaths())
        {
            string source = File.ReadAllText(Path.Combine(Repository.Root, declaration));
            (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
            expected.UnionWith(result.GeneratedSources.Select(s => s.HintName.Replace(".g.cs", ".verified.cs")));
        }
        IEnumerable<string> snapshots = Directory.GetFiles(Repository.Path("tests", "NormReg.Generators.Tests", "Snapshots"), "*.verified.cs").Select(Path.GetFileName)!;

        Assert.Equal(expected.Order(), snapshots.Order());
    }
}
