using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NormReg.Generators.Parsing;

namespace NormReg.Analyzers;

/// <summary>The runtime's types in one compilation, and the generated networks parsed once each.</summary>
internal sealed class NetworkTypes(INamedTypeSymbol network, INamedTypeSymbol forwardMode)
{
    private readonly ConcurrentDictionary<ITypeSymbol, NetworkRows?> _networks = new(SymbolEqualityComparer.Default);

    public INamedTypeSymbol ForwardMode { get; } = forwardMode;

    public static NetworkTypes? From(Compilation compilation) =>
        compilation.GetTypeByMetadataName("NormReg.INetwork") is { } network &&
        compilation.GetTypeByMetadataName("NormReg.ForwardMode") is { } mode
            ? new NetworkTypes(network, mode)
            : null;

    /// <summary>The declared network behind <paramref name="type"/>, if it is a generated network class.</summary>
    public NetworkRows? Network(ITypeSymbol? type, CancellationToken cancellationToken) =>
        type is INamedTypeSymbol named && named.AllInterfaces.Contains(network, SymbolEqualityComparer.Default)
            ? _networks.GetOrAdd(named.OriginalDefinition, t => NetworkRows.Read((INamedTypeSymbol)t, cancellationToken))
            : null;
}
