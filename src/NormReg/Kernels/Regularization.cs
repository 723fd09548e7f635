using System;

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

    /// <summary>Adds the penalty's gradient, <c>l1·sign(w) + 2·l2·w</c> (sign(0) = 0), to <paramref name="gradients"/>.</summary>
    public static void AddGradient(ReadOnlySpan<float> weights, Span<float> gradients, float l1, float l2)
    {
        float twiceL2 = 2f * l2;
        for (int i = 0; i < gradients.Length; i++) gradients[i] += l1 * MathF.Sign(weights[i]) + twiceL2 * weights[i];
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
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            if (norm > maxValue) System.Numerics.Tensors.TensorPrimitives.Multiply(row, maxValue / (norm + 1e-7f), row);
        }
    }
}
