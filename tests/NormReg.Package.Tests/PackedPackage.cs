using System.Globalization;

namespace NormReg.Package.Tests;

/// <summary>NormReg.Gen packed once from this repository, under a unique version, into a temporary local feed.</summary>
public sealed class PackedPackage : IAsyncLifetime
{
    /// <summary>The folder holding NormReg.Gen.sln.</summary>
    public string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// A version no real release uses and no earlier run produced, so NuGet cannot hand the consumer a stale
    /// copy from the global packages folder.
    /// </summary>
    public string Version { get; } = string.Create(
        CultureInfo.InvariantCulture, $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");

    /// <summary>The local feed: a folder holding only the packed .nupkg.</summary>
    public string FeedDirectory { get; } = Directory.CreateTempSubdirectory("normreg-feed-").FullName;

    public string PackagePath => Path.Combine(FeedDirectory, $"NormReg.Gen.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        var project = Path.Combine(RepoRoot, "src", "NormReg", "NormReg.csproj");
        var (exitCode, output) = await DotNetCli.RunAsync(
            RepoRoot, "pack", project, "-c", "Release", "-o", FeedDirectory, $"-p:Version={Version}");
        Assert.True(exitCode == 0 && File.Exists(PackagePath), $"dotnet pack exited with {exitCode}:\n{output}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(FeedDirectory, recursive: true);

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

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NormReg.Gen.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No NormReg.Gen.sln above {AppContext.BaseDirectory}.");
    }
}
