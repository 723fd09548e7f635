using System.ComponentModel;
using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

/// <summary>Weight penalties (Keras units, no ½) and the max-norm constraint.</summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
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

    /// <summary>
    /// Adds the penalty's gradient, <c>l1·sign(w) + 2·l2·w</c> (sign(0) = 0), to <paramref name="gradients"/>, without
    /// branches. Returns whether every gradient is finite afterwards.
    /// </summary>
    public static bool AddGradient(ReadOnlySpan<float> weights, Span<float> gradients, float l1, float l2)
    {
        if (weights.Length < gradients.Length) throw new ArgumentException($"weights must hold at least {gradients.Length} values; got {weights.Length}.", nameof(weights));
        AddGradient(ref MemoryMarshal.GetReference(weights), ref MemoryMarshal.GetReference(gradients), gradients.Length, l1, 2f * l2);
        return Guard.AllFinite(gradients);
    }

    /// <summary>
    /// <see cref="AddGradient(ReadOnlySpan{float}, Span{float}, float, float)"/> on <paramref name="count"/> values from references, for
    /// the matrix kernels, which add it to each tile of weight gradients while the tile is still in cache.
    /// </summary>
    internal static void AddGradient(ref float weights, ref float gradients, int count, float l1, float twiceL2)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> l1s = Vector256.Create(l1), l2s = Vector256.Create(twiceL2);
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> w = Vector256.LoadUnsafe(ref weights, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref gradients, (nuint)i);
                if (l1 != 0)
                {
                    // l1·sign(w): +l1 where w > 0, −l1 where w < 0, 0 at 0.
                    g += Vector256.ConditionalSelect(Vector256.GreaterThan(w, Vector256<float>.Zero), l1s, Vector256<float>.Zero)
                        - Vector256.ConditionalSelect(Vector256.LessThan(w, Vector256<float>.Zero), l1s, Vector256<float>.Zero);
                }
                (g + l2s * w).StoreUnsafe(ref gradients, (nuint)i);
            }
        }
        for (; i < count; i++)
        {
            float w = Unsafe.Add(ref weights, i);
            ref float g = ref Unsafe.Add(ref gradients, i);
            if (l1 != 0) g += w > 0 ? l1 : w < 0 ? -l1 : 0f;
            g += twiceL2 * w;
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
            double squares = 0; // in order and in double: TensorPrimitives.Norm's order, and so its last bits, depend on the SIMD width
            foreach (float w in row) squares += (double)w * w;
            float norm = (float)Math.Sqrt(squares);
            if (norm > maxValue) TensorPrimitives.Multiply(row, maxValue / (norm + 1e-7f), row);
        }
    }
}
