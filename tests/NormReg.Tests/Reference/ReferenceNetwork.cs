using System;
using System.Linq;

namespace NormReg.Tests.Reference;

/// <summary>A whole network and its loss in double precision: the independent side of the gradient checks.</summary>
public sealed class ReferenceNetwork(int inputSize, Loss loss, params ReferenceLayer[] layers)
{
    internal int ParameterCount
    {
        get
        {
            int total = 0, width = inputSize;
            foreach (ReferenceLayer layer in layers)
            {
                total += layer.ParameterCount(width);
                width = layer.Width(width);
            }
            return total;
        }
    }

    internal double[] Forward(double[] parameters, double[] inputs, int batch)
    {
        double[] x = inputs;
        int width = inputSize, offset = 0;
        foreach (ReferenceLayer layer in layers)
        {
            int count = layer.ParameterCount(width);
            x = layer.Forward(parameters.AsSpan(offset, count), x, batch, width);
            offset += count;
            width = layer.Width(width);
        }
        return x;
    }

    /// <summary>The mean loss; for softmax cross-entropy <paramref name="targets"/> holds one class index per sample.</summary>
    internal double MeanLoss(double[] parameters, double[] inputs, double[] targets, int batch)
    {
        double[] y = Forward(parameters, inputs, batch);
        switch (loss)
        {
            case NormReg.Loss.SoftmaxCrossEntropy:
                int classes = y.Length / batch;
                double total = 0;
                for (int n = 0; n < batch; n++)
                {
                    double[] row = y.Skip(n * classes).Take(classes).ToArray();
                    double max = row.Max();
                    total += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[(int)targets[n]];
                }
                return total / batch;
            case NormReg.Loss.BinaryCrossEntropy:
                return y.Select((z, i) => -(targets[i] * Math.Log(Sigmoid(z)) + (1 - targets[i]) * Math.Log(1 - Sigmoid(z)))).Average();
            default:
                return y.Select((v, i) => (v - targets[i]) * (v - targets[i])).Average();
        }
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
