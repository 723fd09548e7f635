using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>Weight penalties (Keras units, no ½) and the max-norm constraint.</summary>
public static class Regularization
{
    /// <summary><c>l1·Σ|w| + l2·Σw²</c>, summed in double precision.</summary>
    public static double Penalty(ReadOnlySpan<float> weights, double l1, double l2)
    {
        double absolute = 0, squares = 0;
        foreach (float w in weights)
        {
            absolute += Math.Abs(w);
            squares += (double)w * w;
        }
        return l1 * absolute + l2 * squares;
    }

    /// <summary>Adds the penalty's gradient, <c>l1·sign(w) + 2·l2·w</c> (sign(0) = 0), to <paramref name="gradients"/>, without branches.</summary>
    public static void AddGradient(ReadOnlySpan<float> weights, Span<float> gradients, float l1, float l2)
    {
        if (weights.Length < gradients.Length) throw new ArgumentException($"weights must hold at least {gradients.Length} values; got {weights.Length}.", nameof(weights));
        float twiceL2 = 2f * l2;
        if (l1 == 0)
        {
            TensorPrimitives.MultiplyAdd(weights.Slice(0, gradients.Length), twiceL2, gradients, gradients);
            return;
        }
        var l1s = new Vector<float>(l1);
        var l2s = new Vector<float>(twiceL2);
        int i = 0;
        for (; i <= gradients.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var w = new Vector<float>(weights.Slice(i));
            // l1·sign(w): +l1 where w > 0, −l1 where w < 0, 0 at 0.
            Vector<float> sign = Vector.ConditionalSelect(Vector.GreaterThan(w, Vector<float>.Zero), l1s, Vector<float>.Zero)
                - Vector.ConditionalSelect(Vector.LessThan(w, Vector<float>.Zero), l1s, Vector<float>.Zero);
            (new Vector<float>(gradients.Slice(i)) + sign + l2s * w).CopyTo(gradients.Slice(i));
        }
        for (; i < gradients.Length; i++)
        {
            float w = weights[i];
            gradients[i] += (w > 0 ? l1 : w < 0 ? -l1 : 0f) + twiceL2 * w;
        }
    }

    /// <summary>
    /// Rescales each output unit's incoming weights (a row of [outputs × inputs]) whose L2 norm exceeds
    /// <paramref name="maxValue"/> by <c>maxValue / (norm + 1e-7)</c>, as PyTorch's <c>torch.renorm</c>.
    /// </summary>
    public static void MaxNorm(Span<float> weights, int inputs, int outputs, float maxValue)
    {
        for (int o = 0; o < outputs; o++)
        {
            Span<float> row = weights.Slice(o * inputs, inputs);
            float norm = TensorPrimitives.Norm(row);
            if (norm > maxValue) TensorPrimitives.Multiply(row, maxValue / (norm + 1e-7f), row);
        }
    }
}
