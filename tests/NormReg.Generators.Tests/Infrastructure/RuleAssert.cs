using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NormReg.Generators.Tests.Infrastructure;

/// <summary>Compares the NRG diagnostics of a source with its <c>{|NRGxxx:…|}</c> markup: IDs, spans and marked text.</summary>
internal static class RuleAssert
{
    public static void Exactly(string name, string markup)
    {
        (string source, var expected) = Markup.Parse(markup);

        ImmutableArray<Diagnostic> actual = GeneratorHarness.NormRegDiagnostics(source);

        Assert.Equal(
            expected.OrderBy(e => e.Span.Start).ThenBy(e => e.Id).Select(e => $"{name}: {e.Id} at {e.Span}: {source.Substring(e.Span.Start, e.Span.Length)}"),
            actual.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id).Select(d => $"{name}: {d.Id} at {d.Location.SourceSpan}: {source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}"));
    }
}
