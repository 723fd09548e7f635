using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace NormReg.Package.Tests;

/// <summary>The README's quickstart, followed as a newcomer would: a new console project, the package, the README's Program.cs verbatim.</summary>
[Collection(PackageCollection.Name)]
public sealed class QuickstartTests(PackedPackage package)
{
    [Fact]
    public async Task The_readme_quickstart_builds_against_the_package_runs_and_learns()
    {
        string program = QuickstartProgram(File.ReadAllText(Path.Combine(package.RepoRoot, "README.md")));
        using var workspace = ConsumerProject.Empty(package);
        string project = Path.Combine(workspace.Directory, "Ring");

        await Succeed(workspace.Directory, "new", "console", "-n", "Ring", "-o", project);
        await Succeed(project, "add", "package", "NormReg.Gen", "--version", package.Version);
        File.WriteAllText(Path.Combine(project, "Program.cs"), program);
        string output = await Succeed(project, "run", "-c", "Release");

        double accuracy = double.Parse(Match(output, @"test accuracy ([0-9.]+)"), CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.9, $"The quickstart's test accuracy {accuracy} is below 0.9:\n{output}");
        double probability = double.Parse(Match(output, @"inside with probability ([0-9.]+)"), CultureInfo.InvariantCulture);
        Assert.InRange(probability, 0, 1);
        Assert.Contains("Network \"RingClassifier\", loss SoftmaxCrossEntropy", output, StringComparison.Ordinal);
        Assert.Contains("saved ring.nrg and ring.onnx", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(project, "ring.nrg")).Length > 0 && new FileInfo(Path.Combine(project, "ring.onnx")).Length > 0);
    }

    /// <summary>The first C# block of the README's Quickstart section, as written.</summary>
    internal static string QuickstartProgram(string readme)
    {
        int section = readme.IndexOf("\n## Quickstart", StringComparison.Ordinal);
        Assert.True(section >= 0, "The README has no Quickstart section.");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    private static async Task<string> Succeed(string directory, params string[] arguments)
    {
        var (exitCode, output) = await DotNetCli.RunAsync(directory, arguments);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {exitCode}:\n{output}");
        return output;
    }

    private static string Match(string output, string pattern)
    {
        var match = Regex.Match(output, pattern);
        Assert.True(match.Success, $"The quickstart printed nothing matching '{pattern}':\n{output}");
        return match.Groups[1].Value;
    }
}
