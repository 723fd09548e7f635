using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Generators.Model;

namespace NormReg.Generators.Parsing;

/// <summary>One layer of a valid network with the syntax of its row and of the modifiers attached to it.</summary>
internal sealed class LayerRows(LayerSpec layer, Row row, IReadOnlyList<Row> modifiers)
{
    public LayerSpec Layer { get; } = layer;
    public Row Row { get; } = row;
    public IReadOnlyList<Row> Modifiers { get; } = modifiers;
}

/// <summary>
/// A network the parser accepted, with its rows' syntax: what the analyzers need to point at a row. It holds
/// Roslyn objects, so it lives only inside one analysis, never in the generator's cached pipeline.
/// </summary>
internal sealed class NetworkRows(NetworkSpec spec, IReadOnlyList<LayerRows> layers)
{
    public NetworkSpec Spec { get; } = spec;
    public IReadOnlyList<LayerRows> Layers { get; } = layers;

    /// <summary>Parses the <c>[Network]</c> class <paramref name="type"/>; <see langword="null"/> when it is not one, or the generator rejects it.</summary>
    public static NetworkRows? Read(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        AttributeData? network = type.GetAttributes().FirstOrDefault(a => RowKinds.Classify(a.AttributeClass) == RowKind.Network);
        if (network?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not { } attribute) return null;
        if (attribute.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration) return null;
        if (NetworkParser.Parse(type, declaration, cancellationToken).Network is not { } spec) return null;

        List<Row> rows = NetworkParser.ReadRows(type, declaration, cancellationToken, out _);
        var layers = new List<LayerRows>();
        List<Row>? modifiers = null;
        int next = 0;
        foreach (Row row in rows)
        {
            if (row.Kind == RowKind.Layer)
            {
                modifiers = [];
                layers.Add(new LayerRows(spec.Layers[next++], row, modifiers));
            }
            else if (row.Kind == RowKind.Modifier)
            {
                modifiers?.Add(row);
            }
        }
        return new NetworkRows(spec, layers);
    }

    /// <summary>Whether training and inference differ for this network: dropout, noise, augmentation or BatchNorm.</summary>
    public bool HasTrainingBehaviour => Spec.Layers.Any(l => l.IsTrainingOnly || l.Kind == LayerKind.BatchNorm);
}
