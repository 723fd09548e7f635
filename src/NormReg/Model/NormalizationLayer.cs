using System.ComponentModel;
using System;
using NormReg.Runtime;

namespace NormReg;

/// <summary>
/// A typed view of a BatchNorm or LayerNorm row inside its network: γ, β, their gradients and, for BatchNorm,
/// the running statistics. It holds no copy: writes change the network.
/// </summary>
public readonly struct NormalizationLayer
{
    private readonly AlignedFloats _parameters;
    private readonly AlignedFloats _gradients;
    private readonly float[] _statistics;
    private readonly int _gammaOffset;
    private readonly int _statisticsOffset;

    /// <summary>Used by generated code: γ then β at <paramref name="gammaOffset"/>; running mean then variance at <paramref name="statisticsOffset"/>, or -1 for none.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public NormalizationLayer(string name, AlignedFloats parameters, AlignedFloats gradients, float[] statistics, int features, int gammaOffset, int statisticsOffset)
    {
        Name = name;
        _parameters = parameters;
        _gradients = gradients;
        _statistics = statistics;
        Features = features;
        _gammaOffset = gammaOffset;
        _statisticsOffset = statisticsOffset;
    }

    /// <summary>The layer's name.</summary>
    public string Name { get; }

    /// <summary>Features normalized.</summary>
    public int Features { get; }

    /// <summary>Learned scale γ (PyTorch <c>weight</c>, Keras <c>gamma</c>).</summary>
    public Span<float> Gamma => _parameters.AsSpan(_gammaOffset, Features);

    /// <summary>Learned shift β (PyTorch <c>bias</c>, Keras <c>beta</c>).</summary>
    public Span<float> Beta => _parameters.AsSpan(_gammaOffset + Features, Features);

    /// <summary>Gradient of the loss with respect to γ, from the last backward pass.</summary>
    public ReadOnlySpan<float> GammaGradients => _gradients.AsSpan(_gammaOffset, Features);

    /// <summary>Gradient of the loss with respect to β, from the last backward pass.</summary>
    public ReadOnlySpan<float> BetaGradients => _gradients.AsSpan(_gammaOffset + Features, Features);

    /// <summary>BatchNorm's running mean (PyTorch <c>running_mean</c>, Keras <c>moving_mean</c>); empty for LayerNorm.</summary>
    public Span<float> RunningMean => _statisticsOffset < 0 ? Span<float>.Empty : _statistics.AsSpan(_statisticsOffset, Features);

    /// <summary>BatchNorm's running (unbiased) variance (PyTorch <c>running_var</c>, Keras <c>moving_variance</c>); empty for LayerNorm.</summary>
    public Span<float> RunningVariance => _statisticsOffset < 0 ? Span<float>.Empty : _statistics.AsSpan(_statisticsOffset + Features, Features);
}
