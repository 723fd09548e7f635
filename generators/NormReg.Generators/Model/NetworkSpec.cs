namespace NormReg.Generators.Model;

/// <summary>The loss of a network, mirroring <c>NormReg.Loss</c> (same order and values).</summary>
internal enum LossKind
{
    SoftmaxCrossEntropy,
    BinaryCrossEntropy,
    MeanSquaredError,
}

/// <summary>The kind of one layer row.</summary>
internal enum LayerKind
{
    Dense,
    ReLU,
    LeakyReLU,
    Tanh,
    Sigmoid,
    GELU,
    Softmax,
    BatchNorm,
    LayerNorm,
    Dropout,
    GaussianNoise,
}

/// <summary>A Dense row's initializer, mirroring <c>NormReg.Initializer</c> (same order and values).</summary>
internal enum InitChoice
{
    Auto,
    HeUniform,
    GlorotUniform,
    PyTorch,
}

/// <summary>How the input row scales features before the first layer.</summary>
internal enum ScalingKind
{
    None,
    ZScore,
    MinMax,
}

/// <summary>A type that encloses the network class, re-declared as <c>partial</c> around the generated code.</summary>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The name with its type parameter list, as written.</param>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>Input scaling from <c>[ZScore]</c> or <c>[MinMax(low, high, Clip)]</c> on the input row.</summary>
internal sealed record InputScalingSpec(ScalingKind Kind, double Low, double High, bool Clip)
{
    public static InputScalingSpec None { get; } = new(ScalingKind.None, 0, 0, false);
}

/// <summary>An L1/L2 penalty in Keras units: <c>L1·Σ|w| + L2·Σw²</c>.</summary>
internal sealed record PenaltySpec(double L1, double L2, bool IncludeBias);

/// <summary>One layer row with the modifiers attached to it, as declared.</summary>
/// <param name="Row">The row as written, layer and modifiers, for the comment above the code that implements it.</param>
internal sealed record LayerSpec(LayerKind Kind, string Name, string Row)
{
    /// <summary>Dense: output features.</summary>
    public int Units { get; init; }

    /// <summary>Dense: the initializer asked for, mirroring <c>NormReg.Initializer</c>.</summary>
    public InitChoice Init { get; init; }

    /// <summary>Dense: whether there is a bias.</summary>
    public bool UseBias { get; init; } = true;

    /// <summary>LeakyReLU: the negative slope.</summary>
    public double Alpha { get; init; }

    /// <summary>Dropout: the drop probability; GaussianNoise: σ.</summary>
    public double Rate { get; init; }

    /// <summary>BatchNorm: weight of the new batch in the running statistics.</summary>
    public double Momentum { get; init; }

    /// <summary>BatchNorm, LayerNorm: added to the variance.</summary>
    public double Epsilon { get; init; }

    /// <summary>An attached L1/L2 penalty, if any.</summary>
    public PenaltySpec? Penalty { get; init; }

    /// <summary>An attached max-norm constraint, or 0 for none.</summary>
    public double MaxNorm { get; init; }

    /// <summary>Whether the layer has trainable weights (a penalty can attach to it).</summary>
    public bool HasWeights => Kind is LayerKind.Dense or LayerKind.BatchNorm or LayerKind.LayerNorm;
}

/// <summary>A whole network declaration: everything the generator needs, and nothing from Roslyn.</summary>
internal sealed record NetworkSpec(
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string Keyword,
    string TypeName,
    string Identifier,
    string HintName,
    LossKind Loss,
    int InputSize,
    string InputRow,
    InputScalingSpec Scaling,
    EquatableArray<LayerSpec> Layers)
{
    /// <summary>The metadata name with namespace and containing types (<c>App.Holder`1+Scorer</c>): unique among the networks of a compilation, unlike <see cref="HintName"/>.</summary>
    public string FullName { get; init; } = "";

    /// <summary>Label smoothing ε of the softmax cross-entropy, from <c>[Network(LabelSmoothing = ε)]</c>; 0 for none.</summary>
    public double LabelSmoothing { get; init; }
}
