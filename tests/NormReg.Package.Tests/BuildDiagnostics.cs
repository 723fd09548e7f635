using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace NormReg.Package.Tests;

/// <summary>A diagnostic at a line of a source file of a project (path relative to the project, with '/').</summary>
internal sealed record MarkedDiagnostic(string File, int Line, string Id)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}({Line}): {Id}");
}

/// <summary>A diagnostic a build printed, with the column and severity that tell its duplicates apart from other reports.</summary>
internal sealed record ReportedDiagnostic(string File, int Line, int Column, string Severity, string Id, string Message);

/// <summary>
/// Builds a user's project with the real <c>dotnet build</c> and compares the NRG diagnostics it prints with the ones its
/// sources mark by hand: a trailing <c>// expect: NRGxxx</c> comment (several IDs separated by spaces, an ID twice for two
/// reports on the line), optionally followed by <c> — </c> and an explanation.
/// </summary>
internal static partial class BuildDiagnostics
{
    public static string[] Ids(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(n => string.Create(CultureInfo.InvariantCulture, $"NRG{n:000}")).ToArray();

    /// <summary>Builds <paramref name="project"/> in Release against the packed package, with extra <c>-p:</c> properties.</summary>
    public static Task<(int ExitCode, string Output)> BuildAsync(ConsumerProject project, PackedPackage package, params string[] properties) =>
        // The classic console logger (-tl:off) prints one diagnostic per line, whatever the terminal.
        DotNetCli.RunAsync(project.Directory, ["build", "-c", "Release", "-tl:off", $"-p:NormRegVersion={package.Version}", .. properties.Select(p => "-p:" + p)]);

    /// <summary>The diagnostics marked in <paramref name="files"/> (relative to <paramref name="root"/>): one per ID in each marker.</summary>
    public static List<MarkedDiagnostic> Marked(string root, IEnumerable<string> files)
    {
        var expected = new List<MarkedDiagnostic>();
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(Path.Combine(root, file));
            for (int i = 0; i < lines.Length; i++)
            {
                var marker = ExpectMarker().Match(lines[i]);
                if (!marker.Success)
                {
                    // A misspelled marker would silently expect nothing.
                    Assert.False(AlmostAMarker().IsMatch(lines[i]),
                        $"{file}({i + 1}) is not a trailing '// expect: NRGxxx [NRGyyy …] [— why]' marker: {lines[i]}");
                    continue;
                }
                foreach (var id in marker.Groups["ids"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    expected.Add(new MarkedDiagnostic(file.Replace('\\', '/'), i + 1, id));
                }
            }
        }
        return expected;
    }

    /// <summary>
    /// The NRG diagnostics in MSBuild's <c>path(line,col): warning|error NRGxxx: message</c> lines, each once: the
    /// console logger prints every diagnostic where it happens and again in the summary.
    /// </summary>
    public static List<ReportedDiagnostic> Reported(string projectDirectory, string output) =>
        MsBuildDiagnostic().Matches(output)
            .Where(m => m.Groups["id"].Value.StartsWith("NRG", StringComparison.Ordinal))
            .Select(m => new ReportedDiagnostic(
                Relative(projectDirectory, m.Groups["path"].Value.Trim()),
                int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["column"].Value, CultureInfo.InvariantCulture),
                m.Groups["severity"].Value,
                m.Groups["id"].Value,
                m.Groups["message"].Value.Trim()))
            .DistinctBy(d => (d.File, d.Line, d.Column, d.Severity, d.Id))
            .ToList();

    /// <summary>The marked and the reported (file, line, ID), compared as multisets; on failure both sets, the difference and the build output.</summary>
    public static void AssertSame(List<MarkedDiagnostic> expected, List<ReportedDiagnostic> reported, string output)
    {
        var actual = reported.Select(d => new MarkedDiagnostic(d.File, d.Line, d.Id)).ToList();
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

    /// <summary>Errors for NRG0xx, warnings for NRG1xx: the severities the catalog gives.</summary>
    public static void AssertDefaultSeverities(List<ReportedDiagnostic> reported, string output)
    {
        var other = reported.Where(d => d.Severity != (d.Id.StartsWith("NRG0", StringComparison.Ordinal) ? "error" : "warning")).ToList();
        Assert.True(other.Count == 0, $"Expected NRG0xx as errors and NRG1xx as warnings, but: {string.Join("; ", other)}\n{output}");
    }

    public static void AssertCovers(string[] rules, List<MarkedDiagnostic> expected, string project)
    {
        var uncovered = rules.Except(expected.Select(d => d.Id)).ToList();
        Assert.True(uncovered.Count == 0, $"{project} marks no line for {string.Join(", ", uncovered)}; every rule must appear at least once.");
    }

    /// <summary>Apart from NRG, the sources must be clean C#: no compiler warning or error.</summary>
    public static void AssertNoCompilerDiagnostics(string output)
    {
        var compiler = CompilerDiagnostic().Matches(output).Select(m => m.Value.Trim()).Distinct().ToList();
        Assert.True(compiler.Count == 0, $"Apart from NRG, the sources must be clean C#; the compiler reported:\n{string.Join('\n', compiler)}");
    }

    private static string Relative(string projectDirectory, string path) =>
        Path.IsPathRooted(path) ? Path.GetRelativePath(projectDirectory, path).Replace('\\', '/') : path;

    private static List<MarkedDiagnostic> Minus(List<MarkedDiagnostic> from, List<MarkedDiagnostic> remove)
    {
        var left = from.ToList();
        foreach (var diagnostic in remove)
        {
            left.Remove(diagnostic);
        }
        return left;
    }

    private static string Join(IEnumerable<MarkedDiagnostic> diagnostics) =>
        "\n  " + string.Join("\n  ", diagnostics.OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Id, StringComparer.Ordinal));

    /// <summary>A trailing <c>// expect: NRG101</c> or <c>// expect: NRG101 NRG102</c>, optionally followed by <c> — why</c>.</summary>
    [GeneratedRegex(@"//\s*expect:\s*(?<ids>NRG\d{3}(?:\s+NRG\d{3})*)(?:\s+—\s.*|\s*)$")]
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
