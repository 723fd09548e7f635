using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace NormReg.Package.Tests;

/// <summary>
/// A Native AOT publish the way a user makes one, with no instruction-set setting, against the packed package:
/// tests/NormReg.KernelPaths (one Predict and one SGD TrainStep through every kernel tile and tail) published with
/// <c>PublishAot</c> and built for the JIT. On x64 the package's build targets make the AOT binary run the 256-bit path with
/// FMA, and both programs must write the same bits (the JIT takes the widest path: 512 bits where the CPU has AVX-512).
/// The publish must also be free of trim and AOT warnings.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class NativeAotTests(PackedPackage package, ITestOutputHelper output)
{
    [Fact]
    public async Task Default_Native_AOT_publish_runs_with_FMA_and_gives_the_JITs_bits()
    {
        using var project = ConsumerProject.CopyOf(package, "tests/NormReg.KernelPaths");
        string version = $"-p:NormRegVersion={package.Version}";
        var clock = Stopwatch.StartNew();
        var (publishCode, publish) = await DotNetCli.RunAsync(project.Directory, "publish", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            "-p:PublishAot=true", version, "-o", "aot");
        Assert.True(publishCode == 0, $"The Native AOT publish failed:\n{publish}");
        Assert.DoesNotContain(publish.Split('\n'), line => line.Contains("warning IL", StringComparison.Ordinal));
        var (buildCode, build) = await DotNetCli.RunAsync(project.Directory, "build", "-c", "Release", version, "-o", "jit");
        Assert.True(buildCode == 0, $"The JIT build failed:\n{build}");
        output.WriteLine($"publish and build: {clock.Elapsed.TotalSeconds:F0} s");

        string aotFile = Path.Combine(project.Directory, "aot.bin"), jitFile = Path.Combine(project.Directory, "jit.bin");
        string aot = await ProgramRun.RunAsync(Path.Combine(project.Directory, "aot", "NormReg.KernelPaths"), aotFile);
        string jit = await ProgramRun.RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Path.Combine(project.Directory, "jit", "NormReg.KernelPaths.dll"), jitFile);
        output.WriteLine($"Native AOT: {aot}JIT: {jit}");

        if (RuntimeInformation.ProcessArchitecture == Architecture.X64 && Avx2.IsSupported && Fma.IsSupported)
        {
            Assert.StartsWith("width 256 fma yes", aot, StringComparison.Ordinal);
        }
        Assert.EndsWith("fma yes", aot.Trim(), StringComparison.Ordinal);
        Assert.EndsWith("fma yes", jit.Trim(), StringComparison.Ordinal);
        byte[] aotBits = File.ReadAllBytes(aotFile), jitBits = File.ReadAllBytes(jitFile);
        Assert.True(aotBits.Length > 0 && aotBits.Length == jitBits.Length, $"Native AOT wrote {aotBits.Length} bytes, the JIT {jitBits.Length}.");
        int differing = Enumerable.Range(0, aotBits.Length / 4).Count(i => BitConverter.ToInt32(aotBits, 4 * i) != BitConverter.ToInt32(jitBits, 4 * i));
        Assert.True(differing == 0, $"Native AOT ({aot.Trim()}) and the JIT ({jit.Trim()}) differ in {differing} of {aotBits.Length / 4} values.");
    }
}
