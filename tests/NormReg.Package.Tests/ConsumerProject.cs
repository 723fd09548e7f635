using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NormReg.Package.Tests;

/// <summary>A user's project copied out of this repository into a temporary directory, restoring NormReg.Gen from the packed package.</summary>
internal sealed class ConsumerProject : IDisposable
{
    private ConsumerProject(string directory, string templateDirectory)
    {
        Directory = directory;
        TemplateDirectory = templateDirectory;
    }

    /// <summary>The temporary directory holding the project, its sources and a nuget.config.</summary>
    public string Directory { get; }

    /// <summary>The folder of the repository the sources came from.</summary>
    public string TemplateDirectory { get; }

    /// <summary>
    /// Copies <paramref name="projectTemplate"/> (a <c>.csproj.template</c>, so that MSBuild and IDEs never treat the
    /// template as part of the repository) as <c>&lt;name&gt;.csproj</c> and the <c>*.cs</c> files directly in
    /// <paramref name="templateFolder"/> (under tests/NormReg.Package.Tests; not those of its subfolders).
    /// </summary>
    public static ConsumerProject Create(PackedPackage package, string templateFolder, string projectTemplate)
    {
        var template = Path.Combine(package.RepoRoot, "tests", "NormReg.Package.Tests", templateFolder);
        var directory = NewDirectory(package);
        File.Copy(Path.Combine(template, projectTemplate), Path.Combine(directory, Path.GetFileNameWithoutExtension(projectTemplate)));
        foreach (var source in System.IO.Directory.GetFiles(template, "*.cs"))
        {
            File.Copy(source, Path.Combine(directory, Path.GetFileName(source)));
        }
        return new ConsumerProject(directory, template);
    }

    /// <summary>
    /// Copies a whole project folder of the repository, such as a sample, without its bin/ and obj/. It must switch from
    /// its source references to the package when built with <c>-p:NormRegVersion=…</c>.
    /// </summary>
    public static ConsumerProject CopyOf(PackedPackage package, string projectFolder)
    {
        var source = Path.Combine(package.RepoRoot, projectFolder);
        var directory = NewDirectory(package);
        CopyTree(source, directory);
        return new ConsumerProject(directory, source);
    }

    /// <summary>An empty temporary directory whose nuget.config restores from the package's feed: for a project made with <c>dotnet new</c>.</summary>
    public static ConsumerProject Empty(PackedPackage package) => new(NewDirectory(package), package.RepoRoot);

    /// <summary>The C# sources of the project, relative to <see cref="Directory"/>, with '/'.</summary>
    public IEnumerable<string> Sources() =>
        System.IO.Directory.GetFiles(Directory, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>A temporary directory with a nuget.config that restores from the package's local feed and nuget.org only, whatever the machine's NuGet configuration says.</summary>
    private static string NewDirectory(PackedPackage package)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("normreg-consumer-").FullName;
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
        return directory;
    }

    private static void CopyTree(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var folder in System.IO.Directory.GetDirectories(from))
        {
            if (Path.GetFileName(folder) is not ("bin" or "obj"))
            {
                CopyTree(folder, Path.Combine(to, Path.GetFileName(folder)));
            }
        }
    }
}
