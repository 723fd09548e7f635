using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NormReg.Kernels;

/// <summary>
/// The dot-product kernel behind the forward product <c>c = a·bᵀ</c> of more than <see cref="SequentialDepth"/> steps, written once over the
/// SIMD width and over how a weight is loaded (<see cref="SingleWeights"/> or <see cref="BFloat16Weights"/>, widened exactly).
/// </summary>
/// <remarks>
/// Each dot product keeps <see cref="VirtualLanes"/> partial sums (lane <c>l</c> adds the steps <c>p ≡ l (mod 16)</c>, in order): one
/// 512-bit accumulator, or two 256-bit or four 128-bit ones in as many passes. After the last pass the sixteen lanes are folded in one
/// fixed tree (lane <c>l</c> + lane <c>l + 8</c>, then + lane <c>l + 4</c>, then <c>(e0 + e1) + (e2 + e3)</c>), the steps past the last
/// whole sixteen added in order, then the bias: the same bits at every width, every tile and every batch size. At 512 bits the fold
/// is done in registers (<c>Gemm.Dot.Fold.cs</c>) and a tile's sums are stored a row at a time: through memory, the fold and the stores
/// cost as much as 16 steps of the tile.
/// Rows of <c>b</c> go in blocks that stay in L2; within a block, tiles of 8 rows of <c>a</c> × 3 rows of <c>b</c> at 512 bits (4 × 3 at 256,
/// 6 × 2 at 128, which have 16 registers) keep the rows of <c>a</c> in L1 and stream each row of <c>b</c> once per 8 (4, 6) rows of <c>a</c>.
/// At 256 bits 4 × 3 loads 7 vectors per 12 multiply-adds where 6 × 2 loads 8, and splits batch 8 into whole tiles (Native AOT for
/// x86-64-v3, 784 × 256 and 1024 × 1024 at batch 8: 77-80 → 80-87 GFLOP/s, the same at 32 and 128).
/// A 64-byte load that straddles two cache lines costs two, and .NET arrays start 16 bytes past a line: with more than a tile of rows
/// (at 256 and 128 bits, any number) the rows of <c>a</c> are copied to start lines; with one tile, whose time goes to streaming <c>b</c>, the loads of both are shifted to
/// start where the lines of <c>b</c> do (<see cref="Rotated"/>). Nothing of <c>b</c> is copied, nor anything at all for fewer than
/// <see cref="CopyColumns"/> rows of <c>b</c>.
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
    /// <paramref name="bias"/> is a null reference; with <paramref name="relu"/>, each value stored as <c>max(0, v)</c>.
    /// </summary>
    private static void Dot<TWeight, TLoad>(ref float a, ref TWeight b, ref float c, ref float bias, int m, int n, int k, int columnsStart, int columnsEnd, bool relu)
        where TLoad : struct, IWeights<TWeight>
    {
        if (!Simd.HasFma)
        {
            DotUnfused<TWeight, TLoad>(ref a, ref b, ref c, ref bias, m, n, k, columnsStart, columnsEnd); // its own kernel and order: Gemm.Dot.NoFma.cs
            if (relu)
            {
                for (int i = 0; i < m; i++)
                {
                    Span<float> row = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref c, (nint)i * n + columnsStart), columnsEnd - columnsStart);
                    Activations.ReLU(row, row);
                }
            }
            return;
        }
        switch (Simd.Width)
        {
            case 512:
                Dot<V512, TWeight, TLoad, Eight, Three>(ref a, ref b, ref c, ref bias, m, n, k, columnsStart, columnsEnd, relu);
                break;
            case 256:
                Dot<V256, TWeight, TLoad, Four, Three>(ref a, ref b, ref c, ref bias, m, n, k, columnsStart, columnsEnd, relu);
                break;
            default:
                Dot<V128, TWeight, TLoad, Six, Two>(ref a, ref b, ref c, ref bias, m, n, k, columnsStart, columnsEnd, relu);
                break;
        }
    }

    private static unsafe void Dot<T, TWeight, TLoad, TRows, TColumns>(ref float a, ref TWeight b, ref float c, ref float bias, int m, int n, int k, int columnsStart, int columnsEnd, bool relu)
        where T : struct, IVector<T> where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant where TColumns : struct, IConstant
    {
        bool copies = columnsEnd - columnsStart >= CopyColumns;
        if (copies && m <= TRows.Value && FoldsInRegisters<T>() && k % VirtualLanes == 0)
        {
            // One tile of rows streams each row of b once: its loads, not those of a (in L1), straddle lines when the rows do not
            // start one. b pinned: the rotated loads reach up to 15 weights before and after its rows, never past the cache lines
            // the rows are on, as long as it stays where its shift was measured.
            fixed (byte* pinned = &Unsafe.As<TWeight, byte>(ref b))
            {
                // Where every row of b starts, in weights past a cache line (for bfloat16, past the 32 bytes a vector of them takes).
                int shift = (int)((nuint)pinned / (nuint)Unsafe.SizeOf<TWeight>() % VirtualLanes);
                if (shift != 0)
                {
                    // The rows of a copied to start as far into a line, so that the loads of both, shifted back by as much, start lines.
                    int stride = k + VirtualLanes;
                    ref float rows = ref Scratch.Aligned(TRows.Value * stride);
                    for (int i = 0; i < m; i++)
                    {
                        ref float row = ref Unsafe.Add(ref rows, (nint)i * stride);
                        MemoryMarshal.CreateSpan(ref row, shift).Fill(-0f);
                        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref row, shift + k), VirtualLanes - shift).Fill(-0f);
                        Unsafe.CopyBlockUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref row, shift)), ref Unsafe.As<float, byte>(ref Unsafe.Add(ref a, (nint)i * k)), (uint)(k * sizeof(float)));
                    }
                    var tail = new DotTail<TWeight, TLoad>(ref Unsafe.Add(ref rows, shift), ref b, ref c, ref bias, n, k, stride, shift, relu);
                    Dot<T, TWeight, TLoad, TRows, TColumns, Rotated>(m, columnsStart, columnsEnd, tail);
                    return;
                }
            }
        }
        if (copies && (m > TRows.Value || !FoldsInRegisters<T>()))
        {
            // The rows of a, read once per row of b from L1 or L2, copied to start cache lines: .NET arrays start 16 bytes past one, and
            // then every 64-byte load of them straddles two. The rows of b, read from L2 by every tile of rows, straddle them where they are.
            // A line more than whole lines per row: rows 4 KB apart (k = 1024) would all fall in the same sets of L1 (b32: 6% slower).
            // At 256 and 128 bits even one tile of rows is copied: every load of a's second half-line pass straddled two lines
            // (the 256-bit path at batch 6: 44-62 → 50-67 GFLOP/s).
            int stride = (k + VirtualLanes - 1) / VirtualLanes * VirtualLanes + VirtualLanes;
            ref float copy = ref Scratch.Aligned(CopyRows * stride);
            for (int i0 = 0; i0 < m; i0 += CopyRows)
            {
                int rows = Math.Min(CopyRows, m - i0);
                for (int i = 0; i < rows; i++)
                {
                    Unsafe.CopyBlockUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref copy, (nint)i * stride)),
                        ref Unsafe.As<float, byte>(ref Unsafe.Add(ref a, (nint)(i0 + i) * k)), (uint)(k * sizeof(float)));
                }
                var tail = new DotTail<TWeight, TLoad>(ref copy, ref b, ref Unsafe.Add(ref c, (nint)i0 * n), ref bias, n, k, stride, 0, relu);
                Dot<T, TWeight, TLoad, TRows, TColumns, InPlace>(rows, columnsStart, columnsEnd, tail);
            }
            return;
        }
        Dot<T, TWeight, TLoad, TRows, TColumns, InPlace>(m, columnsStart, columnsEnd, new DotTail<TWeight, TLoad>(ref a, ref b, ref c, ref bias, n, k, k, 0, relu));
    }

    private static void Dot<T, TWeight, TLoad, TRows, TColumns, TAlign>(int m, int columnsStart, int columnsEnd, in DotTail<TWeight, TLoad> tail)
        where T : struct, IVector<T> where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant where TColumns : struct, IConstant where TAlign : struct, IAlignment
    {
        Span<float> lanes = stackalloc float[8 * 4 * VirtualLanes]; // every sum of a tile, all sixteen lanes
        ref float l0 = ref lanes[0];
        // Rows of b in blocks of the same bytes whatever their type, read from memory once per call.
        int block = Math.Max(12, BlockFloats * sizeof(float) / Unsafe.SizeOf<TWeight>() / Math.Max(tail.K, 1) / 12 * 12);
        int height = TRows.Value, whole = m - m % height;
        for (int j1 = columnsStart; j1 < columnsEnd; j1 += block)
        {
            int j2 = Math.Min(columnsEnd, j1 + block);
            for (int i0 = 0; i0 < whole; i0 += height) DotRows<T, TWeight, TLoad, TRows, TColumns, TAlign>(i0, j1, j2, ref l0, tail);
            // The last rows: with at most two, four rows of b at a time (a matrix-vector product at batch 1, where four weight streams
            // kept the prefetchers ahead); else the tile's width.
            switch (m - whole)
            {
                case 1: DotRows<T, TWeight, TLoad, One, Four, TAlign>(whole, j1, j2, ref l0, tail); break;
                case 2: DotRows<T, TWeight, TLoad, Two, Four, TAlign>(whole, j1, j2, ref l0, tail); break;
                case 3: DotRows<T, TWeight, TLoad, Three, TColumns, TAlign>(whole, j1, j2, ref l0, tail); break;
                case 4: DotRows<T, TWeight, TLoad, Four, TColumns, TAlign>(whole, j1, j2, ref l0, tail); break;
                case 5: DotRows<T, TWeight, TLoad, Five, TColumns, TAlign>(whole, j1, j2, ref l0, tail); break;
                case 6: DotRows<T, TWeight, TLoad, Six, TColumns, TAlign>(whole, j1, j2, ref l0, tail); break;
                case 7: DotRows<T, TWeight, TLoad, Seven, TColumns, TAlign>(whole, j1, j2, ref l0, tail); break;
            }
        }
    }

    /// <summary>
    /// Rows of <c>b</c> from which the rows of <c>a</c> are copied to aligned scratch: with fewer, copying them costs more than the
    /// loads that straddle two cache lines (1024 × 10 at batch 128 took 1.6× as long with the copy).
    /// </summary>
    private const int CopyColumns = 64;

    /// <summary>
    /// Rows of <c>a</c> copied at a time: each copy is used by every row of <c>b</c> before the next, and the scratch asked for is the
    /// same whatever the batch, or its share when it is split over threads, so that it grows only with <c>k</c> (0 bytes allocated per
    /// call once every layer has run). 64 rows of 1024 floats and a block of <c>b</c> take half of a current core's L2.
    /// </summary>
    private const int CopyRows = 64;

    /// <summary>Rows <paramref name="i0"/> to <paramref name="i0"/> + <typeparamref name="TRows"/> of <c>c</c>, columns <paramref name="j1"/> to <paramref name="j2"/>: whole tiles, then one column at a time.</summary>
    private static void DotRows<T, TWeight, TLoad, TRows, TColumns, TAlign>(int i0, int j1, int j2, ref float lanes, in DotTail<TWeight, TLoad> tail)
        where T : struct, IVector<T> where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant where TColumns : struct, IConstant where TAlign : struct, IAlignment
    {
        int width = TColumns.Value, j0 = j1;
        for (; j0 + width <= j2; j0 += width)
        {
            DotTile<T, TWeight, TLoad, TRows, TColumns, TAlign>(ref lanes, in tail, i0, j0);
            if (PairsInRegisters<T>()) tail.End(ref lanes, i0, TRows.Value, j0, width);
            else if (!FoldsInRegisters<T>()) tail.Finish(ref lanes, i0, TRows.Value, j0, width);
        }
        for (; j0 < j2; j0++)
        {
            DotTile<T, TWeight, TLoad, TRows, One, TAlign>(ref lanes, in tail, i0, j0);
            if (PairsInRegisters<T>()) tail.End(ref lanes, i0, TRows.Value, j0, 1);
            else if (!FoldsInRegisters<T>()) tail.Finish(ref lanes, i0, TRows.Value, j0, 1);
        }
    }

    /// <summary>
    /// <typeparamref name="TRows"/> rows of <c>a</c> (up to 8) from <paramref name="i0"/> against <typeparamref name="TColumns"/> rows of
    /// <c>b</c> (up to 4) from <paramref name="j0"/>: every sum's <see cref="VirtualLanes"/> lanes over the whole sixteens of steps, folded
    /// and stored where <see cref="FoldsInRegisters{T}"/>, else left in <paramref name="lanes"/> at <c>(4·row + column)·16</c> for
    /// <see cref="DotTail{TWeight, TLoad}.Finish"/>.
    /// </summary>
    private static void DotTile<T, TWeight, TLoad, TRows, TColumns, TAlign>(ref float lanes, in DotTail<TWeight, TLoad> tail, int i0, int j0)
        where T : struct, IVector<T> where TLoad : struct, IWeights<TWeight> where TRows : struct, IConstant where TColumns : struct, IConstant where TAlign : struct, IAlignment
    {
        int rows = TRows.Value, columns = TColumns.Value, k = tail.K, shift = TAlign.IsRotated ? tail.Shift : 0;
        // All the loop and the fold need is computed before any accumulator is live: with a call after or in the loop (an inline the
        // JIT declines without PGO or under Native AOT, or once the method's inlining budget is spent), every accumulator would be
        // spilled to the stack at each step. Which end a tile takes is tested on Unsafe.SizeOf and IsSupported, written out: constants
        // as the method is imported, so that the ends of the other widths are never imported, and never spend that budget.
        T first = TAlign.IsRotated ? Rotated.First<T>(shift) : T.Zero, last = TAlign.IsRotated ? Rotated.Last<T>(shift) : T.Zero;
        // Rotated, the loads start shift steps early and end past k - shift: a chunk more, its first and last masked.
        int end = TAlign.IsRotated ? k + VirtualLanes : k - k % VirtualLanes;
        nuint ak = (nuint)tail.RowStride, wk = (nuint)k;
        ref float a = ref Unsafe.Subtract(ref tail.Row(i0), shift);
        ref TWeight w = ref Unsafe.Subtract(ref tail.Weights(j0), shift);
        for (int h = 0; h < VirtualLanes; h += T.Count)
        {
            T s00 = T.Zero, s01 = T.Zero, s02 = T.Zero, s03 = T.Zero, s10 = T.Zero, s11 = T.Zero, s12 = T.Zero, s13 = T.Zero, s20 = T.Zero, s21 = T.Zero, s22 = T.Zero, s23 = T.Zero, s30 = T.Zero, s31 = T.Zero, s32 = T.Zero, s33 = T.Zero;
            T s40 = T.Zero, s41 = T.Zero, s42 = T.Zero, s43 = T.Zero, s50 = T.Zero, s51 = T.Zero, s52 = T.Zero, s53 = T.Zero, s60 = T.Zero, s61 = T.Zero, s62 = T.Zero, s63 = T.Zero, s70 = T.Zero, s71 = T.Zero, s72 = T.Zero, s73 = T.Zero;
            for (int p = h; p < end; p += VirtualLanes)
            {
                nuint q = (nuint)p;
                T y0 = TLoad.Load<T>(ref w, q);
                T y1 = TColumns.Value > 1 ? TLoad.Load<T>(ref w, q + wk) : y0, y2 = TColumns.Value > 2 ? TLoad.Load<T>(ref w, q + 2 * wk) : y0, y3 = TColumns.Value > 3 ? TLoad.Load<T>(ref w, q + 3 * wk) : y0;
                if (TAlign.IsRotated && (uint)(p - VirtualLanes) >= (uint)(k - VirtualLanes))
                {
                    // The first and last loads: their weights outside the row made +0, whose products with the -0 around each copied
                    // row of a, -0, add nothing to any sum.
                    T mask = p == 0 ? first : last;
                    y0 = T.Select(mask, y0, T.Zero);
                    if (TColumns.Value > 1) y1 = T.Select(mask, y1, T.Zero);
                    if (TColumns.Value > 2) y2 = T.Select(mask, y2, T.Zero);
                    if (TColumns.Value > 3) y3 = T.Select(mask, y3, T.Zero);
                }
                T x = T.Load(ref a, q);
                T.MultiplyAddTo(ref s00, x, y0);
                if (TColumns.Value > 1) T.MultiplyAddTo(ref s01, x, y1);
                if (TColumns.Value > 2) T.MultiplyAddTo(ref s02, x, y2);
                if (TColumns.Value > 3) T.MultiplyAddTo(ref s03, x, y3);
                if (TRows.Value > 1)
                {
                    x = T.Load(ref a, q + 1 * ak);
                    T.MultiplyAddTo(ref s10, x, y0);
                    if (TColumns.Value > 1) T.MultiplyAddTo(ref s11, x, y1);
                    if (TColumns.Value > 2) T.MultiplyAddTo(ref s12, x, y2);
                    if (TColumns.Value > 3) T.MultiplyAddTo(ref s13, x, y3);
                }
                if (TRows.Value > 2)
                {
                    x = T.Load(ref a, q + 2 * ak);
                    T.MultiplyAddTo(ref s20, x, y0);
                    if (TColumns.Value > 1) T.MultiplyAddTo(ref s21, x, y1);
                    if (TColumns.Value > 2) T.MultiplyAddTo(ref s22, x, y2);
                    if (TColumns.Value > 3) T.MultiplyAddTo(ref s23, x, y3);
                }
                if (TRows.Value > 3)
                {
                    x = T.Load(ref a, q + 3 * ak);
                    T.MultiplyAddTo(ref s30, x, y0);
                    if (TColumns.Value > 1) T.MultiplyAddTo(ref s31, x, y1);
                    if (TColumns.Value > 2) T.MultiplyAddTo(ref s32, x, y2);
                    if (TColumns.Value > 3) T.MultiplyAddTo(ref s33, x, y3);
                }
                if (TRows.Value > 4)
                {
                    x = T.Load(ref a, q + 4 * ak);
                    T.MultiplyAddTo(ref s40, x, y0);
                    if (TColumns.Value > 1) T.MultiplyAddTo(ref s41, x, y1);
                    if (TColumns.Value > 2) T.MultiplyAddTo(ref s42, x, y2);
                    if (TColumns.Value > 3) T.MultiplyAddTo(ref s43, x, y3);
                }
                if (TRows.Value > 5)
                {
                    x = T.Load(ref a, q + 5 * ak);
                    T.MultiplyAddTo(ref s50, x, y0);
                    if (TColumns.Value > 1) T.MultiplyAddTo(ref s51, x, y1);
                    if (TColumns.Value > 2) T.MultiplyAddTo(ref s52, x, y2);
                    if (TColumns.Value > 3) T.MultiplyAddTo(ref s53, x, y3);
                }
                if (TRows.Value > 6)
                {
                    x = T.Load(ref a, q + 6 * ak);
                    T.MultiplyAddTo(ref s60, x, y0);
                    if (TColumns.Value > 1) T.MultiplyAddTo(ref s61, x, y1);
                    if (TColumns.Value > 2) T.MultiplyAddTo(ref s62, x, y2);
                    if (TColumns.Value > 3) T.MultiplyAddTo(ref s63, x, y3);
                }
                if (TRows.Value > 7)
                {
                    x = T.Load(ref a, q + 7 * ak);
                    T.MultiplyAddTo(ref s70, x, y0);
                    if (TColumns.Value > 1) T.MultiplyAddTo(ref s71, x, y1);
                    if (TColumns.Value > 2) T.MultiplyAddTo(ref s72, x, y2);
                    if (TColumns.Value > 3) T.MultiplyAddTo(ref s73, x, y3);
                }
            }
            if (Unsafe.SizeOf<T>() == VirtualLanes * sizeof(float) && Avx512F.IsSupported)
            {
                // Every lane in this one pass: the totals of rows 0-3, then of rows 4-7, each 4·row + column.
                Vector512<float> zero = Vector512<float>.Zero;
                Vector512<int> order = TAlign.IsRotated ? Rotated.Order(shift) : default;
                Vector512<float> c0 = FoldFour<T, TAlign>(s00, s10, s20, s30, rows, order), c1 = TColumns.Value > 1 ? FoldFour<T, TAlign>(s01, s11, s21, s31, rows, order) : zero;
                Vector512<float> c2 = TColumns.Value > 2 ? FoldFour<T, TAlign>(s02, s12, s22, s32, rows, order) : zero;
                Vector512<float> c3 = TColumns.Value > 3 ? FoldFour<T, TAlign>(s03, s13, s23, s33, rows, order) : zero;
                Vector512<float> low = SumFour(c0, c1, c2, c3), high = zero;
                if (TRows.Value > 4)
                {
                    c0 = FoldFour<T, TAlign>(s40, s50, s60, s70, rows - 4, order);
                    c1 = TColumns.Value > 1 ? FoldFour<T, TAlign>(s41, s51, s61, s71, rows - 4, order) : zero;
                    c2 = TColumns.Value > 2 ? FoldFour<T, TAlign>(s42, s52, s62, s72, rows - 4, order) : zero;
                    c3 = TColumns.Value > 3 ? FoldFour<T, TAlign>(s43, s53, s63, s73, rows - 4, order) : zero;
                    high = SumFour(c0, c1, c2, c3);
                }
                tail.Store(low, high, ref lanes, i0, rows, j0, columns);
                return;
            }
            if (Unsafe.SizeOf<T>() == VirtualLanes / 2 * sizeof(float) && h != 0)
            {
                // The second and last pass at 256 bits: each sum's lanes l + 8 added to its lanes l (the first pass's, from memory) and
                // folded as they leave the registers, rather than stored and read back 16 at a time.
                Total<T, TColumns>(ref lanes, 0, s00, s01, s02, s03);
                if (TRows.Value > 1) Total<T, TColumns>(ref lanes, 1, s10, s11, s12, s13);
                if (TRows.Value > 2) Total<T, TColumns>(ref lanes, 2, s20, s21, s22, s23);
                if (TRows.Value > 3) Total<T, TColumns>(ref lanes, 3, s30, s31, s32, s33);
                if (TRows.Value > 4) Total<T, TColumns>(ref lanes, 4, s40, s41, s42, s43);
                if (TRows.Value > 5) Total<T, TColumns>(ref lanes, 5, s50, s51, s52, s53);
                if (TRows.Value > 6) Total<T, TColumns>(ref lanes, 6, s60, s61, s62, s63);
                if (TRows.Value > 7) Total<T, TColumns>(ref lanes, 7, s70, s71, s72, s73);
                return;
            }
            // Lanes h to h + T.Count of every sum, kept until the last pass; through memory, so that no accumulator is live across a call.
            nuint at = (nuint)h;
            T.Store(s00, ref lanes, at + 0u * VirtualLanes);
            if (TColumns.Value > 1) T.Store(s01, ref lanes, at + 1u * VirtualLanes);
            if (TColumns.Value > 2) T.Store(s02, ref lanes, at + 2u * VirtualLanes);
            if (TColumns.Value > 3) T.Store(s03, ref lanes, at + 3u * VirtualLanes);
            if (TRows.Value > 1)
            {
                T.Store(s10, ref lanes, at + 4u * VirtualLanes);
                if (TColumns.Value > 1) T.Store(s11, ref lanes, at + 5u * VirtualLanes);
                if (TColumns.Value > 2) T.Store(s12, ref lanes, at + 6u * VirtualLanes);
                if (TColumns.Value > 3) T.Store(s13, ref lanes, at + 7u * VirtualLanes);
            }
            if (TRows.Value > 2)
            {
                T.Store(s20, ref lanes, at + 8u * VirtualLanes);
                if (TColumns.Value > 1) T.Store(s21, ref lanes, at + 9u * VirtualLanes);
                if (TColumns.Value > 2) T.Store(s22, ref lanes, at + 10u * VirtualLanes);
                if (TColumns.Value > 3) T.Store(s23, ref lanes, at + 11u * VirtualLanes);
            }
            if (TRows.Value > 3)
            {
                T.Store(s30, ref lanes, at + 12u * VirtualLanes);
                if (TColumns.Value > 1) T.Store(s31, ref lanes, at + 13u * VirtualLanes);
                if (TColumns.Value > 2) T.Store(s32, ref lanes, at + 14u * VirtualLanes);
                if (TColumns.Value > 3) T.Store(s33, ref lanes, at + 15u * VirtualLanes);
            }
            if (TRows.Value > 4)
            {
                T.Store(s40, ref lanes, at + 16u * VirtualLanes);
                if (TColumns.Value > 1) T.Store(s41, ref lanes, at + 17u * VirtualLanes);
                if (TColumns.Value > 2) T.Store(s42, ref lanes, at + 18u * VirtualLanes);
                if (TColumns.Value > 3) T.Store(s43, ref lanes, at + 19u * VirtualLanes);
            }
            if (TRows.Value > 5)
            {
                T.Store(s50, ref lanes, at + 20u * VirtualLanes);
                if (TColumns.Value > 1) T.Store(s51, ref lanes, at + 21u * VirtualLanes);
                if (TColumns.Value > 2) T.Store(s52, ref lanes, at + 22u * VirtualLanes);
                if (TColumns.Value > 3) T.Store(s53, ref lanes, at + 23u * VirtualLanes);
            }
            if (TRows.Value > 6)
            {
                T.Store(s60, ref lanes, at + 24u * VirtualLanes);
                if (TColumns.Value > 1) T.Store(s61, ref lanes, at + 25u * VirtualLanes);
                if (TColumns.Value > 2) T.Store(s62, ref lanes, at + 26u * VirtualLanes);
                if (TColumns.Value > 3) T.Store(s63, ref lanes, at + 27u * VirtualLanes);
            }
            if (TRows.Value > 7)
            {
                T.Store(s70, ref lanes, at + 28u * VirtualLanes);
                if (TColumns.Value > 1) T.Store(s71, ref lanes, at + 29u * VirtualLanes);
                if (TColumns.Value > 2) T.Store(s72, ref lanes, at + 30u * VirtualLanes);
                if (TColumns.Value > 3) T.Store(s73, ref lanes, at + 31u * VirtualLanes);
            }
        }
    }

    /// <summary>Whether a tile's sums take two passes (256 bits), the second ending them in registers with <see cref="Total{T, TColumns}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool PairsInRegisters<T>() where T : struct, IVector<T> => Unsafe.SizeOf<T>() == VirtualLanes / 2 * sizeof(float);

    /// <summary>
    /// The totals of one row of a tile from its sums' second halves <paramref name="s0"/>.. (lanes 8-15) and their first halves in
    /// <paramref name="lanes"/> at <c>(4·row + column)·16</c>: the same fold and order as <see cref="DotTail{TWeight, TLoad}.Finish"/>'s,
    /// left at <c>4·row + column</c>. Rows in order: a row's totals overwrite only lanes of row 0, already read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Total<T, TColumns>(ref float lanes, int row, T s0, T s1, T s2, T s3) where T : struct, IVector<T> where TColumns : struct, IConstant
    {
        ref float sums = ref Unsafe.Add(ref lanes, 4 * row * VirtualLanes);
        Vector128<float> f0 = T.FoldToFour(s0 + T.Load(ref sums, 0));
        Vector128<float> f1 = TColumns.Value > 1 ? T.FoldToFour(s1 + T.Load(ref sums, VirtualLanes)) : default;
        Vector128<float> f2 = TColumns.Value > 2 ? T.FoldToFour(s2 + T.Load(ref sums, 2 * VirtualLanes)) : default;
        Vector128<float> f3 = TColumns.Value > 3 ? T.FoldToFour(s3 + T.Load(ref sums, 3 * VirtualLanes)) : default;
        Simd.Sum4(f0, f1, f2, f3).StoreUnsafe(ref Unsafe.Add(ref lanes, 4 * row));
    }

    /// <summary>
    /// What the tiles of one product share: where <c>a</c> (rows <see cref="RowStride"/> apart), <c>b</c> and <c>c</c> are, and the end of every
    /// dot product: the fold of its lanes, the steps past the last whole sixteen, the bias, the store (as <c>max(0, v)</c> with <paramref name="relu"/>).
    /// </summary>
    private readonly ref struct DotTail<TWeight, TLoad>(ref float a, ref TWeight b, ref float c, ref float bias, int n, int k, int rowStride, int shift, bool relu) where TLoad : struct, IWeights<TWeight>
    {
        private readonly ref float _a = ref a, _c = ref c, _bias = ref bias;
        private readonly ref TWeight _b = ref b;

        /// <summary>Steps of every dot product.</summary>
        public int K => k;

        /// <summary>Weights from the cache line (or 32 bytes of bfloat16) before every row of <c>b</c> to its start, when <see cref="Rotated"/>.</summary>
        public int Shift => shift;

        /// <summary>Floats from one row of <c>a</c> to the next.</summary>
        public int RowStride => rowStride;

        /// <summary>Row <paramref name="i"/> of <c>a</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref float Row(int i) => ref Unsafe.Add(ref _a, (nint)i * rowStride);

        /// <summary>Row <paramref name="j"/> of <c>b</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref TWeight Weights(int j) => ref Unsafe.Add(ref _b, (nint)j * k);

        /// <summary>Ends the sums of rows <paramref name="i0"/>.. (<paramref name="rows"/>) by columns <paramref name="j0"/>.. (<paramref name="columns"/>) from their lanes in <paramref name="lanes"/>.</summary>
        public void Finish(ref float lanes, int i0, int rows, int j0, int columns)
        {
            for (int r = 0; r < rows; r++)
            {
                ref float sums = ref Unsafe.Add(ref lanes, 4 * r * VirtualLanes);
                Vector128<float> s0 = Fold(ref sums), s1 = columns > 1 ? Fold(ref Unsafe.Add(ref sums, VirtualLanes)) : default;
                Vector128<float> s2 = columns > 2 ? Fold(ref Unsafe.Add(ref sums, 2 * VirtualLanes)) : default;
                Vector128<float> s3 = columns > 3 ? Fold(ref Unsafe.Add(ref sums, 3 * VirtualLanes)) : default;
                Simd.Sum4(s0, s1, s2, s3).StoreUnsafe(ref Unsafe.Add(ref lanes, 4 * r));
            }
            End(ref lanes, i0, rows, j0, columns);
        }

        /// <summary>
        /// Stores the totals of rows <paramref name="i0"/>.. (<paramref name="rows"/>) by columns <paramref name="j0"/>.. (<paramref name="columns"/>),
        /// folded in registers: rows 0-3 in <paramref name="low"/>, 4-7 in <paramref name="high"/>, each at <c>4·row + column</c>. Dot products
        /// whose steps are whole sixteens only take the bias, a vector per row; the others end one by one.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector512<float> low, Vector512<float> high, ref float lanes, int i0, int rows, int j0, int columns)
        {
            if (k % VirtualLanes != 0)
            {
                low.StoreUnsafe(ref lanes);
                if (rows > 4) high.StoreUnsafe(ref lanes, VirtualLanes);
                End(ref lanes, i0, rows, j0, columns);
                return;
            }
            if (!Unsafe.IsNullRef(ref _bias))
            {
                Vector128<float> b4 = Bias4(j0, columns);
                Vector512<float> b16 = Vector512.Create(Vector256.Create(b4, b4), Vector256.Create(b4, b4));
                low += b16;
                if (rows > 4) high += b16;
            }
            if (relu)
            {
                // v ≤ 0 (−0 included) stored as +0, NaN as itself: Activations.ReLU's max(0, v).
                low = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(low, Vector512<float>.Zero), Vector512<float>.Zero, low);
                high = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(high, Vector512<float>.Zero), Vector512<float>.Zero, high);
            }
            ref float to = ref Unsafe.Add(ref _c, (nint)i0 * n + j0);
            StoreRow(low.GetLower().GetLower(), ref to, columns);
            if (rows > 1) StoreRow(low.GetLower().GetUpper(), ref Unsafe.Add(ref to, n), columns);
            if (rows > 2) StoreRow(low.GetUpper().GetLower(), ref Unsafe.Add(ref to, 2 * n), columns);
            if (rows > 3) StoreRow(low.GetUpper().GetUpper(), ref Unsafe.Add(ref to, 3 * n), columns);
            if (rows > 4) StoreRow(high.GetLower().GetLower(), ref Unsafe.Add(ref to, 4 * n), columns);
            if (rows > 5) StoreRow(high.GetLower().GetUpper(), ref Unsafe.Add(ref to, 5 * n), columns);
            if (rows > 6) StoreRow(high.GetUpper().GetLower(), ref Unsafe.Add(ref to, 6 * n), columns);
            if (rows > 7) StoreRow(high.GetUpper().GetUpper(), ref Unsafe.Add(ref to, 7 * n), columns);
        }

        /// <summary>The bias of columns <paramref name="j0"/>.. (<paramref name="columns"/>, up to four), zeros past them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector128<float> Bias4(int j0, int columns) =>
            j0 + 4 <= n ? Vector128.LoadUnsafe(ref _bias, (nuint)j0) : Vector128.Create(Unsafe.Add(ref _bias, j0),
                columns > 1 ? Unsafe.Add(ref _bias, j0 + 1) : 0f, columns > 2 ? Unsafe.Add(ref _bias, j0 + 2) : 0f, columns > 3 ? Unsafe.Add(ref _bias, j0 + 3) : 0f);

        /// <summary>The first <paramref name="columns"/> values of <paramref name="row"/> to <paramref name="to"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreRow(Vector128<float> row, ref float to, int columns)
        {
            if (columns == 4)
            {
                row.StoreUnsafe(ref to);
                return;
            }
            to = row.ToScalar();
            if (columns > 1) Unsafe.Add(ref to, 1) = row.GetElement(1);
            if (columns > 2) Unsafe.Add(ref to, 2) = row.GetElement(2);
        }

        /// <summary>The totals in <paramref name="lanes"/> at <c>4·row + column</c>, each with the steps past the last whole sixteen, then the bias, stored.</summary>
        public void End(ref float lanes, int i0, int rows, int j0, int columns)
        {
            int whole = k - k % VirtualLanes;
            bool hasBias = !Unsafe.IsNullRef(ref _bias);
            if (whole == k)
            {
                // Nothing past the whole sixteens: the bias added a row of four at a time, the same additions.
                Vector128<float> b4 = hasBias ? Bias4(j0, columns) : default;
                ref float first = ref Unsafe.Add(ref _c, (nint)i0 * n + j0);
                for (int r = 0; r < rows; r++)
                {
                    Vector128<float> t = Vector128.LoadUnsafe(ref lanes, (nuint)(4 * r));
                    if (hasBias) t += b4;
                    if (relu) t = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(t, Vector128<float>.Zero), Vector128<float>.Zero, t);
                    StoreRow(t, ref Unsafe.Add(ref first, (nint)r * n), columns);
                }
                return;
            }
            // The last steps of up to eight rows, four rows to a vector: each lane one row's chain, the same fused multiply-adds
            // in the same order as one at a time. The rows' steps are set across first, a column of rows per step. One at a time
            // (24 chains of up to 15 steps per tile), 128 × 72 → 64 took 44 µs, 37 now; 32 × 200 → 100, 17.5 and 16 µs.
            int steps = k - whole;
            Span<float> across = stackalloc float[VirtualLanes * 8];
            Span<float> totals = stackalloc float[8];
            ref float t0 = ref MemoryMarshal.GetReference(across);
            ref float s0 = ref MemoryMarshal.GetReference(totals);
            for (int r = 0; r < rows; r++)
            {
                ref float x = ref Unsafe.Add(ref Row(i0 + r), whole);
                for (int q = 0; q < steps; q++) Unsafe.Add(ref t0, 8 * q + r) = Unsafe.Add(ref x, q);
            }
            for (int j = 0; j < columns; j++)
            {
                for (int r = 0; r < rows; r++) Unsafe.Add(ref s0, r) = Unsafe.Add(ref lanes, 4 * r + j);
                V128 low = V128.Load(ref s0, 0), high = V128.Load(ref s0, 4);
                ref TWeight w = ref Unsafe.Add(ref Weights(j0 + j), whole);
                for (int q = 0; q < steps; q++)
                {
                    V128 weight = V128.Create(TLoad.ToSingle(Unsafe.Add(ref w, q)));
                    low = V128.MultiplyAdd(V128.Load(ref t0, (nuint)(8 * q)), weight, low);
                    if (rows > 4) high = V128.MultiplyAdd(V128.Load(ref t0, (nuint)(8 * q + 4)), weight, high);
                }
                if (hasBias)
                {
                    V128 b = V128.Create(Unsafe.Add(ref _bias, j0 + j));
                    low += b;
                    high += b;
                }
                V128.Store(low, ref s0, 0);
                V128.Store(high, ref s0, 4);
                ref float to = ref Unsafe.Add(ref _c, (nint)i0 * n + j0 + j);
                for (int r = 0; r < rows; r++)
                {
                    float t = Unsafe.Add(ref s0, r);
                    Unsafe.Add(ref to, (nint)r * n) = relu && t <= 0f ? 0f : t;
                }
            }
        }

        /// <summary>Sixteen lanes folded to four: lane <c>l</c> + lane <c>l + 8</c>, then + lane <c>l + 4</c> (as <see cref="IVector{TSelf}.FoldToFour"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Fold(ref float lanes) =>
            (Vector128.LoadUnsafe(ref lanes) + Vector128.LoadUnsafe(ref lanes, 8)) + (Vector128.LoadUnsafe(ref lanes, 4) + Vector128.LoadUnsafe(ref lanes, 12));
    }
}
