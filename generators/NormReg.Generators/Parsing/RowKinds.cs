using Microsoft.CodeAnalysis;
using NormReg.Generators.Model;

namespace NormReg.Generators.Parsing;

/// <summary>What an attribute on a network class is to the DSL.</summary>
internal enum RowKind
{
    /// <summary>Not one of ours.</summary>
    None,
    Network,
    Input,
    Layer,
    Modifier,
}

/// <summary>Attributes that modify the row before them.</summary>
internal enum ModifierKind
{
    ZScore,
    MinMax,
    L1,
    L2,
    L1L2,
    MaxNorm,
}

/// <summary>Recognizes the DSL's attributes by their full names.</summary>
internal static class RowKinds
{
    public const string NetworkAttribute = "NormReg.NetworkAttribute";

    public static RowKind Classify(INamedTypeSymbol? attribute, out LayerKind layer, out ModifierKind modifier)
    {
        layer = default;
        modifier = default;
        if (attribute is null || attribute.ContainingNamespace is not { Name: "NormReg", ContainingNamespace.IsGlobalNamespace: true })
        {
            return RowKind.None;
        }
        string name = attribute.Name;
        if (name == "NetworkAttribute") return RowKind.Network;
        if (name == "InputAttribute") return RowKind.Input;
        if (!name.EndsWith("Attribute", System.StringComparison.Ordinal)) return RowKind.None;
        string stem = name.Substring(0, name.Length - "Attribute".Length);
        if (System.Enum.TryParse(stem, out layer) && System.Enum.IsDefined(typeof(LayerKind), layer)) return RowKind.Layer;
        if (System.Enum.TryParse(stem, out modifier) && System.Enum.IsDefined(typeof(ModifierKind), modifier)) return RowKind.Modifier;
        return RowKind.None;
    }

    public static RowKind Classify(INamedTypeSymbol? attribute) => Classify(attribute, out _, out _);

    /// <summary>Whether an attribute is a row (input, layer or modifier) of a network.</summary>
    public static bool IsRow(INamedTypeSymbol? attribute) => Classify(attribute) is RowKind.Input or RowKind.Layer or RowKind.Modifier;
}
