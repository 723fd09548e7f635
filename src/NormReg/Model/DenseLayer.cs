using System.ComponentModel;
using System;
using NormReg.Runtime;

namespace NormReg;

/// <summary>
/// A typed view of one dense layer's parameters and gradients inside its network. It holds no copy:
/// writes through <see cref="Weights"/> change the network.
/// </summary>
public readonly struct DenseLayer
{
    private readonly AlignedFloats _parameters;
    private readonly AlignedFloats _gradients;
    private readonly int _weightOffset;
    private readonly int _biasOffset;

    /// <summary>Used by generated code; the offsets come from the network's parameter layout.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public DenseLayer(string name, AlignedFloats parameters, AlignedFloats gradients, int inputs, int outputs, int weightOffset, int biasOffset)
    {
        Name = name;
        _parameters = parameters;
        _gradients = gradients;
        Inputs = inputs;
        Outputs = outputs;
        _weightOffset = weightOffset;
        _biasOffset = biasOffset;
    }

    /// <summary>The layer's name (<c>Dense1</c>, or the <c>Name</c> given in its row).</summary>
    public string Name { get; }

    /// <summary>Input features.</summary>
    public int Inputs { get; }

    /// <summary>Output features (units).</summary>
    public int Outputs { get; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool HasBias => _biasOffset >= 0;

    /// <summary>Weights, [<see cref="Outputs"/> × <see cref="Inputs"/>] row-major, as PyTorch's <c>nn.Linear.weight</c> (Keras stores the transpose).</summary>
    public Span<float> Weights => _parameters.AsSpan(_weightOffset, Inputs * Outputs);

    /// <summary>Bias, [<see cref="Outputs"/>]; empty when the layer has none.</summary>
    public Span<float> Bias => HasBias ? _parameters.AsSpan(_biasOffset, Outputs) : Span<float>.Empty;

    /// <summary>Gradient of the loss with respect to <see cref="Weights"/>, from the last backward pass.</summary>
    public ReadOnlySpan<float> WeightGradients => _gradients.AsSpan(_weightOffset, Inputs * Outputs);

    /// <summary>Gradient of the loss with respect to <see cref="Bias"/>, from the last backward pass.</summary>
    public ReadOnlySpan<float> BiasGradients => HasBias ? _gradients.AsSpan(_biasOffset, Outputs) : ReadOnlySpan<float>.Empty;

    /// <summary>The weight from input <paramref name="input"/> to output <paramref name="output"/>.</summary>
    public ref float this[int output, int input]
    {
        get
        {
            if ((uint)output >= (uint)Outputs) throw new ArgumentOutOfRangeException(nameof(output), output, $"{Name} has {Outputs} outputs.");
            if ((uint)input >= (uint)Inputs) throw new ArgumentOutOfRangeException(nameof(input), input, $"{Name} has {Inputs} inputs.");
            return ref _parameters.AsSpan()[_weightOffset + output * Inputs + input];
        }
    }
}
