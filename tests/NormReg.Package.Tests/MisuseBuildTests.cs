using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace NormReg.Package.Tests;

/// <summary>
/// Every NormReg.Gen diagnostic as a user sees it: two projects that misuse the package on purpose, built with the
/// real <c>dotnet build</c> against the packed package. The diagnostics each line must get are written by hand in the
/// template sources, as a trailing <c>// expect: NRGxxx</c> comment (several IDs separated by spaces, an ID twice for
/// two reports on the line); the build must report exactly those, no more and no fewer, and nothing from the compiler.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed partial class MisuseBuildTests(PackedPackage package)
{
    private static readonly string[] WarningRules = Ids(100, 108);
    private static readonly string[] StructuralRules = Ids(1, 13);

    [Fact]
    public async Task Misuse_builds_with_exactly_the_marked_warnings()
    {
        using var project = ConsumerProject.Create(package, "Misuse", "Misuse.csproj.template");
        var expected = ExpectedDiagnostics(project.TemplateDirectory);
        AssertCovers(WarningRules, expected, "Misuse");

        var (exitCode, output) = await BuildAsync(project);
        var reported = ReportedDiagnostics(project.Directory, output);

        Assert.True(exitCode == 0, $"The misuse build exited with {exitCode}; its warnings must not fail it:\n{output}");
        AssertSame(expected, reported, output);
        AssertAll(reported, "warning", output);
        // NRG100 has two triggers; the misuse project must show both to the user, each once.
        var reasons = reported.Where(d => d.Id == "NRG100").Select(d => d.Message).ToList();
        Assert.True(
            reasons.Count(m => m.Contains("and its outputs are used with no Backward after it", StringComparison.Ordinal)) == 1 &&
            reasons.Count(m => m.Contains("a method that evaluates, predicts or tests", StringComparison.Ordinal)) == 1,
            $"Expected NRG100 once for outputs used without Backward and once inside an evaluation method:\n{string.Join('\n', reasons)}");
        AssertNoCompilerDiagnostics(output);
    }

    [Fact]
    public async Task Broken_build_fails_with_exactly_the_marked_errors()
    {
        using var project = ConsumerProject.Create(package, Path.Combine("Misuse", "Broken"), "Broken.csproj.template");
        var expected = ExpectedDiagnostics(project.TemplateDirectory);
        AssertCovers(StructuralRules, expected, "Misuse/Broken");

        var (exitCode, output) = await BuildAsync(project);
        var reported = ReportedDiagnostics(project.Directory, output);

        Assert.True(exitCode != 0, $"The broken build succeeded; its NRG errors must fail it:\n{output}");
        AssertSame(expected, reported, output);
        AssertAll(reported, "error", output);
        // Nothing but NormReg's own errors: the generator must not leave the compiler anything else to complain about.
        AssertNoCompilerDiagnostics(output);
    }

    /// <summary>A diagnostic at a line of a source file of the project (path relative to the project, with '/').</summary>
    private sealed record Diagnostic(string File, int Line, string Id)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}({Line}): {Id}");
    }

    /// <summary>A diagnostic the build printed, with the column and severity that tell its duplicates apart from other reports.</summary>
    private sealed record Reported(string File, int Line, int Column, string Severity, string Id, string Message);

    /// <summary>The diagnostics marked in the template's sources: one per ID in each trailing <c>// expect:</c> comment.</summary>
    private static List<Diagnostic> ExpectedDiagnostics(string templateDirectory)
    {
        var expected = new List<Diagnostic>();
        foreach (var path in Directory.GetFiles(templateDirectory, "*.cs").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                var marker = ExpectMarker().Match(lines[i]);
                if (!marker.Success)
                {
                    // A misspelled marker would silently expect nothing.
                    Assert.False(AlmostAMarker().IsMatch(lines[i]),
                        $"{Path.GetFileName(path)}({i + 1}) is not a trailing '// expect: NRGxxx [NRGyyy …]' marker: {lines[i]}");
                    continue;
                }
                foreach (var id in marker.Groups["ids"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    expected.Add(new Diagnostic(Path.GetFileName(path), i + 1, id));
                }
            }
        }
        return expected;
    }

    /// <summary>
    /// The NRG diagnostics in MSBuild's <c>path(line,col): warning|error NRGxxx: message</c> lines, each once: the
    /// console logger prints every diagnostic where it happens and again in the summary.
    /// </summary>
    private static List<Reported> ReportedDiagnostics(string projectDirectory, string output) =>
        MsBuildDiagnostic().Matches(output)
            .Where(m => m.Groups["id"].Value.StartsWith("NRG", StringComparison.Ordinal))
            .Select(m => new Reported(
                Relative(projectDirectory, m.Groups["path"].Value.Trim()),
                int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["column"].Value, CultureInfo.InvariantCulture),
                m.Groups["severity"].Value,
                m.Groups["id"].Value,
                m.Groups["message"].Value.Trim()))
            .DistinctBy(d => (d.File, d.Line, d.Column, d.Severity, d.Id))
            .ToList();

    private static string Relative(string projectDirectory, string path) =>
        Path.IsPathRooted(path) ? Path.GetRelativePath(projectDirectory, path).Replace('\\', '/') : path;

    private Task<(int ExitCode, string Output)> BuildAsync(ConsumerProject project) =>
        // The classic console logger (-tl:off) prints one diagnostic per line, whatever the terminal.
        DotNetCli.RunAsync(project.Directory, "build", "-c", "Release", "-tl:off", $"-p:NormRegVersion={package.Version}");

    /// <summary>The marked and the reported (file, line, ID), compared as multisets; on failure both sets, the difference and the build output.</summary>
    private static void AssertSame(List<Diagnostic> expected, List<Reported> reported, string output)
    {
        var actual = reported.Select(d => new Diagnostic(d.File, d.Line, d.Id)).ToList();
        var missing = Minus(expected, actual);
        var extra = Minus(actual, expected);
        Assert.True(missing.Count == 0 && extra.Count == 0, $"""
            The build's NRG diagnostics differ from the '// expect:' markers.
            Missing ({missing.Count}): {Join(missing)}
            Unexpected ({extra.Count}): {Join(extra)}
            Expected ({expected.Count}): {Join(expected)}
            Reported ({actual.Count}): {Join(actual)}
            Build output:
            {output}
            """);
    }

    private static void AssertAll(List<Reported> reported, string severity, string output)
    {
        var other = reported.Where(d => d.Severity != severity).ToList();
        Assert.True(other.Count == 0, $"Expected every NRG diagnostic as {severity}, but: {string.Join("; ", other)}\n{output}");
    }

    private static void AssertCovers(string[] rules, List<Diagnostic> expected, string template)
    {
        var uncovered = rules.Except(expected.Select(d => d.Id)).ToList();
        Assert.True(uncovered.Count == 0, $"{template} marks no line for {string.Join(", ", uncovered)}; every rule must appear at least once.");
    }

    private static void AssertNoCompilerDiagnostics(string output)
    {
        var compiler = CompilerDiagnostic().Matches(output).Select(m => m.Value.Trim()).Distinct().ToList();
        Assert.True(compiler.Count == 0, $"Apart from NRG, the sources must be clean C#; the compiler reported:\n{string.Join('\n', compiler)}");
    }

    private static List<Diagnostic> Minus(List<Diagnostic> from, List<Diagnostic> remove)
    {
        var left = from.ToList();
        foreach (var diagnostic in remove)
        {
            left.Remove(diagnostic);
        }
        return left;
    }

    private static string Join(IEnumerable<Diagnostic> diagnostics) =>
        "\n  " + string.Join("\n  ", diagnostics.OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Id, StringComparer.Ordinal));

    private static string[] Ids(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(n => string.Create(CultureInfo.InvariantCulture, $"NRG{n:000}")).ToArray();

    /// <summary>A trailing <c>// expect: NRG101</c> or <c>// expect: NRG101 NRG102</c>.</summary>
    [GeneratedRegex(@"//\s*expect:\s*(?<ids>NRG\d{3}(?:\s+NRG\d{3})*)\s*$")]
    private static partial Regex ExpectMarker();

    /// <summary>Anything that looks like an attempt at a marker (<c>// Expect NRG101</c>, <c>// expect: NRG10</c>, …).</summary>
    [GeneratedRegex(@"//\s*expect", RegexOptions.IgnoreCase)]
    private static partial Regex AlmostAMarker();

    /// <summary>A C# compiler warning or error, with or without a source location (<c>CSC : error CS5001: …</c>).</summary>
    [GeneratedRegex(@"^.*: (?:warning|error) CS\d+:.*$", RegexOptions.Multiline)]
    private static partial Regex CompilerDiagnostic();

    /// <summary>MSBuild's canonical error format: <c>path(line,col[,endLine,endCol]): warning|error ID: message [project]</c>.</summary>
    [GeneratedRegex(@"^\s*(?<path>[^\r\n]+?)\((?<line>\d+),(?<column>\d+)(?:,\d+,\d+)?\): (?<severity>warning|error) (?<id>[A-Z]+\d+): (?<message>[^\r\n]*)$", RegexOptions.Multiline)]
    private static partial Regex MsBuildDiagnostic();
}
