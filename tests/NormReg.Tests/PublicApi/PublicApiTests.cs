using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Reflection;
using NormReg.Testing;

namespace NormReg.Tests.PublicApi;

/// <summary>
/// The surface users see, as a checked-in listing: every change to it is a deliberate edit of
/// <c>NormReg.api.txt</c> (set NORMREG_ACCEPT_API=1 to rewrite it). What exists only for generated code is
/// hidden from completion lists (<see cref="EditorBrowsableState.Never"/>) and listed apart.
/// </summary>
public sealed class PublicApiTests
{
    private static readonly Assembly Runtime = typeof(INetwork).Assembly;

    [Fact]
    public void The_public_surface_matches_the_checked_in_listing()
    {
        string path = Repository.Path("tests", "NormReg.Tests", "PublicApi", "NormReg.api.txt");
        string actual = Describe();
        if (Environment.GetEnvironmentVariable("NORMREG_ACCEPT_API") == "1") File.WriteAllText(path, actual);

        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void Support_namespaces_show_nothing_in_completion_lists()
    {
        string[] visible = [.. Runtime.GetExportedTypes()
            .Where(t => t.Namespace is "NormReg.Kernels" or "NormReg.Runtime" && !Hidden(t))
            .Select(t => t.FullName!)];

        Assert.Empty(visible);
    }

    private static string Describe()
    {
        var lines = new List<string> { "# Completion-visible public API of NormReg (the user API)" };
        Type[] types = [.. Runtime.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal)];
        foreach (Type type in types.Where(t => !Hidden(t)))
        {
            lines.Add(type.FullName!);
            IEnumerable<string> members = type
                .GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true } && !Hidden(m))
                .Select(m => "  " + m.MemberType + " " + m)
                .Order(StringComparer.Ordinal);
            lines.AddRange(members);
        }
        lines.Add("");
        lines.Add("# Hidden from completion lists: for generated code (types, or members of visible types)");
        lines.AddRange(types.Where(Hidden).Select(t => t.FullName!));
        lines.AddRange(types.Where(t => !Hidden(t))
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(Hidden)
                .Select(m => $"{t.FullName}: {m.MemberType} {m}"))
            .Order(StringComparer.Ordinal));
        return string.Join("\n", lines) + "\n";
    }

    private static bool Hidden(MemberInfo member) =>
        member.GetCustomAttribute<EditorBrowsableAttribute>()?.State == EditorBrowsableState.Never;
}
