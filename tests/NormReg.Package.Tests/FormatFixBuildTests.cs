using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace NormReg.Package.Tests;

/// <summary>
/// Every code fix of the packed package applied the way a user applies them all at once: <c>dotnet format analyzers</c>
/// on Fixable/, a project that misuses each fixable rule in the layouts the fixes must keep compiling (rows under
/// #region and #if lines, rows sharing a line or a list, a network written as one attribute list, trailing comments, the
/// forward mode written in several ways). The result must build with no error, none of the fixed diagnostics, the other
/// diagnostics exactly where they were, and two runs from fresh copies must write the same bytes.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class FormatFixBuildTests(PackedPackage package, ITestOutputHelper log)
{
    private static readonly string[] FixedRules = ["NRG100", "NRG101", "NRG102", "NRG105"];

    [Fact]
    public async Task Dotnet_format_applies_every_fix_and_the_result_builds_with_no_new_diagnostics_deterministically()
    {
        var clock = Stopwatch.StartNew();
        using var original = ConsumerProject.Create(package, "Fixable", "Fixable.csproj.template");
        var (exitCode, output) = await BuildDiagnostics.BuildAsync(original, package);
        Assert.True(exitCode == 0, $"The unfixed project's build exited with {exitCode}; its warnings must not fail it:\n{output}");
        BuildDiagnostics.AssertNoCompilerDiagnostics(output);
        var before = BuildDiagnostics.Reported(original.Directory, output);
        var unfixed = FixedRules.Where(id => !before.Any(d => d.Id == id)).ToList();
        Assert.True(unfixed.Count == 0, $"Fixable/ must misuse every fixable rule, but the build reported no {string.Join(", ", unfixed)}:\n{output}");
        log.WriteLine($"unfixed build: {clock.Elapsed.TotalSeconds:0.0} s");

        using var first = await FormattedCopyAsync();
        log.WriteLine($"first dotnet format: {clock.Elapsed.TotalSeconds:0.0} s");
        using var second = await FormattedCopyAsync();
        log.WriteLine($"second dotnet format: {clock.Elapsed.TotalSeconds:0.0} s");

        // The fixes happened (so the comparisons below compare something), the same way twice.
        Assert.Contains(first.Sources(), file => File.ReadAllText(Path.Combine(first.Directory, file)) != File.ReadAllText(Path.Combine(first.TemplateDirectory, file)));
        var firstSources = first.Sources().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(firstSources, second.Sources().Order(StringComparer.Ordinal));
        var different = firstSources.Where(f => !File.ReadAllBytes(Path.Combine(first.Directory, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(second.Directory, f)))).ToList();
        Assert.True(different.Count == 0, $"Two dotnet format runs from fresh copies wrote different {string.Join(", ", different)}:\n{Dump(first, different)}\n--- second run ---\n{Dump(second, different)}");

        (exitCode, output) = await BuildDiagnostics.BuildAsync(first, package);
        log.WriteLine($"fixed build: {clock.Elapsed.TotalSeconds:0.0} s");
        var fixedSources = Dump(first, firstSources);
        Assert.True(exitCode == 0, $"The fixed project's build exited with {exitCode}:\n{output}\n{fixedSources}");
        BuildDiagnostics.AssertNoCompilerDiagnostics(output);
        var after = BuildDiagnostics.Reported(first.Directory, output);
        var left = after.Where(d => FixedRules.Contains(d.Id)).ToList();
        Assert.True(left.Count == 0, $"dotnet format left {string.Join("; ", left)}:\n{fixedSources}");

        // The diagnostics no fix repairs stay where they were; the fixes add none.
        var kept = before.Where(d => !FixedRules.Contains(d.Id)).Select(d => new MarkedDiagnostic(d.File, d.Line, d.Id)).ToList();
        Assert.NotEmpty(kept);
        BuildDiagnostics.AssertSame(kept, after, output + "\n" + fixedSources);
    }

    /// <summary>A fresh copy of Fixable/, restored against the packed package and fixed by <c>dotnet format analyzers</c>.</summary>
    private async Task<ConsumerProject> FormattedCopyAsync()
    {
        var project = ConsumerProject.Create(package, "Fixable", "Fixable.csproj.template");
        try
        {
            var (exitCode, output) = await DotNetCli.RunAsync(project.Directory, "restore", $"-p:NormRegVersion={package.Version}");
            Assert.True(exitCode == 0, $"dotnet restore exited with {exitCode}:\n{output}");
            (exitCode, output) = await DotNetCli.FormatAsync(
                project.Directory,
                new Dictionary<string, string> { ["NormRegVersion"] = package.Version },
                ["analyzers", "Fixable.csproj", "--diagnostics", .. FixedRules, "--severity", "info", "--no-restore", "--verbosity", "normal"]);
            // A fix that throws or offers nothing is only a warning of dotnet format; its exit code stays 0.
            Assert.True(exitCode == 0 && !output.Contains("warning", StringComparison.OrdinalIgnoreCase),
                $"dotnet format analyzers exited with {exitCode} or warned:\n{output}");
            return project;
        }
        catch
        {
            project.Dispose();
            throw;
        }
    }

    private static string Dump(ConsumerProject project, IEnumerable<string> files) =>
        string.Join("\n", files.Select(f => $"--- {f} ---\n{File.ReadAllText(Path.Combine(project.Directory, f))}"));
}
