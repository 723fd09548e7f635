using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace NormReg.Package.Tests;

/// <summary>
/// Every NormReg.Gen diagnostic as a user sees it: two projects that misuse the package on purpose, built with the
/// real <c>dotnet build</c> against the packed package. The diagnostics each line must get are written by hand in the
/// template sources, as a trailing <c>// expect: NRGxxx</c> comment (several IDs separated by spaces, an ID twice for
/// two reports on the line); the build must report exactly those, no more and no fewer, and nothing from the compiler.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class MisuseBuildTests(PackedPackage package)
{
    private static readonly string[] WarningRules = BuildDiagnostics.Ids(100, 109);
    private static readonly string[] StructuralRules = BuildDiagnostics.Ids(1, 14);

    [Fact]
    public async Task Misuse_builds_with_exactly_the_marked_warnings()
    {
        using var project = ConsumerProject.Create(package, "Misuse", "Misuse.csproj.template");
        var expected = Expected(project.TemplateDirectory);
        BuildDiagnostics.AssertCovers(WarningRules, expected, "Misuse");

        var (exitCode, output) = await BuildDiagnostics.BuildAsync(project, package);
        var reported = BuildDiagnostics.Reported(project.Directory, output);

        Assert.True(exitCode == 0, $"The misuse build exited with {exitCode}; its warnings must not fail it:\n{output}");
        BuildDiagnostics.AssertSame(expected, reported, output);
        BuildDiagnostics.AssertDefaultSeverities(reported, output);
        // NRG100 has two triggers; the misuse project must show both to the user, each once.
        var reasons = reported.Where(d => d.Id == "NRG100").Select(d => d.Message).ToList();
        Assert.True(
            reasons.Count(m => m.Contains("and its outputs are used with no Backward after it", StringComparison.Ordinal)) == 1 &&
            reasons.Count(m => m.Contains("a method that evaluates, predicts or tests", StringComparison.Ordinal)) == 1,
            $"Expected NRG100 once for outputs used without Backward and once inside an evaluation method:\n{string.Join('\n', reasons)}");
        BuildDiagnostics.AssertNoCompilerDiagnostics(output);
    }

    [Fact]
    public async Task Broken_build_fails_with_exactly_the_marked_errors()
    {
        using var project = ConsumerProject.Create(package, Path.Combine("Misuse", "Broken"), "Broken.csproj.template");
        var expected = Expected(project.TemplateDirectory);
        BuildDiagnostics.AssertCovers(StructuralRules, expected, "Misuse/Broken");

        var (exitCode, output) = await BuildDiagnostics.BuildAsync(project, package);
        var reported = BuildDiagnostics.Reported(project.Directory, output);

        Assert.True(exitCode != 0, $"The broken build succeeded; its NRG errors must fail it:\n{output}");
        BuildDiagnostics.AssertSame(expected, reported, output);
        BuildDiagnostics.AssertDefaultSeverities(reported, output);
        // Nothing but NormReg's own errors: the generator must not leave the compiler anything else to complain about.
        BuildDiagnostics.AssertNoCompilerDiagnostics(output);
    }

    /// <summary>The markers in the template's own sources, which the project holds under the same names.</summary>
    private static List<MarkedDiagnostic> Expected(string templateDirectory) =>
        BuildDiagnostics.Marked(templateDirectory, Directory.GetFiles(templateDirectory, "*.cs").Select(f => Path.GetFileName(f)));
}
