using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>The pipeline caches: an edit that does not touch a network re-runs no plan or emit step.</summary>
public sealed class IncrementalTests
{
    private const string Network = """
        using NormReg;
        namespace App;
        [Network]
        [Input(2)]
        [Dense(8)]
        [ReLU]
        [Dense(3)]
        public partial class Net;
        """;

    private const string Other = """
        namespace App;
        public static class Helpers { public static int Twice(int x) => 2 * x; }
        """;

    [Fact]
    public void Editing_an_unrelated_file_leaves_plan_and_emit_cached()
    {
        GeneratorRunResult second = RunTwice(tree => tree.FilePath == "File1.cs"
            ? CSharpSyntaxTree.ParseText(Other.Replace("2 * x", "x + x"), GeneratorHarness.ParseOptions, tree.FilePath)
            : tree);

        foreach (string step in new[] { NetworkGenerator.Steps.Plan, NetworkGenerator.Steps.Emit })
        {
            Assert.All(
                second.TrackedSteps[step].SelectMany(s => s.Outputs),
                output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {output.Reason}"));
        }
    }

    [Fact]
    public void Editing_the_network_re_emits_it()
    {
        GeneratorRunResult second = RunTwice(tree => tree.FilePath == "File0.cs"
            ? CSharpSyntaxTree.ParseText(Network.Replace("[Dense(8)]", "[Dense(9)]"), GeneratorHarness.ParseOptions, tree.FilePath)
            : tree);

        Assert.Equal(IncrementalStepRunReason.Modified, second.TrackedSteps[NetworkGenerator.Steps.Emit].Single().Outputs.Single().Reason);
    }

    private static GeneratorRunResult RunTwice(System.Func<SyntaxTree, SyntaxTree> edit)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Network, Other);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        CSharpCompilation edited = compilation;
        foreach (SyntaxTree tree in compilation.SyntaxTrees) edited = edited.ReplaceSyntaxTree(tree, edit(tree));
        return driver.RunGenerators(edited).GetRunResult().Results.Single();
    }
}
