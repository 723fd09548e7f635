using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace NormReg.Package.Tests;

/// <summary>The NormReg.Gen package, checked as a file and then used the way a user uses it.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageConsumptionTests(PackedPackage package)
{
    [Fact]
    public void Package_holds_the_runtime_per_target_and_the_generator_and_analyzers_as_analyzers()
    {
        using var nupkg = ZipFile.OpenRead(package.PackagePath);
        var entries = nupkg.Entries.Select(entry => entry.FullName).ToHashSet();

        Assert.Contains("lib/net8.0/NormReg.dll", entries);
        Assert.Contains("lib/net10.0/NormReg.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/NormReg.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/NormReg.Analyzers.dll", entries);
        // Compiler plug-ins must not become references of the user's compilation.
        Assert.DoesNotContain(entries, entry => entry.StartsWith("lib/", StringComparison.Ordinal)
            && (entry.Contains("Generators", StringComparison.Ordinal) || entry.Contains("Analyzers", StringComparison.Ordinal)));

        // Nor may they appear as packages the user has to restore.
        var nuspecEntry = Assert.Single(nupkg.Entries, entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var nuspecStream = nuspecEntry.Open();
        var dependencies = XDocument.Load(nuspecStream).Descendants()
            .Where(element => element.Name.LocalName == "dependency")
            .Select(element => (string?)element.Attribute("id") ?? "");
        Assert.DoesNotContain(dependencies, id => id.StartsWith("NormReg", StringComparison.OrdinalIgnoreCase));
        // ONNX export serializes with Google.Protobuf; the build-time protobuf compiler stays out.
        Assert.Contains("Google.Protobuf", dependencies);
        Assert.DoesNotContain("Grpc.Tools", dependencies);
    }

    [Fact]
    public async Task Consumer_restores_from_the_feed_generates_its_network_and_learns_xor()
    {
        using var consumer = ConsumerProject.Create(package, "Consumer", "Consumer.csproj.template");

        var (exitCode, output) = await DotNetCli.RunAsync(
            consumer.Directory, "run", "-c", "Release", $"-p:NormRegVersion={package.Version}");

        Assert.True(exitCode == 0, $"The consumer exited with {exitCode}:\n{output}");
        var accuracy = double.Parse(Printed("accuracy", output), CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.9, $"Held-out accuracy {accuracy} is below 0.9:\n{output}");
        // Input(2) → Dense(16) → Dense(2): weights plus biases of both dense layers.
        Assert.Equal((2 * 16 + 16) + (16 * 2 + 2), int.Parse(Printed("parameters", output), CultureInfo.InvariantCulture));
        Assert.True(int.Parse(Printed("onnx bytes", output), CultureInfo.InvariantCulture) > 0, $"The ONNX export wrote nothing:\n{output}");

        var generated = Directory.GetFiles(Path.Combine(consumer.Directory, "obj"), "PackageConsumer.XorNet.g.cs", SearchOption.AllDirectories);
        Assert.True(generated.Length == 1, $"Expected one emitted PackageConsumer.XorNet.g.cs, found {generated.Length}:\n{output}");
        var generatedFile = generated[0];
        Assert.Contains("partial class XorNet", File.ReadAllText(generatedFile), StringComparison.Ordinal);
    }

    /// <summary>The value the consumer printed on its <c>label value</c> line.</summary>
    private static string Printed(string label, string output)
    {
        var match = Regex.Match(output, $@"^{label} (\S+)\s*$", RegexOptions.Multiline);
        Assert.True(match.Success, $"The consumer printed no '{label}' line:\n{output}");
        return match.Groups[1].Value;
    }
}
