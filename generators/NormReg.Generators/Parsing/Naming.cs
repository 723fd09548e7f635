using System.Collections.Generic;
using System.Linq;
using NormReg.Generators.Model;

namespace NormReg.Generators.Parsing;

/// <summary>Field names for a layer's buffers, derived from its name.</summary>
internal static class Naming
{
    // Kind names whose capitals are an acronym: "ReLU2" reads better as "relu2" than "reLU2".
    private static readonly (string Kind, string Stem)[] Acronyms = [("LeakyReLU", "leakyRelu"), ("ReLU", "relu"), ("GELU", "gelu")];

    /// <summary>The camel-case stem of a layer's fields: <c>Dense1</c> → <c>dense1</c>, <c>ReLU2</c> → <c>relu2</c>, <c>Hidden</c> → <c>hidden</c>.</summary>
    public static string Stem(string name)
    {
        foreach ((string kind, string stem) in Acronyms)
        {
            if (name.StartsWith(kind, System.StringComparison.Ordinal) && name.Skip(kind.Length).All(char.IsDigit))
            {
                return stem + name.Substring(kind.Length);
            }
        }
        return char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>A name as C# source: <c>@event</c> for a keyword, the name itself otherwise.</summary>
    public static string Identifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? name : "@" + name;

    /// <summary>The field holding a layer's output activations.</summary>
    public static string OutputField(string name) => "_" + Stem(name);

    /// <summary>Dropout: the field holding the mask.</summary>
    public static string MaskField(string name) => OutputField(name) + "Mask";

    /// <summary>BatchNorm, LayerNorm: the field holding the normalized input x̂.</summary>
    public static string NormalizedField(string name) => OutputField(name) + "Normalized";

    /// <summary>BatchNorm, LayerNorm: the field holding 1/√(σ² + ε).</summary>
    public static string InverseStdField(string name) => OutputField(name) + "InverseStd";

    /// <summary>MaxPool2D: the field holding where each maximum came from.</summary>
    public static string ArgmaxField(string name) => OutputField(name) + "Argmax";

    /// <summary>Augmentation rows: the field holding what was drawn for each image.</summary>
    public static string DrawnField(string name) => OutputField(name) + "Drawn";

    /// <summary>Dropout: the field of the key its training pass draws before the batch is split.</summary>
    public static string KeyField(string name) => OutputField(name) + "Key";

    /// <summary>Conv2D: the field of scratch room for its kernels.</summary>
    public static string ScratchField(string name) => OutputField(name) + "Scratch";

    /// <summary>Conv2D, MaxPool2D, AvgPool2D: the static field of its shapes, strides and padding.</summary>
    public static string GeometryField(string name) => OutputField(name) + "Geometry";

    /// <summary>Every field the emitter declares for <paramref name="layer"/>.</summary>
    public static IEnumerable<string> Fields(LayerSpec layer)
    {
        yield return OutputField(layer.Name);
        yield return GradientField(layer.Name);
        if (layer.Kind is LayerKind.Dropout or LayerKind.SpatialDropout) yield return MaskField(layer.Name);
        if (layer.Kind == LayerKind.Dropout) yield return KeyField(layer.Name);
        if (layer.Kind is LayerKind.BatchNorm or LayerKind.LayerNorm)
        {
            yield return NormalizedField(layer.Name);
            yield return InverseStdField(layer.Name);
        }
        if (layer.Kind == LayerKind.MaxPool2D) yield return ArgmaxField(layer.Name);
        if (layer.IsAugmentation) yield return DrawnField(layer.Name);
        if (layer.Kind == LayerKind.Conv2D) yield return ScratchField(layer.Name);
        if (layer.Kind is LayerKind.Conv2D or LayerKind.MaxPool2D or LayerKind.AvgPool2D) yield return GeometryField(layer.Name);
    }

    /// <summary>The field holding the loss gradient with respect to a layer's output.</summary>
    public static string GradientField(string name)
    {
        string stem = Stem(name);
        return "_d" + char.ToUpperInvariant(stem[0]) + stem.Substring(1);
    }
}
