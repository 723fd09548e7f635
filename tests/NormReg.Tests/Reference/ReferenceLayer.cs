using System;
using System.Linq;
using MathNet.Numerics;

namespace NormReg.Tests.Reference;

/// <summary>
/// One row evaluated in double precision, written from the textbook definitions and PyTorch's parameter
/// layout (weights [out × in] row-major, then bias; γ then β), independently of the generator.
/// </summary>
public abstract class ReferenceLayer
{
    internal virtual int Width(int inputs) => inputs;

    internal virtual int ParameterCount(int inputs) => 0;

    /// <summary>Fitted or running statistics the row reads (input scaling, BatchNorm).</summary>
    internal virtual int StatisticsCount(int inputs) => 0;

    /// <summary>L1 and L2 strengths on the weights (γ for normalization rows), and whether the bias (β) is covered too.</summary>
    internal (double L1, double L2, bool IncludeBias) Penalty { get; private init; }

    internal abstract double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> statistics, double[] x, int batch, int inputs, bool training);

    public static ReferenceLayer Dense(int units, bool bias = true, double l1 = 0, double l2 = 0, bool penalizeBias = false) =>
        new DenseLayer(units, bias) { Penalty = (l1, l2, penalizeBias) };

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
    internal int PenalizedCount(int inputs) =>
        Penalty.IncludeBias ? ParameterCount(inputs) : this is DenseLayer ? inputs * Width(inputs) : inputs;

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

    /// <summary>Training: batch mean and biased variance per feature. Inference: running mean and variance.</summary>
    private sealed class BatchNormLayer(double epsilon) : ReferenceLayer
    {
        internal override int ParameterCount(int inputs) => 2 * inputs;

        internal override int StatisticsCount(int inputs) => 2 * inputs;

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training)
        {
            var y = new double[x.Length];
            for (int j = 0; j < inputs; j++)
            {
                double[] column = Enumerable.Range(0, batch).Select(n => x[n * inputs + j]).ToArray();
                double mean = training ? column.Average() : s[j];
                double variance = training ? column.Select(v => (v - mean) * (v - mean)).Average() : s[inputs + j];
                for (int n = 0; n < batch; n++) y[n * inputs + j] = p[j] * (x[n * inputs + j] - mean) / Math.Sqrt(variance + epsilon) + p[inputs + j];
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

    private sealed class ZScoreLayer : ReferenceLayer
    {
        internal override int StatisticsCount(int inputs) => 2 * inputs;

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training)
        {
            double[] statistics = s.ToArray();
            return x.Select((v, i) => (v - statistics[i % inputs]) / statistics[inputs + i % inputs]).ToArray();
        }
    }

    private sealed class MinMaxLayer(double low, double high) : ReferenceLayer
    {
        internal override int StatisticsCount(int inputs) => 2 * inputs;

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training)
        {
            double[] statistics = s.ToArray();
            return x.Select((v, i) =>
            {
                double min = statistics[i % inputs], max = statistics[inputs + i % inputs];
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
