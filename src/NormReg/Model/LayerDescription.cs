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

    /// <summary>Dense: offset of the [<see cref="Outputs"/> × <see cref="Inputs"/>] weights; BatchNorm, LayerNorm: of γ. -1 for rows without parameters.</summary>
    public int WeightOffset { get; init; } = -1;

    /// <summary>Dense: offset of the bias; BatchNorm, LayerNorm: of β. -1 when there is none.</summary>
    public int BiasOffset { get; init; } = -1;

    /// <summary>BatchNorm: offset of the running mean in the statistics (the running variance follows); -1 otherwise.</summary>
    public int StatisticsOffset { get; init; } = -1;

    /// <summary>BatchNorm, LayerNorm: added to the variance.</summary>
    public double Epsilon { get; init; }

    /// <summary>LeakyReLU: the negative slope.</summary>
    public double Alpha { get; init; }

    /// <summary>Dropout: the drop probability; GaussianNoise: σ.</summary>
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

    /// <summary>Dense: <see cref="Inputs"/> × <see cref="Outputs"/> weights; BatchNorm, LayerNorm: <see cref="Outputs"/> values of γ; 0 for rows without parameters.</summary>
    public int WeightCount => WeightOffset < 0 ? 0 : Type == LayerType.Dense ? Inputs * Outputs : Outputs;

    /// <summary>The parameters a penalty covers, from <see cref="WeightOffset"/>: the weights, and the bias when <see cref="PenalizeBias"/>.</summary>
    public int PenalizedCount => WeightCount + (PenalizeBias && BiasOffset >= 0 ? Outputs : 0);

    /// <summary>Whether the row changes values at inference; dropout and noise do not.</summary>
    public bool RunsAtInference => Type is not (LayerType.Dropout or LayerType.GaussianNoise);
}
