using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

/// <summary>
/// The dot-product kernel behind the forward product <c>c = a·bᵀ</c> of more than <see cref="SequentialDepth"/> steps, written once over the
/// SIMD width and over how a weight is loaded (<see cref="SingleWeights"/> or <see cref="BFloat16Weights"/>, widened exactly).
/// </summary>
/// <remarks>
/// Each dot product keeps <see cref="VirtualLanes"/> partial sums (lane <c>l</c> adds the steps <c>p ≡ l (mod 16)</c>, in order): one
/// 512-bit accumulator, or two 256-bit or four 128-bit ones in as many passes. After the last pass the sixteen lanes are folded in one
/// fixed tree (lane <c>l</c> + lane <c>l + 8</c>, then + lane <c>l + 4</c>, then <c>(e0 + e1) + (e2 + e3)</c>), the steps past the last
/// whole sixteen added in order, then the bias: the same bits at every width, every tile and every batch size.
/// Rows of <c>b</c> go in blocks that stay in L2; within a block, tiles of 8 rows of <c>a</c> × 3 rows of <c>b</c> at 512 bits (6 × 2 at
/// 256 and 128, which have 16 registers) keep the rows of <c>a</c> in L1 and stream each row of <c>b</c> once per 8 (or 6) rows of <c>a</c>.
/// </remarks>
internal static partial class Gemm
{
    /// <summary>How a kernel reads the weights <c>b</c>: a vector of them, or one, as floats.</summary>
    private interface IWeights<TWeight>
    {
        static abstract T Load<T>(ref TWeight source, nuint offset) where T : struct, IVector<T>;

        static abstract float ToSingle(TWeight value);
    }

    /// <summary>Weights in floats.</summary>
    private readonly struct SingleWeights : IWeights<float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Load<T>(ref float source, nuint offset) where T : struct, IVector<T> => T.Load(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float ToSingle(float value) => value;
    }

    /// <summary>Weights in bfloat16 (see <see cref="BFloat16"/>), widened exactly as they are loaded.</summary>
    private readonly struct BFloat16Weights : IWeights<ushort>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Load<T>(ref ushort source, nuint offset) where T : struct, IVector<T> => T.LoadBFloat16(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float ToSingle(ushort value) => BFloat16.ToSingle(value);
    }

    /// <summary>
    /// Columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> of <c>c = a·bᵀ + bias</c> at <see cref="Simd.Width"/>; no bias when
    /// <paramref name="bias"/> is a null reference.
    /// </summary>
    private static void Dot<TWeight, TLoad>(ref float a, ref TWeight b, ref float c, ref float bias, int m, int n, int k, int columnsStart, int columnsEnd)
        where TLoad : struct, IWeights<TWeight>
    {
        if (!Simd.HasFma)
        {
            DotUnfused<TWeight, TLoad>(ref a, ref b, ref c, ref bias, m, n, k, columnsStart, columnsEnd); // its own kernel and order: Gemm.Dot.NoFma.cs
            return;
        }
        switch (Simd.Width)
        {
            case 512:
                Dot<V512, TWeight, TLoad, Eight, Three>(ref a, ref b, ref c, ref bias, m, n, k, columnsStart, columnsEnd);
                break;
            case 256:
                Dot<V256, TWeight, TLoad, Six, Two>(ref a, ref b, ref c, ref bias, m, n, k, columnsStart, columnsEnd);
                break;
            default:
                Dot<V128, TWeight, TLoad, Six, Two>(ref a, ref b, ref c, ref bias, m, n, k, columnsStart, columnsEnd);
                break;
        }
    }

    private static void Dot<T, TWeight, TLoad, TRows, TColumns>(ref float a, ref TWeight b, ref float c, ref float bias, int m, int n, int k, int columnsStart, int columnsEnd)
        where T : struct, IVector<T> where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant where TColumns : struct, IConstant
    {
        Span<float> lanes = stackalloc float[8 * 4 * VirtualLanes]; // every sum of a tile, all sixteen lanes
        ref float l0 = ref lanes[0];
        var tail = new DotTail<TWeight, TLoad>(ref a, ref b, ref c, ref bias, n, k);
        // Rows of b in blocks of the same bytes whatever their type, read from memory once per call.
        int block = Math.Max(12, BlockFloats * sizeof(float) / Unsafe.SizeOf<TWeight>() / Math.Max(k, 1) / 12 * 12);
        int height = TRows.Value, whole = m - m % height;
        for (int j1 = columnsStart; j1 < columnsEnd; j1 += block)
        {
            int j2 = Math.Min(columnsEnd, j1 + block);
            for (int i0 = 0; i0 < whole; i0 += height) DotRows<T, TWeight, TLoad, TRows, TColumns>(ref a, ref b, i0, j1, j2, k, ref l0, tail);
            // The last rows: with at most two, four rows of b at a time (a matrix-vector product at batch 1, where four weight streams
            // kept the prefetchers ahead); else the tile's width.
            switch (m - whole)
            {
                case 1: DotRows<T, TWeight, TLoad, One, Four>(ref a, ref b, whole, j1, j2, k, ref l0, tail); break;
                case 2: DotRows<T, TWeight, TLoad, Two, Four>(ref a, ref b, whole, j1, j2, k, ref l0, tail); break;
                case 3: DotRows<T, TWeight, TLoad, Three, TColumns>(ref a, ref b, whole, j1, j2, k, ref l0, tail); break;
                case 4: DotRows<T, TWeight, TLoad, Four, TColumns>(ref a, ref b, whole, j1, j2, k, ref l0, tail); break;
                case 5: DotRows<T, TWeight, TLoad, Five, TColumns>(ref a, ref b, whole, j1, j2, k, ref l0, tail); break;
                case 6: DotRows<T, TWeight, TLoad, Six, TColumns>(ref a, ref b, whole, j1, j2, k, ref l0, tail); break;
                case 7: DotRows<T, TWeight, TLoad, Seven, TColumns>(ref a, ref b, whole, j1, j2, k, ref l0, tail); break;
            }
        }
    }

    /// <summary>Rows <paramref name="i0"/> to <paramref name="i0"/> + <typeparamref name="TRows"/> of <c>c</c>, columns <paramref name="j1"/> to <paramref name="j2"/>: whole tiles, then one column at a time.</summary>
    private static void DotRows<T, TWeight, TLoad, TRows, TColumns>(ref float a, ref TWeight b, int i0, int j1, int j2, int k, ref float lanes, DotTail<TWeight, TLoad> tail)
        where T : struct, IVector<T> where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant where TColumns : struct, IConstant
    {
        int width = TColumns.Value, j0 = j1;
        ref float rows = ref Unsafe.Add(ref a, i0 * k);
        for (; j0 + width <= j2; j0 += width)
        {
            DotTile<T, TWeight, TLoad, TRows, TColumns>(ref rows, ref Unsafe.Add(ref b, j0 * k), k, ref lanes);
            tail.Finish(ref lanes, i0, TRows.Value, j0, width);
        }
        for (; j0 < j2; j0++)
        {
            DotTile<T, TWeight, TLoad, TRows, One>(ref rows, ref Unsafe.Add(ref b, j0 * k), k, ref lanes);
            tail.Finish(ref lanes, i0, TRows.Value, j0, 1);
        }
    }

    /// <summary>
    /// <typeparamref name="TRows"/> rows of <c>a</c> (up to 8) against <typeparamref name="TColumns"/> rows of <c>b</c> (up to 4): every sum's
    /// <see cref="VirtualLanes"/> lanes over the whole sixteens of steps, left in <paramref name="lanes"/> at <c>(4·row + column)·16</c>.
    /// </summary>
    private static void DotTile<T, TWeight, TLoad, TRows, TColumns>(ref float a, ref TWeight w, int k, ref float lanes)
        where T : struct, IVector<T> where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant where TColumns : struct, IConstant
    {
        int rows = TRows.Value, columns = TColumns.Value, whole = k - k % VirtualLanes;
        nuint ak = (nuint)k, wk = (nuint)k;
        for (int h = 0; h < VirtualLanes; h += T.Count)
        {
            T s00 = T.Zero, s01 = T.Zero, s02 = T.Zero, s03 = T.Zero, s10 = T.Zero, s11 = T.Zero, s12 = T.Zero, s13 = T.Zero, s20 = T.Zero, s21 = T.Zero, s22 = T.Zero, s23 = T.Zero, s30 = T.Zero, s31 = T.Zero, s32 = T.Zero, s33 = T.Zero;
            T s40 = T.Zero, s41 = T.Zero, s42 = T.Zero, s43 = T.Zero, s50 = T.Zero, s51 = T.Zero, s52 = T.Zero, s53 = T.Zero, s60 = T.Zero, s61 = T.Zero, s62 = T.Zero, s63 = T.Zero, s70 = T.Zero, s71 = T.Zero, s72 = T.Zero, s73 = T.Zero;
            for (int p = h; p < whole; p += VirtualLanes)
            {
                nuint q = (nuint)p;
                T y0 = TLoad.Load<T>(ref w, q);
                T y1 = columns > 1 ? TLoad.Load<T>(ref w, q + wk) : y0, y2 = columns > 2 ? TLoad.Load<T>(ref w, q + 2 * wk) : y0, y3 = columns > 3 ? TLoad.Load<T>(ref w, q + 3 * wk) : y0;
                T x = T.Load(ref a, q);
                s00 = T.MultiplyAdd(x, y0, s00);
                if (columns > 1) s01 = T.MultiplyAdd(x, y1, s01);
                if (columns > 2) s02 = T.MultiplyAdd(x, y2, s02);
                if (columns > 3) s03 = T.MultiplyAdd(x, y3, s03);
                if (rows > 1)
                {
                    x = T.Load(ref a, q + 1 * ak);
                    s10 = T.MultiplyAdd(x, y0, s10);
                    if (columns > 1) s11 = T.MultiplyAdd(x, y1, s11);
                    if (columns > 2) s12 = T.MultiplyAdd(x, y2, s12);
                    if (columns > 3) s13 = T.MultiplyAdd(x, y3, s13);
                }
                if (rows > 2)
                {
                    x = T.Load(ref a, q + 2 * ak);
                    s20 = T.MultiplyAdd(x, y0, s20);
                    if (columns > 1) s21 = T.MultiplyAdd(x, y1, s21);
                    if (columns > 2) s22 = T.MultiplyAdd(x, y2, s22);
                    if (columns > 3) s23 = T.MultiplyAdd(x, y3, s23);
                }
                if (rows > 3)
                {
                    x = T.Load(ref a, q + 3 * ak);
                    s30 = T.MultiplyAdd(x, y0, s30);
                    if (columns > 1) s31 = T.MultiplyAdd(x, y1, s31);
                    if (columns > 2) s32 = T.MultiplyAdd(x, y2, s32);
                    if (columns > 3) s33 = T.MultiplyAdd(x, y3, s33);
                }
                if (rows > 4)
                {
                    x = T.Load(ref a, q + 4 * ak);
                    s40 = T.MultiplyAdd(x, y0, s40);
                    if (columns > 1) s41 = T.MultiplyAdd(x, y1, s41);
                    if (columns > 2) s42 = T.MultiplyAdd(x, y2, s42);
                    if (columns > 3) s43 = T.MultiplyAdd(x, y3, s43);
                }
                if (rows > 5)
                {
                    x = T.Load(ref a, q + 5 * ak);
                    s50 = T.MultiplyAdd(x, y0, s50);
                    if (columns > 1) s51 = T.MultiplyAdd(x, y1, s51);
                    if (columns > 2) s52 = T.MultiplyAdd(x, y2, s52);
                    if (columns > 3) s53 = T.MultiplyAdd(x, y3, s53);
                }
                if (rows > 6)
                {
                    x = T.Load(ref a, q + 6 * ak);
                    s60 = T.MultiplyAdd(x, y0, s60);
                    if (columns > 1) s61 = T.MultiplyAdd(x, y1, s61);
                    if (columns > 2) s62 = T.MultiplyAdd(x, y2, s62);
                    if (columns > 3) s63 = T.MultiplyAdd(x, y3, s63);
                }
                if (rows > 7)
                {
                    x = T.Load(ref a, q + 7 * ak);
                    s70 = T.MultiplyAdd(x, y0, s70);
                    if (columns > 1) s71 = T.MultiplyAdd(x, y1, s71);
                    if (columns > 2) s72 = T.MultiplyAdd(x, y2, s72);
                    if (columns > 3) s73 = T.MultiplyAdd(x, y3, s73);
                }
            }
            // Lanes h to h + T.Count of every sum, kept until the last pass; through memory, so that no accumulator is live across a call.
            nuint at = (nuint)h;
            T.Store(s00, ref lanes, at + 0u * VirtualLanes);
            if (columns > 1) T.Store(s01, ref lanes, at + 1u * VirtualLanes);
            if (columns > 2) T.Store(s02, ref lanes, at + 2u * VirtualLanes);
            if (columns > 3) T.Store(s03, ref lanes, at + 3u * VirtualLanes);
            if (rows > 1)
            {
                T.Store(s10, ref lanes, at + 4u * VirtualLanes);
                if (columns > 1) T.Store(s11, ref lanes, at + 5u * VirtualLanes);
                if (columns > 2) T.Store(s12, ref lanes, at + 6u * VirtualLanes);
                if (columns > 3) T.Store(s13, ref lanes, at + 7u * VirtualLanes);
            }
            if (rows > 2)
            {
                T.Store(s20, ref lanes, at + 8u * VirtualLanes);
                if (columns > 1) T.Store(s21, ref lanes, at + 9u * VirtualLanes);
                if (columns > 2) T.Store(s22, ref lanes, at + 10u * VirtualLanes);
                if (columns > 3) T.Store(s23, ref lanes, at + 11u * VirtualLanes);
            }
            if (rows > 3)
            {
                T.Store(s30, ref lanes, at + 12u * VirtualLanes);
                if (columns > 1) T.Store(s31, ref lanes, at + 13u * VirtualLanes);
                if (columns > 2) T.Store(s32, ref lanes, at + 14u * VirtualLanes);
                if (columns > 3) T.Store(s33, ref lanes, at + 15u * VirtualLanes);
            }
            if (rows > 4)
            {
                T.Store(s40, ref lanes, at + 16u * VirtualLanes);
                if (columns > 1) T.Store(s41, ref lanes, at + 17u * VirtualLanes);
                if (columns > 2) T.Store(s42, ref lanes, at + 18u * VirtualLanes);
                if (columns > 3) T.Store(s43, ref lanes, at + 19u * VirtualLanes);
            }
            if (rows > 5)
            {
                T.Store(s50, ref lanes, at + 20u * VirtualLanes);
                if (columns > 1) T.Store(s51, ref lanes, at + 21u * VirtualLanes);
                if (columns > 2) T.Store(s52, ref lanes, at + 22u * VirtualLanes);
                if (columns > 3) T.Store(s53, ref lanes, at + 23u * VirtualLanes);
            }
            if (rows > 6)
            {
                T.Store(s60, ref lanes, at + 24u * VirtualLanes);
                if (columns > 1) T.Store(s61, ref lanes, at + 25u * VirtualLanes);
                if (columns > 2) T.Store(s62, ref lanes, at + 26u * VirtualLanes);
                if (columns > 3) T.Store(s63, ref lanes, at + 27u * VirtualLanes);
            }
            if (rows > 7)
            {
                T.Store(s70, ref lanes, at + 28u * VirtualLanes);
                if (columns > 1) T.Store(s71, ref lanes, at + 29u * VirtualLanes);
                if (columns > 2) T.Store(s72, ref lanes, at + 30u * VirtualLanes);
                if (columns > 3) T.Store(s73, ref lanes, at + 31u * VirtualLanes);
            }
        }
    }

    /// <summary>The end of every dot product: the fold of its lanes, the steps past the last whole sixteen, the bias, the store.</summary>
    private readonly ref struct DotTail<TWeight, TLoad>(ref float a, ref TWeight b, ref float c, ref float bias, int n, int k) where TLoad : struct, IWeights<TWeight>
    {
        private readonly ref float _a = ref a, _c = ref c, _bias = ref bias;
        private readonly ref TWeight _b = ref b;

        /// <summary>Ends the sums of rows <paramref name="i0"/>.. (<paramref name="rows"/>) by columns <paramref name="j0"/>.. (<paramref name="columns"/>) from <paramref name="lanes"/>.</summary>
        public void Finish(ref float lanes, int i0, int rows, int j0, int columns)
        {
            int whole = k - k % VirtualLanes;
            bool hasBias = !Unsafe.IsNullRef(ref _bias);
            for (int r = 0; r < rows; r++)
            {
                ref float sums = ref Unsafe.Add(ref lanes, 4 * r * VirtualLanes);
                Vector128<float> s0 = Fold(ref sums), s1 = columns > 1 ? Fold(ref Unsafe.Add(ref sums, VirtualLanes)) : default;
                Vector128<float> s2 = columns > 2 ? Fold(ref Unsafe.Add(ref sums, 2 * VirtualLanes)) : default;
                Vector128<float> s3 = columns > 3 ? Fold(ref Unsafe.Add(ref sums, 3 * VirtualLanes)) : default;
                Vector128<float> totals = Simd.Sum4(s0, s1, s2, s3);
                ref float x = ref Unsafe.Add(ref _a, (i0 + r) * k);
                ref float to = ref Unsafe.Add(ref _c, (i0 + r) * n + j0);
                for (int j = 0; j < columns; j++)
                {
                    float t = totals.GetElement(j);
                    ref TWeight w = ref Unsafe.Add(ref _b, (j0 + j) * k);
                    for (int q = whole; q < k; q++) t = Simd.MultiplyAdd(Unsafe.Add(ref x, q), TLoad.ToSingle(Unsafe.Add(ref w, q)), t);
                    Unsafe.Add(ref to, j) = hasBias ? t + Unsafe.Add(ref _bias, j0 + j) : t;
                }
            }
        }

        /// <summary>Sixteen lanes folded to four: lane <c>l</c> + lane <c>l + 8</c>, then + lane <c>l + 4</c> (as <see cref="IVector{TSelf}.FoldToFour"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Fold(ref float lanes) =>
            (Vector128.LoadUnsafe(ref lanes) + Vector128.LoadUnsafe(ref lanes, 8)) + (Vector128.LoadUnsafe(ref lanes, 4) + Vector128.LoadUnsafe(ref lanes, 12));
    }
}
