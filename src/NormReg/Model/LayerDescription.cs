using System.Collections.Generic;
using System.ComponentModel;
namespace NormReg;

/// <summary>
/// One layer row of a generated network as data: its kind, widths and where its values sit in the state.
/// Generated code creates these; exporters and model files read them.
/// </summary>
public sealed class LayerDescription
{
    /// <summary>Used by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public LayerDescription(LayerType type, string name, string row, int inputs, int outputs)
    {
        Type = type;
        Name = name;
        Row = row;
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The kind of row.</summary>
    public LayerType Type { get; }

    /// <summary>The layer's name (<c>Dense1</c>, or the <c>Name</c> given in its row).</summary>
    public string Name { get; }

    /// <summary>The row as declared, layer and modifiers, e.g. <c>[Dense(16), L2(1e-4)]</c>.</summary>
    public string Row { get; }

    /// <summary>Features in.</summary>
    public int Inputs { get; }

    /// <summary>Features out.</summary>
    public int Outputs { get; }

    /// <summary>The shape of a sample coming in: <c>[features]</c>, or <c>[channels, height, width]</c> on images.</summary>
    public IReadOnlyList<int> InputShape
    {
        get => _inputShape ?? [Inputs];
        init => _inputShape = value;
    }

    /// <summary>The shape of a sample going out, as Keras' <c>output_shape</c> without the batch: <c>[features]</c> or <c>[channels, height, width]</c>.</summary>
    public IReadOnlyList<int> OutputShape
    {
        get => _outputShape ?? [Outputs];
        init => _outputShape = value;
    }

    /// <summary>
    /// Dense: output features; Conv2D: filters (the rows of the weight matrix, each with a bias); BatchNorm: values of γ
    /// (one per channel on images); LayerNorm: values of γ.
    /// </summary>
    public int Units
    {
        get => _units > 0 ? _units : Outputs;
        init => _units = value;
    }

    /// <summary>Dense: input features; Conv2D: <c>channels·kernel²</c>, the inputs of each filter (the columns of the weight matrix).</summary>
    public int FanIn
    {
        get => _fanIn > 0 ? _fanIn : Inputs;
        init => _fanIn = value;
    }

    /// <summary>Conv2D: the kernel's height and width; MaxPool2D, AvgPool2D: the window's; 0 otherwise.</summary>
    public int KernelSize { get; init; }

    /// <summary>Conv2D, MaxPool2D, AvgPool2D: the step between windows; 0 otherwise.</summary>
    public int Stride { get; init; }

    /// <summary>Conv2D: zeros added top, left, bottom and right (ONNX's <c>pads</c> order is top, left, bottom, right too).</summary>
    public IReadOnlyList<int> Padding { get; init; } = [0, 0, 0, 0];

    /// <summary>RandomFlip: whether left–right flips are drawn.</summary>
    public bool FlipHorizontal { get; init; }

    /// <summary>RandomFlip: whether upside-down flips are drawn.</summary>
    public bool FlipVertical { get; init; }

    /// <summary>RandomTranslation: the largest vertical shift as a fraction of the height.</summary>
    public double HeightFactor { get; init; }

    /// <summary>RandomTranslation: the largest horizontal shift as a fraction of the width.</summary>
    public double WidthFactor { get; init; }

    /// <summary>Dense, Conv2D: offset of the [<see cref="Units"/> × <see cref="FanIn"/>] weights; BatchNorm, LayerNorm: of γ. -1 for rows without parameters.</summary>
    public int WeightOffset { get; init; } = -1;

    /// <summary>Dense, Conv2D: offset of the <see cref="Units"/> biases; BatchNorm, LayerNorm: of β. -1 when there is none.</summary>
    public int BiasOffset { get; init; } = -1;

    /// <summary>BatchNorm: offset of the running mean in the statistics (the running variance follows); -1 otherwise.</summary>
    public int StatisticsOffset { get; init; } = -1;

    /// <summary>BatchNorm, LayerNorm: added to the variance.</summary>
    public double Epsilon { get; init; }

    /// <summary>LeakyReLU: the negative slope.</summary>
    public double Alpha { get; init; }

    /// <summary>Dropout, SpatialDropout: the drop probability; GaussianNoise: σ; RandomRotation: the largest angle as a fraction of a full turn.</summary>
    public double Rate { get; init; }

    /// <summary>BatchNorm: the weight of each new batch in the running statistics (PyTorch's momentum).</summary>
    public double Momentum { get; init; }

    /// <summary><c>[L1]</c>, <c>[L1L2]</c>: the strength λ of the penalty λ·Σ|w|; 0 without one.</summary>
    public double L1 { get; init; }

    /// <summary><c>[L2]</c>, <c>[L1L2]</c>: the strength λ of the penalty λ·Σw² (Keras units, no ½); 0 without one.</summary>
    public double L2 { get; init; }

    /// <summary>Whether the penalty covers the bias (or β) too, which follows the weights (or γ) in the parameters.</summary>
    public bool PenalizeBias { get; init; }

    /// <summary><c>[MaxNorm]</c>: the largest norm of each unit's incoming weights after an update; 0 without one.</summary>
    public double MaxNorm { get; init; }

    /// <summary>Dense, Conv2D: <see cref="Units"/> × <see cref="FanIn"/> weights; BatchNorm, LayerNorm: <see cref="Units"/> values of γ; 0 for rows without parameters.</summary>
    public int WeightCount => WeightOffset < 0 ? 0 : Type is LayerType.Dense or LayerType.Conv2D ? Units * FanIn : Units;

    /// <summary>The parameters a penalty covers, from <see cref="WeightOffset"/>: the weights, and the bias when <see cref="PenalizeBias"/>.</summary>
    public int PenalizedCount => WeightCount + (PenalizeBias && BiasOffset >= 0 ? Units : 0);

    /// <summary>Whether the row acts at inference; dropout, noise and augmentation do not.</summary>
    public bool RunsAtInference => Type is not (LayerType.Dropout or LayerType.SpatialDropout or LayerType.GaussianNoise
        or LayerType.RandomFlip or LayerType.RandomRotation or LayerType.RandomTranslation);

    private readonly IReadOnlyList<int>? _inputShape, _outputShape;
    private readonly int _units, _fanIn;
}
