using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace NormReg.Package.Tests;

/// <summary>
/// samples/NormReg.CsvSample, built against the packed package and run: it reads iris.csv through CsvHelper, trains, and
/// scores the 30 held-out rows.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class CsvSampleTests(PackedPackage package)
{
    [Fact]
    public async Task Sample_reads_the_CSV_file_trains_and_scores_the_held_out_rows()
    {
        using var project = ConsumerProject.CopyOf(package, "samples/NormReg.CsvSample");

        var (exitCode, output) = await BuildDiagnostics.BuildAsync(project, package);
        Assert.True(exitCode == 0, $"The sample did not build:\n{output}");
        BuildDiagnostics.AssertNoCompilerDiagnostics(output);
        var (runExitCode, run) = await DotNetCli.RunAsync(project.Directory, "run", "--no-build", "-c", "Release", $"-p:NormRegVersion={package.Version}");

        Assert.True(runExitCode == 0, $"The sample exited with {runExitCode}:\n{run}");
        Assert.Contains("Read 150 rows of iris.csv: 50 setosa, 50 versicolor, 50 virginica.", run, System.StringComparison.Ordinal);
        var accuracy = Regex.Match(run, @"Test set: accuracy (?<value>[\d.]+) %");
        Assert.True(accuracy.Success, $"The sample printed no test accuracy:\n{run}");
        Assert.True(double.Parse(accuracy.Groups["value"].Value, CultureInfo.InvariantCulture) >= 90, $"The network learned too little:\n{run}");
    }
}
