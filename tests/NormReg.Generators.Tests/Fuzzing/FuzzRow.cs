using System.Collections.Generic;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>What a row is to the DSL, as the declaration generator sees it.</summary>
internal enum RowRole
{
    Input,
    Layer,
    Modifier,
}

/// <summary>One attribute row being built: its attribute's short name and its arguments as source text.</summary>
internal sealed class FuzzRow(RowRole role, string kind, params string[] arguments)
{
    public RowRole Role { get; } = role;

    /// <summary>The attribute's short name, e.g. <c>Dense</c>.</summary>
    public string Kind { get; } = kind;

    /// <summary>Positional, then named arguments, as written.</summary>
    public List<string> Arguments { get; } = [.. arguments];

    /// <summary>The explicit layer name, when the row has one.</summary>
    public string? Name { get; set; }

    /// <summary>Layers with trainable weights, which penalties may follow.</summary>
    public bool HasWeights => Kind is "Dense" or "Conv2D" or "BatchNorm" or "LayerNorm";

    /// <summary>Layers a max-norm constraint may follow.</summary>
    public bool IsWeightLayer => Kind is "Dense" or "Conv2D";

    public bool IsStochastic => Kind is "Dropout" or "GaussianNoise" or "SpatialDropout";

    /// <summary>An <c>[Input(channels, height, width)]</c> row.</summary>
    public bool IsImageInput => Role == RowRole.Input && Arguments.Count == 3;
}
