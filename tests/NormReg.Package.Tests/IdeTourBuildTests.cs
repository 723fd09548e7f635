using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace NormReg.Package.Tests;

/// <summary>
/// samples/NormReg.IdeTour as its README describes it, built with the real <c>dotnet build</c> against the packed package:
/// exactly the NRG diagnostics its sources mark with <c>// expect:</c>, the generated files where the README says, and
/// the structural errors only with <c>-p:ShowErrors=true</c>.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class IdeTourBuildTests(PackedPackage package)
{
    private const string Sample = "samples/NormReg.IdeTour";

    /// <summary>Where the sample's project file puts the generated files, and the README sends the reader.</summary>
    private const string GeneratedFolder = "obj/Generated/NormReg.Generators/NormReg.Generators.NetworkGenerator";

    private const string ErrorsFolder = "Errors/";

    [Fact]
    public async Task Sample_builds_with_exactly_the_marked_warnings_writes_the_generated_files_under_obj_and_runs()
    {
        using var project = ConsumerProject.CopyOf(package, Sample);
        var expected = BuildDiagnostics.Marked(project.Directory, project.Sources().Where(f => !f.StartsWith(ErrorsFolder, StringComparison.Ordinal)));
        BuildDiagnostics.AssertCovers(BuildDiagnostics.Ids(100, 108), expected, Sample);

        var (exitCode, output) = await BuildDiagnostics.BuildAsync(project, package);
        var reported = BuildDiagnostics.Reported(project.Directory, output);

        Assert.True(exitCode == 0, $"The sample's build exited with {exitCode}; its warnings must not fail it:\n{output}");
        BuildDiagnostics.AssertSame(expected, reported, output);
        BuildDiagnostics.AssertDefaultSeverities(reported, output);
        BuildDiagnostics.AssertNoCompilerDiagnostics(output);

        // One file per network, warnings or not, in the folder the README names.
        string generated = Path.Combine(project.Directory, GeneratedFolder);
        string[] networks = ["MachineStateClassifier", "MisusedClassifier", "MisusedRegressor"];
        string[] files = Directory.Exists(generated) ? Directory.GetFiles(generated).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray() : [];
        Assert.Equal(networks.Select(n => $"IdeTour.{n}.g.cs"), files);
        Assert.Contains("partial class MachineStateClassifier", File.ReadAllText(Path.Combine(generated, "IdeTour.MachineStateClassifier.g.cs")), StringComparison.Ordinal);

        var (runExitCode, run) = await DotNetCli.RunAsync(project.Directory, "run", "--no-build", "-c", "Release", $"-p:NormRegVersion={package.Version}");
        Assert.True(runExitCode == 0, $"The sample exited with {runExitCode}:\n{run}");
        // It tells the reader where the files are, lists them, and trains the good network.
        Assert.Contains(Path.Combine(project.Directory, "obj", "Generated") + Path.DirectorySeparatorChar, run, StringComparison.Ordinal);
        Assert.All(files, file => Assert.Contains(file, run, StringComparison.Ordinal));
        var accuracy = Regex.Match(run, @"held-out accuracy (?<value>[\d.]+) %");
        Assert.True(accuracy.Success, $"The sample printed no held-out accuracy:\n{run}");
        Assert.True(double.Parse(accuracy.Groups["value"].Value, CultureInfo.InvariantCulture) >= 90, $"The well-declared network learned too little:\n{run}");
    }

    [Fact]
    public async Task Sample_with_ShowErrors_fails_with_exactly_the_marked_errors_and_warnings()
    {
        using var project = ConsumerProject.CopyOf(package, Sample);
        var expected = BuildDiagnostics.Marked(project.Directory, project.Sources());
        BuildDiagnostics.AssertCovers([.. BuildDiagnostics.Ids(1, 13), .. BuildDiagnostics.Ids(15, 17)], expected, Sample);

        var (exitCode, output) = await BuildDiagnostics.BuildAsync(project, package, "ShowErrors=true");
        var reported = BuildDiagnostics.Reported(project.Directory, output);

        Assert.True(exitCode != 0, $"The sample built with ShowErrors=true succeeded; its NRG errors must fail it:\n{output}");
        BuildDiagnostics.AssertSame(expected, reported, output);
        BuildDiagnostics.AssertDefaultSeverities(reported, output);
        BuildDiagnostics.AssertNoCompilerDiagnostics(output);
    }
}
