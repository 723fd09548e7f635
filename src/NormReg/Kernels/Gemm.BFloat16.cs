using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NormReg.Kernels;

/// <summary>
/// The forward product with bfloat16 weights (see <see cref="BFloat16"/>), widened to floats as they are loaded and summed in floats in
/// the order of the float kernel: with weights that are bfloat16 values, both give the same bits. It runs on one thread, for the
/// small batches whose time goes to reading the weights.
/// </summary>
internal static partial class Gemm
{
    /// <summary>
    /// <c>c[i, j] = Σₚ a[i, p]·b[j, p] + bias[j]</c> with <paramref name="b"/> [n × k] in bfloat16, on the float product's kernel and in its order
    /// (<see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, ReadOnlySpan{float})"/>) for
    /// <paramref name="k"/> above <see cref="SequentialDepth"/>, the only depths it takes; with <paramref name="relu"/>, stored as <c>max(0, v)</c>.
    /// </summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, bool relu = false)
    {
        if (k <= SequentialDepth) throw new ArgumentOutOfRangeException(nameof(k), k, $"bfloat16 products take more than {SequentialDepth} steps.");
        ref float bias0 = ref bias.IsEmpty ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetReference(bias);
        Dot<ushort, BFloat16Weights>(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), ref bias0, m, n, k, 0, n, relu);
    }
}
