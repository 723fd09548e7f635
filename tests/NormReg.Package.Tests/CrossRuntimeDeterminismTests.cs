using System;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace NormReg.Package.Tests;

/// <summary>
/// One seed gives bit-identical training on .NET 8 and .NET 10: tests/NormReg.Determinism (Dense, BatchNorm, LayerNorm,
/// Dropout, GaussianNoise, L2, ZScore; Fit with Adam, then SGD) is published self-contained for net8.0 (the .NET 8 runtime
/// pack comes from NuGet) and built for net10.0, and both runs must print the same SHA-256 of the state and the predictions.
/// </summary>
/// <remarks>In the package collection only so that its builds do not compete with the package builds for the cores.</remarks>
[Collection(PackageCollection.Name)]
public sealed class CrossRuntimeDeterminismTests(ITestOutputHelper output)
{
    private static readonly string Project = Path.Combine(Repository.Root, "tests", "NormReg.Determinism", "NormReg.Determinism.csproj");

    [Fact]
    public async Task Fit_gives_the_same_state_and_predictions_bit_for_bit_on_net8_and_net10()
    {
        // Every output, the referenced projects' included, goes under a temporary folder: nothing in the repository changes.
        string artifacts = Directory.CreateTempSubdirectory("normreg-determinism-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            await Dotnet("publish", Project, "-c", "Release", "-f", "net8.0", "-r", "linux-x64", "--self-contained", "--artifacts-path", artifacts);
            TimeSpan publish = clock.Elapsed;
            await Dotnet("build", Project, "-c", "Release", "-f", "net10.0", "--artifacts-path", artifacts);
            TimeSpan build = clock.Elapsed - publish;

            string net8 = await ProgramRun.RunAsync(Path.Combine(artifacts, "publish", "NormReg.Determinism", "release_net8.0_linux-x64", "NormReg.Determinism"));
            string net10 = await ProgramRun.RunAsync("dotnet", Path.Combine(artifacts, "bin", "NormReg.Determinism", "release_net10.0", "NormReg.Determinism.dll"));
            output.WriteLine($"publish (net8.0, self-contained) {publish.TotalSeconds:F1} s, build (net10.0) {build.TotalSeconds:F1} s");
            output.WriteLine(net8);
            output.WriteLine(net10);

            Assert.StartsWith("8.", Field(net8, "runtime"), StringComparison.Ordinal);
            Assert.StartsWith("10.", Field(net10, "runtime"), StringComparison.Ordinal);
            foreach (string field in new[] { "state", "predictions" })
            {
                string a = Field(net8, field), b = Field(net10, field);
                Assert.Matches("^[0-9A-F]{64}$", a);
                Assert.True(a == b, $"{field}: .NET 8 gave {a}, .NET 10 gave {b}.\n{net8}\n{net10}");
            }
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }

    private static async Task Dotnet(params string[] arguments)
    {
        var (exitCode, text) = await DotNetCli.RunAsync(Repository.Root, arguments);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {exitCode}:\n{text}");
    }

    /// <summary>The value of a "name value" line the program printed.</summary>
    private static string Field(string text, string name)
    {
        Match match = Regex.Match(text, $"^{name} (?<value>\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"No '{name}' line in:\n{text}");
        return match.Groups["value"].Value;
    }
}
