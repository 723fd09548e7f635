using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

/// <summary>
/// The forward product <c>c = a·bᵀ</c> of more than <see cref="SequentialDepth"/> steps where vector multiply-adds are not fused (x64
/// without AVX2, whose path is 128 bits: CPUs from before 2013, or FMA switched off). Such a path cannot give the FMA paths' bits, so it keeps
/// an order of its own, the one that suits 128-bit registers; the kernel reads the weights as <see cref="Dot{TWeight, TLoad}"/> does.
/// </summary>
/// <remarks>
/// Each dot product is one 128-bit accumulator: lane <c>l</c> adds the steps <c>p ≡ l (mod 4)</c> in order, each product rounded before it
/// is added; then the lanes are added as <c>(e0 + e1) + (e2 + e3)</c>, the steps past the last whole four in order, and the bias. No tile,
/// batch size or thread count changes that order, so the bits do not depend on how a batch is split. With one accumulator a sum, one pass
/// over <c>k</c> computes a whole tile: 6 rows of <c>a</c> × 2 rows of <c>b</c> (12 accumulators, the two weight vectors, a vector of <c>a</c>
/// and a product fill the 16 registers), 8 loads per 12 multiplies and 12 adds, where sixteen partial sums took four passes and stored
/// them between passes. The last rows of <c>a</c> take 3 to 5 × 2, and 2 × 4 or 1 × 8 with the rows of <c>a</c> held instead, so that a
/// batch of one still has eight sums in flight. Rows of <c>b</c> go in blocks that stay in L2, as in the FMA kernel.
/// </remarks>
internal static partial class Gemm
{
    /// <summary>Steps each accumulator lane takes in turn: one 128-bit vector.</summary>
    private const int UnfusedLanes = 4;

    /// <summary>
    /// <c>c = a·bᵀ + bias</c> for columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> (no bias when <paramref name="bias"/> is empty)
    /// on this kernel whatever the process's path, for tests: it has no fused multiply-add, so it gives the path's bits on any machine.
    /// </summary>
    internal static void MultiplyTransposedUnfused(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, int columnsStart, int columnsEnd) =>
        DotUnfused<float, SingleWeights>(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c),
            ref bias.IsEmpty ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetReference(bias), m, n, k, columnsStart, columnsEnd);

    /// <summary><see cref="MultiplyTransposedUnfused(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, int, int)"/> with <paramref name="b"/> in bfloat16.</summary>
    internal static void MultiplyTransposedUnfused(ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, int columnsStart, int columnsEnd) =>
        DotUnfused<ushort, BFloat16Weights>(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c),
            ref bias.IsEmpty ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetReference(bias), m, n, k, columnsStart, columnsEnd);

    /// <summary>Columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> of <c>c = a·bᵀ + bias</c> (no bias when <paramref name="bias"/> is a null reference).</summary>
    private static void DotUnfused<TWeight, TLoad>(ref float a, ref TWeight b, ref float c, ref float bias, int m, int n, int k, int columnsStart, int columnsEnd)
        where TLoad : struct, IWeights<TWeight>
    {
        Span<float> totals = stackalloc float[12];
        var tail = new UnfusedTail<TWeight, TLoad>(ref a, ref b, ref c, ref bias, n, k, ref totals[0]);
        // Rows of b in blocks of the same bytes whatever their type, a multiple of every tile's width.
        int block = Math.Max(8, BlockFloats * sizeof(float) / Unsafe.SizeOf<TWeight>() / Math.Max(k, 1) / 8 * 8);
        int whole = m - m % 6;
        for (int j1 = columnsStart; j1 < columnsEnd; j1 += block)
        {
            int j2 = Math.Min(columnsEnd, j1 + block);
            for (int i0 = 0; i0 < whole; i0 += 6) UnfusedRows<TWeight, TLoad, Six>(ref a, ref b, i0, j1, j2, k, tail);
            switch (m - whole)
            {
                case 1: UnfusedWide<TWeight, TLoad, One>(ref a, ref b, whole, j1, j2, k, tail); break;
                case 2: UnfusedWide<TWeight, TLoad, Two>(ref a, ref b, whole, j1, j2, k, tail); break;
                case 3: UnfusedRows<TWeight, TLoad, Three>(ref a, ref b, whole, j1, j2, k, tail); break;
                case 4: UnfusedRows<TWeight, TLoad, Four>(ref a, ref b, whole, j1, j2, k, tail); break;
                case 5: UnfusedRows<TWeight, TLoad, Five>(ref a, ref b, whole, j1, j2, k, tail); break;
            }
        }
    }

    /// <summary><typeparamref name="TRows"/> rows of <c>c</c> from <paramref name="i0"/>, columns <paramref name="j1"/> to <paramref name="j2"/>: two at a time, then the last alone.</summary>
    private static void UnfusedRows<TWeight, TLoad, TRows>(ref float a, ref TWeight b, int i0, int j1, int j2, int k, UnfusedTail<TWeight, TLoad> tail)
        where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant
    {
        ref float rows = ref Unsafe.Add(ref a, i0 * k);
        int j0 = j1;
        for (; j0 + 2 <= j2; j0 += 2)
        {
            UnfusedTile<TWeight, TLoad, TRows, Two>(ref rows, ref Unsafe.Add(ref b, j0 * k), k, ref tail.Totals);
            tail.Finish(i0, TRows.Value, j0, 2, 2);
        }
        if (j0 < j2)
        {
            UnfusedTile<TWeight, TLoad, TRows, One>(ref rows, ref Unsafe.Add(ref b, j0 * k), k, ref tail.Totals);
            tail.Finish(i0, TRows.Value, j0, 1, 2);
        }
    }

    /// <summary>The last one or two rows of <c>c</c> from <paramref name="i0"/>: eight columns at a time for one row, four for two, then one at a time.</summary>
    private static void UnfusedWide<TWeight, TLoad, TRows>(ref float a, ref TWeight b, int i0, int j1, int j2, int k, UnfusedTail<TWeight, TLoad> tail)
        where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant
    {
        ref float rows = ref Unsafe.Add(ref a, i0 * k);
        int j0 = j1;
        if (TRows.Value == 1)
        {
            for (; j0 + 8 <= j2; j0 += 8)
            {
                UnfusedWideTile<TWeight, TLoad, One, Eight>(ref rows, ref Unsafe.Add(ref b, j0 * k), k, ref tail.Totals);
                tail.Finish(i0, 1, j0, 8, 4);
            }
        }
        else
        {
            for (; j0 + 4 <= j2; j0 += 4)
            {
                UnfusedWideTile<TWeight, TLoad, Two, Four>(ref rows, ref Unsafe.Add(ref b, j0 * k), k, ref tail.Totals);
                tail.Finish(i0, 2, j0, 4, 4);
            }
        }
        for (; j0 < j2; j0++)
        {
            UnfusedWideTile<TWeight, TLoad, TRows, One>(ref rows, ref Unsafe.Add(ref b, j0 * k), k, ref tail.Totals);
            tail.Finish(i0, TRows.Value, j0, 1, 4);
        }
    }

    /// <summary>
    /// <typeparamref name="TRows"/> rows of <c>a</c> (up to 6) against <typeparamref name="TColumns"/> rows of <c>w</c> (up to 2), the weight vectors
    /// held: each dot product's four lanes added up, left in <paramref name="totals"/> at <c>2·row + column</c>.
    /// </summary>
    private static void UnfusedTile<TWeight, TLoad, TRows, TColumns>(ref float a, ref TWeight w, int k, ref float totals)
        where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant where TColumns : struct, IConstant
    {
        int rows = TRows.Value, columns = TColumns.Value;
        nuint whole = (nuint)(k - k % UnfusedLanes);
        ref float a0 = ref a, a1 = ref Unsafe.Add(ref a, rows > 1 ? k : 0), a2 = ref Unsafe.Add(ref a, rows > 2 ? 2 * k : 0);
        ref float a3 = ref Unsafe.Add(ref a, rows > 3 ? 3 * k : 0), a4 = ref Unsafe.Add(ref a, rows > 4 ? 4 * k : 0), a5 = ref Unsafe.Add(ref a, rows > 5 ? 5 * k : 0);
        ref TWeight w0 = ref w, w1 = ref Unsafe.Add(ref w, columns > 1 ? k : 0);
        V128 z0 = V128.Zero, z1 = V128.Zero, z2 = V128.Zero, z3 = V128.Zero, z4 = V128.Zero, z5 = V128.Zero;
        V128 z6 = V128.Zero, z7 = V128.Zero, z8 = V128.Zero, z9 = V128.Zero, z10 = V128.Zero, z11 = V128.Zero;
        for (nuint p = 0; p < whole; p += UnfusedLanes)
        {
            V128 y0 = TLoad.Load<V128>(ref w0, p);
            V128 y1 = columns > 1 ? TLoad.Load<V128>(ref w1, p) : y0;
            V128 x = V128.Load(ref a0, p);
            z0 += x * y0;
            if (columns > 1) z1 += x * y1;
            if (rows > 1)
            {
                x = V128.Load(ref a1, p);
                z2 += x * y0;
                if (columns > 1) z3 += x * y1;
            }
            if (rows > 2)
            {
                x = V128.Load(ref a2, p);
                z4 += x * y0;
                if (columns > 1) z5 += x * y1;
            }
            if (rows > 3)
            {
                x = V128.Load(ref a3, p);
                z6 += x * y0;
                if (columns > 1) z7 += x * y1;
            }
            if (rows > 4)
            {
                x = V128.Load(ref a4, p);
                z8 += x * y0;
                if (columns > 1) z9 += x * y1;
            }
            if (rows > 5)
            {
                x = V128.Load(ref a5, p);
                z10 += x * y0;
                if (columns > 1) z11 += x * y1;
            }
        }
        StoreTotals(z0, z1, z2, z3, ref totals, 0);
        if (rows > 2) StoreTotals(z4, z5, z6, z7, ref totals, 4);
        if (rows > 4) StoreTotals(z8, z9, z10, z11, ref totals, 8);
    }

    /// <summary>
    /// One or two rows of <c>a</c>, held, against <typeparamref name="TColumns"/> rows of <c>w</c> (up to 8 for one row, 4 for two), loaded
    /// as they are used: each dot product's four lanes added up, left in <paramref name="totals"/> at <c>4·row + column</c>.
    /// </summary>
    private static void UnfusedWideTile<TWeight, TLoad, TRows, TColumns>(ref float a, ref TWeight w, int k, ref float totals)
        where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant where TColumns : struct, IConstant
    {
        int rows = TRows.Value, columns = TColumns.Value;
        nuint whole = (nuint)(k - k % UnfusedLanes);
        ref float a0 = ref a, a1 = ref Unsafe.Add(ref a, rows > 1 ? k : 0);
        ref TWeight w0 = ref w, w1 = ref Unsafe.Add(ref w, columns > 1 ? k : 0), w2 = ref Unsafe.Add(ref w, columns > 2 ? 2 * k : 0), w3 = ref Unsafe.Add(ref w, columns > 3 ? 3 * k : 0);
        ref TWeight w4 = ref Unsafe.Add(ref w, columns > 4 ? 4 * k : 0), w5 = ref Unsafe.Add(ref w, columns > 5 ? 5 * k : 0), w6 = ref Unsafe.Add(ref w, columns > 6 ? 6 * k : 0), w7 = ref Unsafe.Add(ref w, columns > 7 ? 7 * k : 0);
        V128 z0 = V128.Zero, z1 = V128.Zero, z2 = V128.Zero, z3 = V128.Zero, z4 = V128.Zero, z5 = V128.Zero, z6 = V128.Zero, z7 = V128.Zero;
        for (nuint p = 0; p < whole; p += UnfusedLanes)
        {
            V128 x0 = V128.Load(ref a0, p);
            V128 x1 = rows > 1 ? V128.Load(ref a1, p) : x0;
            V128 y = TLoad.Load<V128>(ref w0, p);
            z0 += x0 * y;
            if (rows > 1) z4 += x1 * y;
            if (columns > 1)
            {
                y = TLoad.Load<V128>(ref w1, p);
                z1 += x0 * y;
                if (rows > 1) z5 += x1 * y;
            }
            if (columns > 2)
            {
                y = TLoad.Load<V128>(ref w2, p);
                z2 += x0 * y;
                if (rows > 1) z6 += x1 * y;
            }
            if (columns > 3)
            {
                y = TLoad.Load<V128>(ref w3, p);
                z3 += x0 * y;
                if (rows > 1) z7 += x1 * y;
            }
            // Columns 4 to 7 only with one row: their sums take row 1's places.
            if (columns > 4) z4 += x0 * TLoad.Load<V128>(ref w4, p);
            if (columns > 5) z5 += x0 * TLoad.Load<V128>(ref w5, p);
            if (columns > 6) z6 += x0 * TLoad.Load<V128>(ref w6, p);
            if (columns > 7) z7 += x0 * TLoad.Load<V128>(ref w7, p);
        }
        StoreTotals(z0, z1, z2, z3, ref totals, 0);
        if (rows > 1 || columns > 4) StoreTotals(z4, z5, z6, z7, ref totals, 4);
    }

    /// <summary>Each of four accumulators' lanes added as <c>(e0 + e1) + (e2 + e3)</c>, to <paramref name="totals"/> from <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTotals(V128 s0, V128 s1, V128 s2, V128 s3, ref float totals, nuint at) =>
        Simd.Sum4(V128.FoldToFour(s0), V128.FoldToFour(s1), V128.FoldToFour(s2), V128.FoldToFour(s3)).StoreUnsafe(ref totals, at);

    /// <summary>The end of every dot product of the unfused kernel: the steps past the last whole four, the bias, the store.</summary>
    private readonly ref struct UnfusedTail<TWeight, TLoad>(ref float a, ref TWeight b, ref float c, ref float bias, int n, int k, ref float totals)
        where TLoad : struct, IWeights<TWeight>
    {
        private readonly ref float _a = ref a, _c = ref c, _bias = ref bias;
        private readonly ref TWeight _b = ref b;

        /// <summary>Where the tiles leave their sums.</summary>
        public readonly ref float Totals = ref totals;

        /// <summary>
        /// Ends the sums of rows <paramref name="i0"/>.. (<paramref name="rows"/>) by columns <paramref name="j0"/>.. (<paramref name="columns"/>),
        /// found in <see cref="Totals"/> at <paramref name="stride"/>·row + column.
        /// </summary>
        public void Finish(int i0, int rows, int j0, int columns, int stride)
        {
            int whole = k - k % UnfusedLanes;
            bool hasBias = !Unsafe.IsNullRef(ref _bias);
            for (int r = 0; r < rows; r++)
            {
                ref float x = ref Unsafe.Add(ref _a, (i0 + r) * k);
                ref float to = ref Unsafe.Add(ref _c, (i0 + r) * n + j0);
                for (int j = 0; j < columns; j++)
                {
                    float t = Unsafe.Add(ref Totals, stride * r + j);
                    ref TWeight w = ref Unsafe.Add(ref _b, (j0 + j) * k);
                    for (int q = whole; q < k; q++) t += Unsafe.Add(ref x, q) * TLoad.ToSingle(Unsafe.Add(ref w, q));
                    Unsafe.Add(ref to, j) = hasBias ? t + Unsafe.Add(ref _bias, j0 + j) : t;
                }
            }
        }
    }
}
