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
    Conv2D,
    MaxPool2D,
    AvgPool2D,
    GlobalAvgPool,
    Flatten,
    SpatialDropout,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
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
    /// <summary>Dense: output features; Conv2D: filters.</summary>
    public int Units { get; init; }

    /// <summary>Dense, Conv2D: the initializer asked for, mirroring <c>NormReg.Initializer</c>.</summary>
    public InitChoice Init { get; init; }

    /// <summary>Dense, Conv2D: whether there is a bias.</summary>
    public bool UseBias { get; init; } = true;

    /// <summary>Conv2D: the kernel's height and width; MaxPool2D, AvgPool2D: the window's.</summary>
    public int Kernel { get; init; }

    /// <summary>Conv2D, MaxPool2D, AvgPool2D: the step between windows.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Conv2D: <c>Padding.Same</c> rather than <c>Padding.Valid</c>.</summary>
    public bool SamePadding { get; init; }

    /// <summary>RandomFlip: which flips are drawn.</summary>
    public bool FlipHorizontal { get; init; }

    /// <summary>RandomFlip: which flips are drawn.</summary>
    public bool FlipVertical { get; init; }

    /// <summary>RandomTranslation: the largest vertical shift as a fraction of the height.</summary>
    public double HeightFactor { get; init; }

    /// <summary>RandomTranslation: the largest horizontal shift as a fraction of the width.</summary>
    public double WidthFactor { get; init; }

    /// <summary>LeakyReLU: the negative slope.</summary>
    public double Alpha { get; init; }

    /// <summary>Dropout, SpatialDropout: the drop probability; GaussianNoise: σ; RandomRotation: the largest angle as a fraction of a turn.</summary>
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
    public bool HasWeights => Kind is LayerKind.Dense or LayerKind.Conv2D or LayerKind.BatchNorm or LayerKind.LayerNorm;

    /// <summary>Whether the layer is a weight matrix (Dense, Conv2D): where initializers, max-norm and BatchNorm folding apply.</summary>
    public bool IsWeightLayer => Kind is LayerKind.Dense or LayerKind.Conv2D;

    /// <summary>Whether the row only acts in training (dropout, noise, augmentation): the identity at inference.</summary>
    public bool IsTrainingOnly => Kind is LayerKind.Dropout or LayerKind.SpatialDropout or LayerKind.GaussianNoise or LayerKind.RandomFlip or LayerKind.RandomRotation or LayerKind.RandomTranslation;

    /// <summary>Whether the row augments images (flip, rotation, translation).</summary>
    public bool IsAugmentation => Kind is LayerKind.RandomFlip or LayerKind.RandomRotation or LayerKind.RandomTranslation;
}

/// <summary>The shape of a sample between rows: a vector of <see cref="Channels"/> features, or an image.</summary>
internal sealed record ShapeSpec(int Channels, int Height, int Width, bool IsImage)
{
    public static ShapeSpec Vector(int size) => new(size, 1, 1, false);

    public static ShapeSpec Image(int channels, int height, int width) => new(channels, height, width, true);

    /// <summary>Values per sample.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Pixels per channel: 1 for a vector.</summary>
    public int Spatial => Height * Width;

    /// <summary><c>16</c> for a vector, <c>16×14×14</c> for an image.</summary>
    public override string ToString() => IsImage
        ? string.Join("×", Channels.ToString(System.Globalization.CultureInfo.InvariantCulture), Height.ToString(System.Globalization.CultureInfo.InvariantCulture), Width.ToString(System.Globalization.CultureInfo.InvariantCulture))
        : Channels.ToString(System.Globalization.CultureInfo.InvariantCulture);
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

    /// <summary>The input row's shape: a vector of <see cref="InputSize"/> features, or an image of that many values.</summary>
    public ShapeSpec InputShape { get; init; } = ShapeSpec.Vector(InputSize);

    /// <summary>Label smoothing ε of the softmax cross-entropy, from <c>[Network(LabelSmoothing = ε)]</c>; 0 for none.</summary>
    public double LabelSmoothing { get; init; }
}
