using System;
using System.Linq;

namespace NormReg.Tests.Reference;

/// <summary>A whole network and its loss in double precision: the independent side of the gradient checks.</summary>
public sealed class ReferenceNetwork(Shape inputShape, Loss loss, params ReferenceLayer[] layers)
{
    public ReferenceNetwork(int inputSize, Loss loss, params ReferenceLayer[] layers)
        : this(Shape.Vector(inputSize), loss, layers)
    {
    }

    internal int ParameterCount => Walk().Sum(w => w.Layer.ParameterCount(w.Input));

    internal int StatisticsCount => Walk().Sum(w => w.Layer.StatisticsCount(w.Input));

    /// <summary>The outputs for <paramref name="state"/> laid out as the generated network's CopyState: parameters, then statistics.</summary>
    internal double[] Forward(double[] state, double[] inputs, int batch, bool training)
    {
        double[] x = inputs;
        int parameterOffset = 0, statisticsOffset = ParameterCount;
        foreach ((ReferenceLayer layer, Shape shape) in Walk())
        {
            int parameters = layer.ParameterCount(shape), statistics = layer.StatisticsCount(shape);
            x = layer.Forward(state.AsSpan(parameterOffset, parameters), state.AsSpan(statisticsOffset, statistics), x, batch, shape, training);
            parameterOffset += parameters;
            statisticsOffset += statistics;
        }
        return x;
    }

    /// <summary>The L1/L2 penalty of the parameters in <paramref name="state"/>.</summary>
    internal double Penalty(double[] state)
    {
        double total = 0;
        int offset = 0;
        foreach ((ReferenceLayer layer, Shape shape) in Walk())
        {
            (double l1, double l2, _) = layer.Penalty;
            total += state.Skip(offset).Take(layer.PenalizedCount(shape)).Sum(w => l1 * Math.Abs(w) + l2 * w * w);
            offset += layer.ParameterCount(shape);
        }
        return total;
    }

    /// <summary>The mean training-mode data loss plus the penalty; for softmax cross-entropy <paramref name="targets"/> holds one class index per sample.</summary>
    internal double Objective(double[] state, double[] inputs, double[] targets, int batch)
    {
        double[] y = Forward(state, inputs, batch, training: true);
        return DataLoss(y, targets, batch) + Penalty(state);
    }

    private double DataLoss(double[] y, double[] targets, int batch)
    {
        switch (loss)
        {
            case Loss.SoftmaxCrossEntropy:
                int classes = y.Length / batch;
                double total = 0;
                for (int n = 0; n < batch; n++)
                {
                    double[] row = y.Skip(n * classes).Take(classes).ToArray();
                    double max = row.Max();
                    total += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[(int)targets[n]];
                }
                return total / batch;
            case Loss.BinaryCrossEntropy:
                return y.Select((z, i) => -(targets[i] * Math.Log(Sigmoid(z)) + (1 - targets[i]) * Math.Log(1 - Sigmoid(z)))).Average();
            default:
                return y.Select((v, i) => (v - targets[i]) * (v - targets[i])).Average();
        }
    }

    private System.Collections.Generic.IEnumerable<(ReferenceLayer Layer, Shape Input)> Walk()
    {
        Shape shape = inputShape;
        foreach (ReferenceLayer layer in layers)
        {
            yield return (layer, shape);
            shape = layer.Out(shape);
        }
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
