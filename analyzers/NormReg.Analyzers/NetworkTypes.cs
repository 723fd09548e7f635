using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NormReg.Generators.Parsing;

namespace NormReg.Analyzers;

/// <summary>The runtime's types in one compilation, and the generated networks parsed once each.</summary>
/// <param name="network"><c>NormReg.INetwork</c>.</param>
/// <param name="forwardMode"><c>NormReg.ForwardMode</c>.</param>
internal sealed class NetworkTypes(INamedTypeSymbol network, INamedTypeSymbol forwardMode)
{
    private readonly ConcurrentDictionary<ITypeSymbol, NetworkRows?> _networks = new(SymbolEqualityComparer.Default);

    public INamedTypeSymbol ForwardMode { get; } = forwardMode;

    /// <summary><c>NormReg.INetwork</c>.</summary>
    public INamedTypeSymbol INetwork { get; } = network;

    /// <summary>
    /// Whether <paramref name="type"/> stands for some network the call site cannot see: <c>INetwork</c>, an interface
    /// deriving from it (<c>IClassifier</c>, <c>IRegressor</c>), or a type parameter constrained to one.
    /// </summary>
    public bool IsAbstraction(ITypeSymbol? type) => type switch
    {
        INamedTypeSymbol { TypeKind: TypeKind.Interface } named =>
            SymbolEqualityComparer.Default.Equals(named, INetwork) || named.AllInterfaces.Contains(INetwork, SymbolEqualityComparer.Default),
        ITypeParameterSymbol parameter => parameter.ConstraintTypes.Any(IsAbstraction),
        _ => false,
    };

    /// <summary>The runtime's types, or <see langword="null"/> when the compilation does not reference NormReg.</summary>
    public static NetworkTypes? From(Compilation compilation) =>
        compilation.GetTypeByMetadataName("NormReg.INetwork") is { } network &&
        compilation.GetTypeByMetadataName("NormReg.ForwardMode") is { } mode
            ? new NetworkTypes(network, mode)
            : null;

    /// <summary>The declared network behind <paramref name="type"/>, if it is a generated network class.</summary>
    public NetworkRows? Network(ITypeSymbol? type, CancellationToken cancellationToken) =>
        type is INamedTypeSymbol named && named.TypeKind == TypeKind.Class && named.AllInterfaces.Contains(INetwork, SymbolEqualityComparer.Default)
            ? _networks.GetOrAdd(named.OriginalDefinition, t => NetworkRows.Read((INamedTypeSymbol)t, cancellationToken))
            : null;
}
