using System.ComponentModel;
using System;

namespace NormReg;

/// <summary>The input scaling an <c>[Input]</c> row declares.</summary>
public enum InputScalingKind
{
    /// <summary><c>[ZScore]</c>: mean and standard deviation.</summary>
    ZScore,

    /// <summary><c>[MinMax]</c>: minimum and maximum.</summary>
    MinMax,
}

/// <summary>
/// Fits a network's input scaling in one pass over data given in any number of chunks, so sets larger than
/// memory can be streamed: <c>var fit = net.BeginNormalizationFit(); fit.Add(chunk)…; fit.Complete();</c>.
/// Means and variances use Welford's update in double precision; the variance is the biased one, as
/// scikit-learn's <c>StandardScaler</c> and Keras' <c>Normalization.adapt</c>.
/// </summary>
public sealed class NormalizationFit
{
    private readonly InputScalingKind _kind;
    private readonly float[] _statistics;
    private readonly int _offset;
    private readonly string _network;
    private readonly double[] _first;   // running mean, or minimum
    private readonly double[] _second;  // sum of squared deviations, or maximum
    private long _count;
    private bool _completed;
    private readonly Action? _onCompleted;

    /// <summary>Used by generated code: statistics go to <paramref name="statistics"/> at <paramref name="offset"/>, first values then second values.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public NormalizationFit(InputScalingKind kind, int features, float[] statistics, int offset, string network)
        : this(kind, features, statistics, offset, network, null)
    {
    }

    /// <summary>As the public constructor, calling <paramref name="completed"/> once the statistics are written.</summary>
    internal NormalizationFit(InputScalingKind kind, int features, float[] statistics, int offset, string network, Action? completed)
    {
        _onCompleted = completed;
        _kind = kind;
        Features = features;
        _statistics = statistics;
        _offset = offset;
        _network = network;
        _first = new double[features];
        _second = new double[features];
        if (kind == InputScalingKind.MinMax)
        {
            _first.AsSpan().Fill(double.PositiveInfinity);
            _second.AsSpan().Fill(double.NegativeInfinity);
        }
    }

    /// <summary>Features per sample.</summary>
    public int Features { get; }

    /// <summary>Samples seen so far.</summary>
    public long Count => _count;

    /// <summary>Adds a chunk of whole samples, row-major.</summary>
    /// <exception cref="ArgumentException">The chunk is not whole samples or holds NaN or infinity; nothing of it is counted.</exception>
    public void Add(ReadOnlySpan<float> samples)
    {
        if (_completed) throw new InvalidOperationException($"{_network}: this normalization fit was already completed; begin a new one.");
        if (samples.Length % Features != 0)
        {
            throw new ArgumentException($"{_network}: samples must hold whole rows of {Features} features; got {samples.Length} values.", nameof(samples));
        }
        Kernels.Guard.Finite(samples, nameof(samples), _network);
        for (int start = 0; start < samples.Length; start += Features)
        {
            ReadOnlySpan<float> row = samples.Slice(start, Features);
            _count++;
            for (int j = 0; j < Features; j++)
            {
                double v = row[j];
                if (_kind == InputScalingKind.ZScore)
                {
                    double delta = v - _first[j];
                    _first[j] += delta / _count;
                    _second[j] += delta * (v - _first[j]);
                }
                else
                {
                    _first[j] = Math.Min(_first[j], v);
                    _second[j] = Math.Max(_second[j], v);
                }
            }
        }
    }

    /// <summary>
    /// Writes the fitted statistics into the network. A feature of zero variance gets a standard deviation of 1
    /// (scikit-learn's rule); a feature of zero range will map to the range's low end.
    /// </summary>
    /// <exception cref="InvalidOperationException">No sample was added.</exception>
    public void Complete()
    {
        if (_count == 0) throw new InvalidOperationException($"{_network}: FitNormalization needs at least one sample.");
        Span<float> first = _statistics.AsSpan(_offset, Features), second = _statistics.AsSpan(_offset + Features, Features);
        for (int j = 0; j < Features; j++)
        {
            if (_kind == InputScalingKind.ZScore)
            {
                double variance = _second[j] / _count;
                first[j] = (float)_first[j];
                second[j] = variance > 0 ? (float)Math.Sqrt(variance) : 1f;
            }
            else
            {
                first[j] = (float)_first[j];
                second[j] = (float)_second[j];
            }
        }
        _completed = true;
        _onCompleted?.Invoke();
    }
}
