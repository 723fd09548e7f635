using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace NormReg.Package.Tests;

/// <summary>NormReg.Gen packed once from this repository, under a unique version, into a temporary local feed.</summary>
public sealed class PackedPackage : IAsyncLifetime
{
    /// <summary>The folder holding NormReg.Gen.sln.</summary>
    public string RepoRoot { get; } = Repository.Root;

    /// <summary>
    /// A version no real release uses and no earlier run produced, so NuGet cannot hand the consumer a stale
    /// copy from the global packages folder.
    /// </summary>
    public string Version { get; } = string.Create(
        CultureInfo.InvariantCulture, $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");

    /// <summary>The local feed: a folder holding only the packed .nupkg.</summary>
    public string FeedDirectory { get; } = Directory.CreateTempSubdirectory("normreg-feed-").FullName;

    public string PackagePath => Path.Combine(FeedDirectory, $"NormReg.Gen.{Version}.nupkg");

    /// <summary>
    /// A copy of the sources the package is built from. Packing there, with its own bin and obj folders, keeps
    /// the pack from rewriting assemblies that other test projects of the same run have loaded.
    /// </summary>
    private string SourceCopy { get; } = Directory.CreateTempSubdirectory("normreg-pack-").FullName;

    public async Task InitializeAsync()
    {
        foreach (var file in new[] { "Directory.Build.props", "README.md" })
        {
            File.Copy(Path.Combine(RepoRoot, file), Path.Combine(SourceCopy, file));
        }
        foreach (var folder in new[] { "src", "generators", "analyzers" })
        {
            CopySources(Path.Combine(RepoRoot, folder), Path.Combine(SourceCopy, folder));
        }
        var project = Path.Combine(SourceCopy, "src", "NormReg", "NormReg.csproj");
        var (exitCode, output) = await DotNetCli.RunAsync(
            SourceCopy, "pack", project, "-c", "Release", "-o", FeedDirectory, $"-p:Version={Version}");
        Assert.True(exitCode == 0 && File.Exists(PackagePath), $"dotnet pack exited with {exitCode}:\n{output}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(FeedDirectory, recursive: true);
        Directory.Delete(SourceCopy, recursive: true);

        // Restoring the consumer extracted this one-off version into the global packages folder; nothing will use it again.
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var extracted = Path.Combine(globalPackages, "normreg.gen", Version.ToLowerInvariant());
        if (Directory.Exists(extracted))
        {
            Directory.Delete(extracted, recursive: true);
        }
        return Task.CompletedTask;
    }

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var folder in Directory.GetDirectories(from))
        {
            if (Path.GetFileName(folder) is not ("bin" or "obj"))
            {
                CopySources(folder, Path.Combine(to, Path.GetFileName(folder)));
            }
        }
    }
}
