using System;
using System.IO;

namespace NormReg.Package.Tests;

/// <summary>A user's project copied out of a template folder of this test project into a temporary directory.</summary>
internal sealed class ConsumerProject : IDisposable
{
    private ConsumerProject(string directory, string templateDirectory)
    {
        Directory = directory;
        TemplateDirectory = templateDirectory;
    }

    /// <summary>The temporary directory holding the project, its sources and a nuget.config.</summary>
    public string Directory { get; }

    /// <summary>The template folder the sources came from, under tests/NormReg.Package.Tests.</summary>
    public string TemplateDirectory { get; }

    /// <summary>
    /// Copies <paramref name="projectTemplate"/> (a <c>.csproj.template</c>, so that MSBuild and IDEs never treat the
    /// template as part of the repository) as <c>&lt;name&gt;.csproj</c> and the <c>*.cs</c> files directly in
    /// <paramref name="templateFolder"/> (not those of its subfolders), with a nuget.config that restores from the
    /// package's local feed and nuget.org only, whatever the machine's NuGet configuration says.
    /// </summary>
    public static ConsumerProject Create(PackedPackage package, string templateFolder, string projectTemplate)
    {
        var template = Path.Combine(package.RepoRoot, "tests", "NormReg.Package.Tests", templateFolder);
        var directory = System.IO.Directory.CreateTempSubdirectory("normreg-consumer-").FullName;
        File.Copy(Path.Combine(template, projectTemplate), Path.Combine(directory, Path.GetFileNameWithoutExtension(projectTemplate)));
        foreach (var source in System.IO.Directory.GetFiles(template, "*.cs"))
        {
            File.Copy(source, Path.Combine(directory, Path.GetFileName(source)));
        }
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{package.FeedDirectory}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        return new ConsumerProject(directory, template);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
