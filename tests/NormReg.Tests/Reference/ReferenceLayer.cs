using System;
using MathNet.Numerics;

namespace NormReg.Tests.Reference;

/// <summary>
/// One layer evaluated in double precision, written from the textbook definitions and PyTorch's parameter
/// layout (weights [out × in] row-major, then bias), independently of the generator.
/// </summary>
public abstract class ReferenceLayer
{
    internal virtual int Width(int inputs) => inputs;

    internal virtual int ParameterCount(int inputs) => 0;

    internal abstract double[] Forward(ReadOnlySpan<double> parameters, double[] x, int batch, int inputs);

    public static ReferenceLayer Dense(int units, bool bias = true) => new DenseLayer(units, bias);

    public static ReferenceLayer ReLU() => new Elementwise(v => Math.Max(v, 0));

    public static ReferenceLayer LeakyReLU(double alpha) => new Elementwise(v => v > 0 ? v : alpha * v);

    public static ReferenceLayer Tanh() => new Elementwise(Math.Tanh);

    public static ReferenceLayer Sigmoid() => new Elementwise(v => 1 / (1 + Math.Exp(-v)));

    public static ReferenceLayer GELU() => new Elementwise(v => 0.5 * v * (1 + SpecialFunctions.Erf(v / Math.Sqrt(2))));

    public static ReferenceLayer Softmax() => new SoftmaxLayer();

    private sealed class DenseLayer(int units, bool bias) : ReferenceLayer
    {
        internal override int Width(int inputs) => units;

        internal override int ParameterCount(int inputs) => units * inputs + (bias ? units : 0);

        internal override double[] Forward(ReadOnlySpan<double> p, double[] x, int batch, int inputs)
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

    private sealed class Elementwise(Func<double, double> f) : ReferenceLayer
    {
        internal override double[] Forward(ReadOnlySpan<double> p, double[] x, int batch, int inputs) => Array.ConvertAll(x, v => f(v));
    }

    private sealed class SoftmaxLayer : ReferenceLayer
    {
        internal override double[] Forward(ReadOnlySpan<double> p, double[] x, int batch, int inputs)
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
