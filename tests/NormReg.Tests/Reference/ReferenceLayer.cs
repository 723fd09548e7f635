using System;
using System.Linq;
using MathNet.Numerics;

namespace NormReg.Tests.Reference;

/// <summary>
/// One row evaluated in double precision, written from the textbook definitions and PyTorch's parameter
/// layout (weights [out × in] row-major, then bias; γ then β), independently of the generator.
/// </summary>
public abstract partial class ReferenceLayer
{
    internal virtual int Width(int inputs) => inputs;

    internal virtual int ParameterCount(int inputs) => 0;

    /// <summary>Fitted or running statistics the row reads (input scaling, BatchNorm).</summary>
    internal virtual int StatisticsCount(int inputs) => 0;

    /// <summary>The shape the row makes of <paramref name="input"/>: an image stays one unless the row makes a vector of it.</summary>
    internal virtual Shape Out(Shape input) => Width(input.Size) == input.Size ? input : Shape.Vector(Width(input.Size));

    internal virtual int ParameterCount(Shape input) => ParameterCount(input.Size);

    internal virtual int StatisticsCount(Shape input) => StatisticsCount(input.Size);

    internal virtual double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> statistics, double[] x, int batch, Shape input, bool training) =>
        Forward(parameters, statistics, x, batch, input.Size, training);

    /// <summary>L1 and L2 strengths on the weights (γ for normalization rows), and whether the bias (β) is covered too.</summary>
    internal (double L1, double L2, bool IncludeBias) Penalty { get; private init; }

    internal abstract double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> statistics, double[] x, int batch, int inputs, bool training);

    public static ReferenceLayer Dense(int units, bool bias = true, double l1 = 0, double l2 = 0, bool penalizeBias = false) =>
        new DenseLayer(units, bias) { Penalty = (l1, l2, penalizeBias) };

    /// <summary>BatchNorm1d on a vector; on an image BatchNorm2d, whose statistics and γ, β are per channel.</summary>
    public static ReferenceLayer BatchNorm(double epsilon = 1e-5, double l1 = 0, double l2 = 0) => new BatchNormLayer(epsilon) { Penalty = (l1, l2, false) };

    public static ReferenceLayer LayerNorm(double epsilon = 1e-5, double l1 = 0, double l2 = 0) => new LayerNormLayer(epsilon) { Penalty = (l1, l2, false) };

    public static ReferenceLayer ZScore() => new ZScoreLayer();

    public static ReferenceLayer MinMax(double low, double high) => new MinMaxLayer(low, high);

    public static ReferenceLayer ReLU() => new Elementwise(v => Math.Max(v, 0));

    public static ReferenceLayer LeakyReLU(double alpha) => new Elementwise(v => v > 0 ? v : alpha * v);

    public static ReferenceLayer Tanh() => new Elementwise(Math.Tanh);

    public static ReferenceLayer Sigmoid() => new Elementwise(v => 1 / (1 + Math.Exp(-v)));

    public static ReferenceLayer GELU() => new Elementwise(v => 0.5 * v * (1 + SpecialFunctions.Erf(v / Math.Sqrt(2))));

    public static ReferenceLayer Softmax() => new SoftmaxLayer();

    /// <summary>How many leading parameters of this row the penalty covers: the weights (or γ), and the bias (or β) when included.</summary>
    internal virtual int PenalizedCount(Shape input) =>
        Penalty.IncludeBias ? ParameterCount(input) : this is DenseLayer ? input.Size * Width(input.Size) : input.Size;

    private sealed class DenseLayer(int units, bool bias) : ReferenceLayer
    {
        internal override int Width(int inputs) => units;

        internal override int ParameterCount(int inputs) => units * inputs + (bias ? units : 0);

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training)
        {
            var y = new double[batch * units];
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < units; o++)
                {
                    double sum = bias ? p[units * inputs + o] : 0;
                    for (int i = 0; i < inputs; i++) sum += p[o * inputs + i] * x[n * inputs + i];
                    y[n * units + o] = sum;
                }
            }
            return y;
        }
    }

    /// <summary>
    /// Training: batch mean and biased variance per feature (per channel over the batch and every pixel, for an image).
    /// Inference: running mean and variance.
    /// </summary>
    private sealed class BatchNormLayer(double epsilon) : ReferenceLayer
    {
        internal override int ParameterCount(int inputs) => 2 * inputs;

        internal override int StatisticsCount(int inputs) => 2 * inputs;

        internal override int ParameterCount(Shape input) => 2 * input.Channels;

        internal override int StatisticsCount(Shape input) => 2 * input.Channels;

        internal override int PenalizedCount(Shape input) => input.Channels;

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training) =>
            Forward(p, s, x, batch, Shape.Vector(inputs), training);

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, Shape input, bool training)
        {
            var y = new double[x.Length];
            int channels = input.Channels, spatial = input.Spatial;
            for (int j = 0; j < channels; j++)
            {
                int[] at = [.. Enumerable.Range(0, batch).SelectMany(n => Enumerable.Range(0, spatial).Select(q => (n * channels + j) * spatial + q))];
                double mean = training ? at.Average(i => x[i]) : s[j];
                double variance = training ? at.Average(i => (x[i] - mean) * (x[i] - mean)) : s[channels + j];
                foreach (int i in at) y[i] = p[j] * (x[i] - mean) / Math.Sqrt(variance + epsilon) + p[channels + j];
            }
            return y;
        }
    }

    private sealed class LayerNormLayer(double epsilon) : ReferenceLayer
    {
        internal override int ParameterCount(int inputs) => 2 * inputs;

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training)
        {
            var y = new double[x.Length];
            for (int n = 0; n < batch; n++)
            {
                double[] row = x.Skip(n * inputs).Take(inputs).ToArray();
                double mean = row.Average();
                double variance = row.Select(v => (v - mean) * (v - mean)).Average();
                for (int j = 0; j < inputs; j++) y[n * inputs + j] = p[j] * (row[j] - mean) / Math.Sqrt(variance + epsilon) + p[inputs + j];
            }
            return y;
        }
    }

    /// <summary>Per feature of a vector; per channel of an image (torchvision's <c>Normalize</c>).</summary>
    private sealed class ZScoreLayer : ReferenceLayer
    {
        internal override int StatisticsCount(int inputs) => 2 * inputs;

        internal override int StatisticsCount(Shape input) => 2 * input.Channels;

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training) =>
            Forward(p, s, x, batch, Shape.Vector(inputs), training);

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, Shape input, bool training)
        {
            double[] statistics = s.ToArray();
            int c = input.Channels;
            return x.Select((v, i) => (v - statistics[input.ChannelOf(i)]) / statistics[c + input.ChannelOf(i)]).ToArray();
        }
    }

    private sealed class MinMaxLayer(double low, double high) : ReferenceLayer
    {
        internal override int StatisticsCount(int inputs) => 2 * inputs;

        internal override int StatisticsCount(Shape input) => 2 * input.Channels;

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training) =>
            Forward(p, s, x, batch, Shape.Vector(inputs), training);

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, Shape input, bool training)
        {
            double[] statistics = s.ToArray();
            return x.Select((v, i) =>
            {
                double min = statistics[input.ChannelOf(i)], max = statistics[input.Channels + input.ChannelOf(i)];
                return max > min ? low + (v - min) / (max - min) * (high - low) : low;
            }).ToArray();
        }
    }

    private sealed class Elementwise(Func<double, double> f) : ReferenceLayer
    {
        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training) => Array.ConvertAll(x, v => f(v));
    }

    private sealed class SoftmaxLayer : ReferenceLayer
    {
        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training)
        {
            var y = new double[x.Length];
            for (int n = 0; n < batch; n++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int i = 0; i < inputs; i++) max = Math.Max(max, x[n * inputs + i]);
                for (int i = 0; i < inputs; i++) sum += y[n * inputs + i] = Math.Exp(x[n * inputs + i] - max);
                for (int i = 0; i < inputs; i++) y[n * inputs + i] /= sum;
            }
            return y;
        }
    }
}
