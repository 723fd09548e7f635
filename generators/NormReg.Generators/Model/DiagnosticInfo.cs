using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NormReg.Generators.Diagnostics;

namespace NormReg.Generators.Model;

/// <summary>A location reduced to plain values, so it can live in the cached model.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic to report, by ID, with its message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(DiagnosticCatalog.Get(Id), Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, [.. Arguments]);
}

/// <summary>What parsing one <c>[Network]</c> declaration produced: a network, diagnostics, or both empty when the compiler already reports the problem.</summary>
internal sealed record ParseResult(NetworkSpec? Network, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>Where a failure to plan or emit <see cref="Network"/> is reported: the class name.</summary>
    public LocationInfo? Declaration { get; init; }

    public static ParseResult Nothing { get; } = new(null, EquatableArray<DiagnosticInfo>.Empty);
}
