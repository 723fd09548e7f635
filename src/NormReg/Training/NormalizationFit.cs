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
    private readonly double[] _second;  // sum of squared deviations (ZScore)
    private readonly double[] _low;     // minimum of each feature
    private readonly double[] _high;    // maximum of each feature
    private readonly int _spatial;      // values per feature in a sample: an image channel's pixels, 1 for a vector
    private long _count;
    private bool _completed;
    private readonly Action? _onCompleted;

    /// <summary>Used by generated code: statistics go to <paramref name="statistics"/> at <paramref name="offset"/>, first values then second values.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public NormalizationFit(InputScalingKind kind, int features, float[] statistics, int offset, string network)
        : this(kind, features, 1, statistics, offset, network, null)
    {
    }

    /// <summary>
    /// As the public constructor for samples of <paramref name="features"/> channels of <paramref name="spatial"/> values each
    /// (an image's pixels; 1 for a vector), fitting one pair of statistics per channel; calls <paramref name="completed"/> once
    /// the statistics are written.
    /// </summary>
    internal NormalizationFit(InputScalingKind kind, int features, int spatial, float[] statistics, int offset, string network, Action? completed)
    {
        _onCompleted = completed;
        _kind = kind;
        Features = features;
        _spatial = spatial;
        _statistics = statistics;
        _offset = offset;
        _network = network;
        _first = new double[features];
        _second = new double[features];
        _low = new double[features];
        _high = new double[features];
        _low.AsSpan().Fill(double.PositiveInfinity);
        _high.AsSpan().Fill(double.NegativeInfinity);
    }

    /// <summary>Features per sample (channels, for an image), each with its own statistics.</summary>
    public int Features { get; }

    private int SampleLength => Features * _spatial;

    /// <summary>Samples seen so far.</summary>
    public long Count => _count;

    /// <summary>Adds a chunk of whole samples, row-major.</summary>
    /// <exception cref="ArgumentException">
    /// The chunk is not whole samples, holds NaN or infinity, or widens a feature's range past what float can hold (e.g.
    /// −3e38 and 3e38: the scaled values would be infinite); the message names the value and its feature, and nothing of
    /// the chunk is counted.
    /// </exception>
    public void Add(ReadOnlySpan<float> samples) => Add(samples, nameof(samples));

    /// <summary><see cref="Add(ReadOnlySpan{float})"/>, its messages naming the caller's parameter (<c>features</c> of FitNormalization).</summary>
    internal void Add(ReadOnlySpan<float> samples, string parameter)
    {
        if (_completed) throw new InvalidOperationException($"{_network}: this normalization fit was already completed; begin a new one.");
        if (samples.Length % SampleLength != 0)
        {
            throw new ArgumentException($"{_network}: {parameter} must hold whole rows of {SampleLength} features; got {samples.Length} values.", parameter);
        }
        Kernels.Guard.Finite(samples, parameter, _network);
        CheckRanges(samples, parameter);
        for (int start = 0; start < samples.Length; start += SampleLength)
        {
            _count++;
            for (int j = 0; j < Features; j++)
            {
                ReadOnlySpan<float> values = samples.Slice(start + j * _spatial, _spatial);
                for (int p = 0; p < values.Length; p++)
                {
                    double v = values[p];
                    _low[j] = Math.Min(_low[j], v);
                    _high[j] = Math.Max(_high[j], v);
                    if (_kind == InputScalingKind.ZScore)
                    {
                        double delta = v - _first[j];
                        _first[j] += delta / ((_count - 1) * _spatial + p + 1);
                        _second[j] += delta * (v - _first[j]);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Refuses a chunk that would widen a feature's range past float: the scaled values (<c>x − mean</c>, <c>max − min</c>)
    /// are computed in float and would be infinite. Runs before anything of the chunk is counted.
    /// </summary>
    private void CheckRanges(ReadOnlySpan<float> samples, string parameter)
    {
        string what = _spatial == 1 ? "feature" : "channel";
        for (int j = 0; j < Features; j++)
        {
            float low = (float)Math.Min(_low[j], double.MaxValue), high = (float)Math.Max(_high[j], double.MinValue);
            bool seen = _count > 0;
            for (int sample = 0; sample * SampleLength < samples.Length; sample++)
            {
                for (int p = 0; p < _spatial; p++)
                {
                    int index = sample * SampleLength + j * _spatial + p;
                    float v = samples[index];
                    low = seen ? Math.Min(low, v) : v;
                    high = seen ? Math.Max(high, v) : v;
                    seen = true;
                    if (!float.IsFinite(high - low))
                    {
                        throw new ArgumentException(
                            FormattableString.Invariant($"{_network}: {parameter}[{index}] = {v:R} (sample {sample} of this chunk, {what} {j}) widens {what} {j}'s range to [{low:R}, {high:R}], ")
                            + FormattableString.Invariant($"whose width overflows float ({float.MaxValue:R}); its scaled values would be infinite. Scale the {what} down before fitting; nothing of this chunk was counted."),
                            parameter);
                    }
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
                // Population (biased) variance: divide by n, not n − 1. A deviation too small for float counts as none.
                float std = (float)Math.Sqrt(_second[j] / (_count * _spatial));
                first[j] = (float)_first[j];
                second[j] = std > 0 ? std : 1f;
            }
            else
            {
                first[j] = (float)_low[j];
                second[j] = (float)_high[j];
            }
        }
        _completed = true;
        _onCompleted?.Invoke();
    }
}
