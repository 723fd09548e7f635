using System;

namespace NormReg;

/// <summary>
/// A read-only view of the input scaling's fitted statistics (<c>[ZScore]</c>: each feature's mean and standard deviation;
/// <c>[MinMax]</c>: its minimum and maximum; for an image input, each channel's, torchvision's <c>Normalize(mean, std)</c>), as <c>FitNormalization</c> or <c>Load</c> left them. It holds no copy: it
/// shows the network's current values. scikit-learn: <c>StandardScaler.mean_</c>/<c>scale_</c>, <c>MinMaxScaler.data_min_</c>/<c>data_max_</c>.
/// </summary>
public readonly struct InputStatistics
{
    private readonly float[]? _statistics;

    internal InputStatistics(InputScalingKind? kind, float[] statistics, int features)
    {
        Kind = kind;
        _statistics = kind is null ? null : statistics;
        Features = kind is null ? 0 : features;
    }

    /// <summary>The input row's scaling; <see langword="null"/> when it has none (every span below is then empty).</summary>
    public InputScalingKind? Kind { get; }

    /// <summary>Features per sample (channels, for an image), each with its own statistics; 0 without scaling.</summary>
    public int Features { get; }

    /// <summary>Whether the statistics were fitted (or loaded): before, they are NaN and the network refuses to run.</summary>
    public bool IsFitted => _statistics is not null && !float.IsNaN(_statistics[0]);

    /// <summary><c>[ZScore]</c>: each feature's mean; empty otherwise.</summary>
    public ReadOnlySpan<float> Mean => First(InputScalingKind.ZScore);

    /// <summary><c>[ZScore]</c>: each feature's (population) standard deviation, 1 for a constant feature; empty otherwise.</summary>
    public ReadOnlySpan<float> StandardDeviation => Second(InputScalingKind.ZScore);

    /// <summary><c>[MinMax]</c>: each feature's minimum; empty otherwise.</summary>
    public ReadOnlySpan<float> Minimum => First(InputScalingKind.MinMax);

    /// <summary><c>[MinMax]</c>: each feature's maximum; empty otherwise.</summary>
    public ReadOnlySpan<float> Maximum => Second(InputScalingKind.MinMax);

    private ReadOnlySpan<float> First(InputScalingKind kind) => Kind == kind ? _statistics.AsSpan(0, Features) : default;

    private ReadOnlySpan<float> Second(InputScalingKind kind) => Kind == kind ? _statistics.AsSpan(Features, Features) : default;
}
