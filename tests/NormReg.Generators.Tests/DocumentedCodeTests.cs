using System.IO;
using System.Linq;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// The generated code the documentation quotes is the code the generator writes: every line of a C# block that quotes generated
/// code in docs/generated-code.md and in the README's tour (a line ending in <c>…);</c> up to the ellipsis; <c>...</c> elides lines)
/// appears in one of the snapshots, so a change to the emitter that the docs did not follow fails here.
/// </summary>
public sealed class DocumentedCodeTests
{
    [Theory]
    [InlineData("docs", "generated-code.md")]
    [InlineData("README.md")]
    public void Every_quoted_generated_line_is_in_a_snapshot(params string[] path)
    {
        string snapshots = string.Concat(Directory.GetFiles(Repository.Path("tests", "NormReg.Generators.Tests", "Snapshots"), "*.verified.cs")
            .Select(File.ReadAllText)).Replace("\r\n", "\n");
        string[] quoted = [.. CSharpBlocks(File.ReadAllText(Repository.Path(path)))
            .Select(l => l.Trim())
            .Where(l => l.Length > 1 && l != "..." && l != "// ..." && !l.StartsWith("///"))
            .Select(l => l.EndsWith("…);") ? l[..l.IndexOf('…')] : l)];

        Assert.NotEmpty(quoted);
        string[] missing = [.. quoted.Where(l => !snapshots.Contains(l))];
        Assert.True(missing.Length == 0, "Quoted but not generated:\n" + string.Join("\n", missing));
    }

    /// <summary>The lines of the C# blocks that quote generated code (those with a <c>global::</c> name).</summary>
    private static string[] CSharpBlocks(string markdown)
    {
        string[] parts = markdown.Replace("\r\n", "\n").Split("```");
        // Odd parts are inside fences; a C# block's fence reads ```csharp.
        return [.. parts.Where((_, i) => i % 2 == 1).Where(b => b.StartsWith("csharp\n") && b.Contains("global::")).SelectMany(b => b.Split('\n').Skip(1))];
    }
}
