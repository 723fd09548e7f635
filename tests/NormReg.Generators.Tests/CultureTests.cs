using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// The generated text is the same on every build machine: numbers in comments and code are written in the invariant
/// culture, and names are cased without the culture's rules (Turkish dotted and dotless i).
/// </summary>
public sealed class CultureTests
{
    public static TheoryData<string> Cultures => new("de-DE", "fr-FR", "tr-TR");

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Every_snapshot_network_is_generated_byte_for_byte_alike_under_the_culture(string name)
    {
        var culture = CultureInfo.GetCultureInfo(name);
        Assert.Equal("0,1", 0.1.ToString(culture)); // the machine has the culture's data, so the test can fail

        foreach (string declaration in SnapshotTests.DeclarationPaths())
        {
            string source = File.ReadAllText(Path.Combine(Repository.Root, declaration));
            string invariant = Generate(source, CultureInfo.InvariantCulture);
            string local = Generate(source, culture);

            Assert.True(invariant == local, $"{declaration} differs under {name}.");
        }
    }

    private static string Generate(string source, CultureInfo culture)
    {
        CultureInfo before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
            return string.Concat(result.GeneratedSources.Select(s => s.SourceText.ToString()));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
