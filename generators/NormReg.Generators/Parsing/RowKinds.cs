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
}

/// <summary>Recognizes the DSL's attributes by their full names.</summary>
internal static class RowKinds
{
    public const string NetworkAttribute = "NormReg.NetworkAttribute";

    public static RowKind Classify(INamedTypeSymbol? attribute, out LayerKind layer)
    {
        layer = default;
        if (attribute is null || attribute.ContainingNamespace is not { Name: "NormReg", ContainingNamespace.IsGlobalNamespace: true })
        {
            return RowKind.None;
        }
        switch (attribute.Name)
        {
            case "NetworkAttribute": return RowKind.Network;
            case "InputAttribute": return RowKind.Input;
            case "DenseAttribute": layer = LayerKind.Dense; return RowKind.Layer;
            case "ReLUAttribute": layer = LayerKind.ReLU; return RowKind.Layer;
            case "LeakyReLUAttribute": layer = LayerKind.LeakyReLU; return RowKind.Layer;
            case "TanhAttribute": layer = LayerKind.Tanh; return RowKind.Layer;
            case "SigmoidAttribute": layer = LayerKind.Sigmoid; return RowKind.Layer;
            case "GELUAttribute": layer = LayerKind.GELU; return RowKind.Layer;
            case "SoftmaxAttribute": layer = LayerKind.Softmax; return RowKind.Layer;
            default: return RowKind.None;
        }
    }

    /// <summary>Whether an attribute is a row (input or layer) of a network.</summary>
    public static bool IsRow(INamedTypeSymbol? attribute) => Classify(attribute, out _) is RowKind.Input or RowKind.Layer;
}
