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
}

/// <summary>A type that encloses the network class, re-declared as <c>partial</c> around the generated code.</summary>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The name with its type parameter list, as written.</param>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>One layer row, as declared.</summary>
/// <param name="Row">The attribute as written, for the comment above the code that implements it.</param>
internal sealed record LayerSpec(LayerKind Kind, string Name, string Row, int Units, bool UseBias, double Alpha);

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
    EquatableArray<LayerSpec> Layers);
