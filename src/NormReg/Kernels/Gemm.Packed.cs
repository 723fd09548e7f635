using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NormReg.Kernels;

/// <summary>
/// The forward product <c>c = a·bᵀ + bias</c> on weights packed once (<see cref="Pack"/>), at 512 or 256 bits with FMA: the same bits as the
/// dot-product kernel (<c>Gemm.Dot.cs</c>), without its fold.
/// </summary>
/// <remarks>
/// The dot-product kernel holds the sixteen partial sums of one output in the lanes of a vector and folds them across lanes at the end of
/// every tile, with shuffles that cost more the shorter the dot products (this kernel took 0.95 of its time on 784 × 256 at batch 128,
/// 0.87 on 256 × 128, 0.99 on 1024 × 1024, before the rows of <c>a</c> were interleaved). Here a vector holds one partial sum of sixteen
/// outputs: tiles of up to 8 rows of <c>a</c> by three vectors of outputs (4 by three at 256 bits, a last single row by six) run sixteen passes, pass <c>l</c> summing the steps
/// <c>p ≡ l (mod 16)</c> in order, and the passes' tiles are added in the fold's tree (lane <c>l</c> + lane <c>l + 8</c>, + lane
/// <c>l + 4</c>, then <c>(e0 + e1) + (e2 + e3)</c>) with vertical adds, as a binary counter adds: the same additions, none across lanes.
/// The steps past the last whole sixteen, the bias and the ReLU follow as the other kernel applies them. Each pass broadcasts one value of
/// a row of <c>a</c> per step and reads the packed weights in order. The panels are the same at both widths but for the last ones
/// (<see cref="PanelOutputs"/>); in a panel, each tile's weights are packed apart (<see cref="TileOutputs"/>), at 256 bits two tiles of 24
/// outputs in a panel of 48.
/// From 512 steps (<see cref="InterleavedDepth"/>) the rows of <c>a</c> are interleaved too, eight at a time, once per call
/// (<see cref="PackRows"/>): a pass then reads its values of a tile's rows side by side, half a cache line per step, where it read a float
/// of each row's line, 8 lines per step that the weights streaming through L1 evict before the next pass needs them again (one thread,
/// batch 128, median time over the dot kernel's: 1024 × 1024 0.99 → 0.94, 784 × 256 0.975 → 0.965).
/// </remarks>
internal static partial class Gemm
{
    /// <summary>Outputs per packed panel: the three vectors of a 512-bit tile's columns, two tiles of three at 256 bits.</summary>
    private const int PanelWidth = 48;

    /// <summary>
    /// Whether <see cref="Pack"/> and <see cref="MultiplyPacked"/> serve a layer of <paramref name="inputs"/> × <paramref name="outputs"/>: on
    /// the 512- or 256-bit path with FMA, dot products longer than <see cref="SequentialDepth"/> (the others are summed in order) and at least a panel
    /// of outputs (a narrower one would fill a third of a tile at most).
    /// </summary>
    public static bool PacksWeights(int inputs, int outputs) => HasPackedKernel && inputs > SequentialDepth && outputs >= PanelWidth;

    /// <summary>Whether this process runs <see cref="MultiplyPacked"/>: on the 512- or 256-bit path with FMA.</summary>
    public static bool HasPackedKernel => Simd.HasFma && (Simd.Width == 512 ? Avx512F.IsSupported : Simd.Width == 256 && Avx2.IsSupported);

    /// <summary>
    /// Outputs of the panel from <paramref name="j0"/>: three vectors of 16, or the rest rounded up to whole vectors; at 512 bits, four
    /// vectors left go in two panels of two. A last panel of one vector runs tiles of only 8 chains of multiply-adds, each step waiting on
    /// the latency of the last (784 × 256 at batch 128: its 16 outputs took 1.3 times as long as 16 in panels of three; split, the product
    /// takes 0.98 of the time). At 256 bits a tile of one vector of 8 outputs still has 4 chains, and the split would leave fewer tiles of three
    /// (784 × 256: 1.02 times as long).
    /// </summary>
    private static int PanelOutputs(int n, int j0)
    {
        int vectors = (n - j0 + 15) / 16;
        return (vectors == 4 && Simd.Width == 512 ? 2 : Math.Min(3, vectors)) * 16;
    }

    /// <summary>The bound between panels (or <paramref name="n"/>) nearest to output <paramref name="target"/>, where a split product cuts its outputs.</summary>
    private static int PanelBound(int n, int target)
    {
        int j0 = 0;
        for (int width; j0 < n; j0 += width)
        {
            width = PanelOutputs(n, j0);
            int next = Math.Min(n, j0 + width);
            if (next > target) return target - j0 <= next - target ? j0 : next;
        }
        return n;
    }

    /// <summary>Floats <see cref="Pack"/> writes: every output's weights, the last panel's outputs rounded up to whole vectors.</summary>
    public static int PackedLength(int inputs, int outputs) => (outputs + 15) / 16 * 16 * inputs;

    /// <summary>
    /// Writes <paramref name="b"/> [n × k] into <paramref name="packed"/> (<see cref="PackedLength"/> floats) as <see cref="MultiplyPacked"/>
    /// reads it: panels of <see cref="PanelOutputs"/> outputs (zeros past <paramref name="n"/>), each its tiles' outputs
    /// (<see cref="TileOutputs"/>) one after the other, and each tile's holding for every pass <c>l</c> the steps <c>16t + l</c> in order,
    /// then the steps past the last whole sixteen, a row of the tile's outputs per step.
    /// Whole vectors of outputs move sixteen steps at a time, by 16 × 16 transposes in registers (two of 8 × 8 per 8 outputs at 256 bits):
    /// 784 × 256 weights in 18 µs, where a float at a time took 230 µs or more.
    /// </summary>
    public static void Pack(ReadOnlySpan<float> b, Span<float> packed, int n, int k)
    {
        for (int j0 = 0, width; j0 < n; j0 += width)
        {
            width = PanelOutputs(n, j0);
            for (int o = 0, tile = TileOutputs(width); o < width; o += tile) PackTile(b, packed.Slice((j0 + o) * k, tile * k), j0 + o, n - j0 - o, tile, k);
        }
    }

    /// <summary>
    /// Outputs of one tile of a panel <paramref name="width"/> wide: the panel at 512 bits; at 256 bits, half a panel of 48 and 16 of a
    /// narrower one (<see cref="PackedProduct.Panel"/>). Each tile's weights are packed apart, so that its passes stream them in order: read
    /// out of panels of 48, half of every 192-byte row, WideMlp's product of 8 rows by 1024 × 1024 ran at 120–123 GFLOP/s at 256 bits (84–86 %
    /// of that width's peak); packed apart at 126–129 (5 rows: 108 → 113).
    /// </summary>
    private static int TileOutputs(int width) => Simd.Width == 512 ? width : width == PanelWidth ? PanelWidth / 2 : 16;

    /// <summary>
    /// The outputs from <paramref name="j"/> of one tile <paramref name="width"/> wide, as <see cref="Pack"/> lays them out in
    /// <paramref name="tile"/>; zeros past the first <paramref name="real"/>.
    /// </summary>
    private static void PackTile(ReadOnlySpan<float> b, Span<float> tile, int j, int real, int width, int k)
    {
        int whole = k - k % VirtualLanes, steps = whole / VirtualLanes, group = Simd.Width == 512 ? 16 : 8;
        nint pitch = (nint)steps * width;
        for (int v = 0; v < width; v += group)
        {
            ref float to = ref Unsafe.Add(ref MemoryMarshal.GetReference(tile), v);
            if (real - v >= group)
            {
                // Sixteen steps of a group of outputs at a time, transposed: step 16t + l of the outputs is their row of pass l.
                ref float rows = ref Unsafe.AsRef(in b[(j + v) * k]);
                for (int t = 0; t < steps; t++)
                {
                    ref float from = ref Unsafe.Add(ref rows, t * VirtualLanes);
                    ref float at = ref Unsafe.Add(ref to, (nint)t * width);
                    if (group == 16)
                    {
                        Transpose16(ref from, k, ref at, pitch);
                        continue;
                    }
                    Transpose8(ref from, k, ref at, pitch);
                    Transpose8(ref Unsafe.Add(ref from, 8), k, ref Unsafe.Add(ref at, 8 * pitch), pitch);
                }
            }
            else
            {
                for (int g = 0; g < group; g++)
                {
                    for (int p = 0; p < whole; p++) Unsafe.Add(ref to, (nint)(p % VirtualLanes * steps + p / VirtualLanes) * width + g) = g < real - v ? b[(j + v + g) * k + p] : 0f;
                }
            }
            for (int p = whole; p < k; p++)
            {
                for (int g = 0; g < group; g++) Unsafe.Add(ref to, (nint)p * width + g) = g < real - v ? b[(j + v + g) * k + p] : 0f;
            }
        }
    }

    /// <summary>
    /// Stores the transpose of the 16 × 16 block at <paramref name="from"/> (rows <paramref name="row"/> floats apart): column <c>l</c> of the
    /// block as a vector at <paramref name="to"/> + <c>l</c> · <paramref name="pitch"/>. Four rounds of shuffles, the last two moving 128-bit lanes.
    /// </summary>
    private static void Transpose16(ref float from, int row, ref float to, nint pitch)
    {
        Vector512<float> r0 = Vector512.LoadUnsafe(ref from), r1 = Vector512.LoadUnsafe(ref from, (nuint)row), r2 = Vector512.LoadUnsafe(ref from, (nuint)(2 * row)), r3 = Vector512.LoadUnsafe(ref from, (nuint)(3 * row));
        Vector512<float> r4 = Vector512.LoadUnsafe(ref from, (nuint)(4 * row)), r5 = Vector512.LoadUnsafe(ref from, (nuint)(5 * row)), r6 = Vector512.LoadUnsafe(ref from, (nuint)(6 * row)), r7 = Vector512.LoadUnsafe(ref from, (nuint)(7 * row));
        Vector512<float> r8 = Vector512.LoadUnsafe(ref from, (nuint)(8 * row)), r9 = Vector512.LoadUnsafe(ref from, (nuint)(9 * row)), r10 = Vector512.LoadUnsafe(ref from, (nuint)(10 * row)), r11 = Vector512.LoadUnsafe(ref from, (nuint)(11 * row));
        Vector512<float> r12 = Vector512.LoadUnsafe(ref from, (nuint)(12 * row)), r13 = Vector512.LoadUnsafe(ref from, (nuint)(13 * row)), r14 = Vector512.LoadUnsafe(ref from, (nuint)(14 * row)), r15 = Vector512.LoadUnsafe(ref from, (nuint)(15 * row));
        // In each 128-bit lane q: t0 = rows 0, 1 at steps 4q, 4q + 1 interleaved; t1 the same at 4q + 2, 4q + 3.
        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1), t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5), t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9), t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13), t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);
        // In each lane q: u0 = rows 0-3 at step 4q, u1 at 4q + 1, u2 at 4q + 2, u3 at 4q + 3; u4.. rows 4-7, u8.. rows 8-11, u12.. rows 12-15.
        Vector512<float> u0 = Low(t0, t2), u1 = High(t0, t2), u2 = Low(t1, t3), u3 = High(t1, t3), u4 = Low(t4, t6), u5 = High(t4, t6), u6 = Low(t5, t7), u7 = High(t5, t7);
        Vector512<float> u8 = Low(t8, t10), u9 = High(t8, t10), u10 = Low(t9, t11), u11 = High(t9, t11), u12 = Low(t12, t14), u13 = High(t12, t14), u14 = Low(t13, t15), u15 = High(t13, t15);
        Columns(u0, u4, u8, u12, ref to, pitch);
        Columns(u1, u5, u9, u13, ref Unsafe.Add(ref to, pitch), pitch);
        Columns(u2, u6, u10, u14, ref Unsafe.Add(ref to, 2 * pitch), pitch);
        Columns(u3, u7, u11, u15, ref Unsafe.Add(ref to, 3 * pitch), pitch);

        static Vector512<float> Low(Vector512<float> a, Vector512<float> b) => Avx512F.UnpackLow(a.AsDouble(), b.AsDouble()).AsSingle();

        static Vector512<float> High(Vector512<float> a, Vector512<float> b) => Avx512F.UnpackHigh(a.AsDouble(), b.AsDouble()).AsSingle();
    }

    /// <summary>
    /// Stores the transpose of the 8 × 8 block at <paramref name="from"/> (rows <paramref name="row"/> floats apart): column <c>l</c> of the
    /// block as a vector at <paramref name="to"/> + <c>l</c> · <paramref name="pitch"/>. The 256-bit path's quarter of <see cref="Transpose16"/>.
    /// </summary>
    private static void Transpose8(ref float from, int row, ref float to, nint pitch)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref from), r1 = Vector256.LoadUnsafe(ref from, (nuint)row), r2 = Vector256.LoadUnsafe(ref from, (nuint)(2 * row)), r3 = Vector256.LoadUnsafe(ref from, (nuint)(3 * row));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref from, (nuint)(4 * row)), r5 = Vector256.LoadUnsafe(ref from, (nuint)(5 * row)), r6 = Vector256.LoadUnsafe(ref from, (nuint)(6 * row)), r7 = Vector256.LoadUnsafe(ref from, (nuint)(7 * row));
        // In each 128-bit lane q: t0 = rows 0, 1 at steps 4q, 4q + 1 interleaved; t1 the same at 4q + 2, 4q + 3.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // In each lane q: u0 = rows 0-3 at step 4q, u1 at 4q + 1, u2 at 4q + 2, u3 at 4q + 3; u4.. rows 4-7.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref to);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref to, pitch));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref to, 2 * pitch));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref to, 3 * pitch));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref to, 4 * pitch));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref to, 5 * pitch));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref to, 6 * pitch));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref to, 7 * pitch));
    }

    /// <summary>
    /// From four vectors holding rows 0-3, 4-7, 8-11 and 12-15 of columns <c>c</c>, <c>c + 4</c>, <c>c + 8</c> and <c>c + 12</c> (one per
    /// 128-bit lane), stores those columns whole at <paramref name="to"/>, + 4, + 8 and + 12 times <paramref name="pitch"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, ref float to, nint pitch)
    {
        Vector512<float> even0 = Avx512F.Shuffle4x128(a, b, 0x88), odd0 = Avx512F.Shuffle4x128(a, b, 0xDD);
        Vector512<float> even1 = Avx512F.Shuffle4x128(c, d, 0x88), odd1 = Avx512F.Shuffle4x128(c, d, 0xDD);
        Avx512F.Shuffle4x128(even0, even1, 0x88).StoreUnsafe(ref to);
        Avx512F.Shuffle4x128(odd0, odd1, 0x88).StoreUnsafe(ref Unsafe.Add(ref to, 4 * pitch));
        Avx512F.Shuffle4x128(even0, even1, 0xDD).StoreUnsafe(ref Unsafe.Add(ref to, 8 * pitch));
        Avx512F.Shuffle4x128(odd0, odd1, 0xDD).StoreUnsafe(ref Unsafe.Add(ref to, 12 * pitch));
    }

    /// <summary>Rows of <c>a</c> that <see cref="PackRows"/> interleaves: a 512-bit tile's, two of the 256-bit path's.</summary>
    private const int RowGroup = 8;

    /// <summary>
    /// Steps from which the rows of <c>a</c> are interleaved (<see cref="PackRows"/>). Shorter, a tile's rows take 8 KB and stay in L1
    /// without it, and the copy costs more than it saves (256 × 128 at batch 128: 0.98 of the time without it at 512 bits, 0.97 at 256);
    /// at 512 steps it is even, at 784 and 1024 it pays.
    /// </summary>
    private const int InterleavedDepth = 512;

    /// <summary>
    /// Copies the first <paramref name="grouped"/> rows of <paramref name="a"/> (a multiple of <see cref="RowGroup"/>), their whole sixteens of
    /// steps, to <paramref name="rows"/> as the passes read them: for each group of eight rows, for each pass <c>l</c>, the steps <c>16t + l</c>
    /// in order, the eight rows' values of a step side by side; 8 × 16 blocks transposed in registers, 1 % of the product's time on
    /// 1024 × 1024. The rows of a group's last tile (of fewer rows), and the steps past the last whole sixteen, are read where they are.
    /// </summary>
    private static void PackRows(ref float a, ref float rows, int grouped, int k)
    {
        int whole = k - k % VirtualLanes, steps = whole / VirtualLanes;
        nint pitch = (nint)steps * RowGroup;
        for (int i = 0; i < grouped; i += RowGroup)
        {
            ref float from = ref Unsafe.Add(ref a, (nint)i * k);
            ref float to = ref Unsafe.Add(ref rows, (nint)i * whole);
            for (int t = 0; t < steps; t++)
            {
                Transpose8(ref Unsafe.Add(ref from, t * VirtualLanes), k, ref Unsafe.Add(ref to, t * RowGroup), pitch);
                Transpose8(ref Unsafe.Add(ref from, t * VirtualLanes + 8), k, ref Unsafe.Add(ref to, t * RowGroup + 8 * pitch), pitch);
            }
        }
    }

    /// <summary>
    /// <c>c[i, j] = Σₚ a[i, p]·b[j, p] + bias[j]</c> (no bias when <paramref name="bias"/> is empty; with <paramref name="relu"/>, stored as
    /// <c>max(0, v)</c>) from <paramref name="packed"/>, <c>b</c> as <see cref="Pack"/> wrote it: the same bits as
    /// <see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool, ReadOnlySpan{float})"/>;
    /// the outputs <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> only, both bounds of panels (0, <paramref name="n"/> or
    /// from <see cref="PanelBound"/>). Only where <see cref="PacksWeights"/>.
    /// </summary>
    public static unsafe void MultiplyPacked(ReadOnlySpan<float> a, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, bool relu,
        int columnsStart, int columnsEnd)
    {
        // The passes' tiles waiting to be added, at most four, from a cache line: a slot's loads and stores would otherwise straddle two.
        Span<float> stack = stackalloc float[4 * 8 * PanelWidth + 16];
        Span<float> panelBias = stackalloc float[PanelWidth];
        ref float slots = ref Unsafe.Add(ref MemoryMarshal.GetReference(stack), (int)((64 - ((nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(stack)) & 63)) & 63) / sizeof(float));
        int whole = k - k % VirtualLanes, grouped = k >= InterleavedDepth ? m / RowGroup * RowGroup : 0;
        ref float rows = ref grouped > 0 ? ref Scratch.Aligned(grouped * whole) : ref Unsafe.NullRef<float>();
        if (grouped > 0) PackRows(ref MemoryMarshal.GetReference(a), ref rows, grouped, k);
        var product = new PackedProduct(ref MemoryMarshal.GetReference(a), ref rows, grouped, ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(c),
            ref bias.IsEmpty ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetReference(bias), n, k, relu);
        for (int j0 = columnsStart, width; j0 < columnsEnd; j0 += width)
        {
            width = PanelOutputs(n, j0);
            int valid = Math.Min(width, n - j0);
            panelBias.Clear();
            if (!bias.IsEmpty) bias.Slice(j0, valid).CopyTo(panelBias);
            ref float b = ref MemoryMarshal.GetReference(panelBias);
            if (Simd.Width == 512) product.Panel<V512, Eight>(ref slots, ref b, j0, m);
            else product.Panel<V256, Four>(ref slots, ref b, j0, m);
        }
    }

    /// <summary>What the tiles of one packed product share.</summary>
    private readonly ref struct PackedProduct(ref float a, ref float rows, int grouped, ref float packed, ref float c, ref float bias, int n, int k, bool relu)
    {
        private readonly ref float _a = ref a, _rows = ref rows, _packed = ref packed, _c = ref c, _bias = ref bias;

        /// <summary>
        /// Every row of the panel of outputs from <paramref name="j0"/>: at 512 bits a tile of its one to three vectors, at 256 bits tiles of
        /// up to three of its two to six; <typeparamref name="THeight"/> rows at a time (8 at 512 bits, 4 at 256, which has 16 registers:
        /// 12 sums, 3 vectors of weights and a broadcast), then the rest. <paramref name="bias"/> holds the panel's bias, zeros past the
        /// last output.
        /// </summary>
        public void Panel<T, THeight>(ref float slots, ref float bias, int j0, int m) where T : struct, IVector<T> where THeight : struct, IConstant
        {
            int width = PanelOutputs(n, j0);
            int wide = T.Count == 8 && width == PanelWidth && m % THeight.Value == 1 ? 1 : 0, rows = m - wide;
            // Tiles of three vectors; at 256 bits, a panel of four runs two tiles of two, not one of three and one of a vector, which has
            // only 4 chains of multiply-adds (256 × 128 at batch 128: 0.97 of the time).
            int across = T.Count == 8 && width == 32 ? 2 : 3;
            for (int o = 0; o < width && rows > 0; o += across * T.Count)
            {
                switch (Math.Min(across, (width - o) / T.Count))
                {
                    case 3: Columns<T, THeight, Three>(ref slots, ref bias, j0, o, rows); break;
                    case 2: Columns<T, THeight, Two>(ref slots, ref bias, j0, o, rows); break;
                    default: Columns<T, THeight, One>(ref slots, ref bias, j0, o, rows); break;
                }
            }
            if (wide == 1) WideRow<T>(ref slots, ref bias, m - 1, j0);
        }

        /// <summary>
        /// Row <paramref name="i0"/> by the whole panel from <paramref name="j0"/>, six vectors of 8, at 256 bits: a tile of one row and
        /// three vectors has only three chains of multiply-adds, each step waiting on the last one's latency; six chains take
        /// 784 × 256 at batch 1 from 8.1 µs to 6.1 (256 × 128: 1.42 to 1.17, batch 5: 19.4 to 17.6). The same passes, adds and ends as
        /// <see cref="Tile"/>.
        /// </summary>
        private void WideRow<T>(ref float slots, ref float bias, int i0, int j0) where T : struct, IVector<T>
        {
            const int Tile = 8 * PanelWidth, Half = PanelWidth / 2; // Half: the outputs of each of the panel's two tiles, packed apart (TileOutputs)
            int whole = k - k % VirtualLanes, steps = whole / VirtualLanes, waiting = 0;
            ref float a0 = ref Unsafe.Add(ref _a, (nint)i0 * k);
            ref float left = ref Unsafe.Add(ref _packed, (nint)j0 * k), right = ref Unsafe.Add(ref left, (nint)Half * k);
            T c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            for (int s = 0; s < VirtualLanes; s++)
            {
                int l = (s >> 2) | ((s & 1) << 3) | ((s & 2) << 1); // as Tile's passes
                ref float x = ref Unsafe.Add(ref a0, l);
                ref float w = ref Unsafe.Add(ref left, (nint)l * steps * Half), v = ref Unsafe.Add(ref right, (nint)l * steps * Half);
                c0 = c1 = c2 = c3 = c4 = c5 = T.Zero;
                for (int t = 0; t < steps; t++)
                {
                    WideStep(x, ref w, ref v, ref c0, ref c1, ref c2, ref c3, ref c4, ref c5);
                    x = ref Unsafe.Add(ref x, VirtualLanes);
                    w = ref Unsafe.Add(ref w, Half);
                    v = ref Unsafe.Add(ref v, Half);
                }
                for (int r = s; (r & 1) != 0; r >>= 1)
                {
                    waiting--;
                    ref float from = ref Unsafe.Add(ref slots, waiting * Tile);
                    c0 += T.Load(ref from, 0);
                    c1 += T.Load(ref from, 8);
                    c2 += T.Load(ref from, 16);
                    c3 += T.Load(ref from, 24);
                    c4 += T.Load(ref from, 32);
                    c5 += T.Load(ref from, 40);
                }
                if (s == VirtualLanes - 1) break;
                ref float slot = ref Unsafe.Add(ref slots, waiting++ * Tile);
                T.Store(c0, ref slot, 0);
                T.Store(c1, ref slot, 8);
                T.Store(c2, ref slot, 16);
                T.Store(c3, ref slot, 24);
                T.Store(c4, ref slot, 32);
                T.Store(c5, ref slot, 40);
            }
            ref float w1 = ref Unsafe.Add(ref left, (nint)whole * Half), v1 = ref Unsafe.Add(ref right, (nint)whole * Half);
            for (int q = whole; q < k; q++)
            {
                WideStep(Unsafe.Add(ref a0, q), ref w1, ref v1, ref c0, ref c1, ref c2, ref c3, ref c4, ref c5);
                w1 = ref Unsafe.Add(ref w1, Half);
                v1 = ref Unsafe.Add(ref v1, Half);
            }
            int valid = Math.Min(PanelWidth, n - j0);
            ref float to = ref Unsafe.Add(ref _c, (nint)i0 * n + j0);
            End<T, Three>(ref to, valid, c0, c1, c2, T.Load(ref bias, 0), T.Load(ref bias, 8), T.Load(ref bias, 16));
            End<T, Three>(ref Unsafe.Add(ref to, 24), valid - 24, c3, c4, c5, T.Load(ref bias, 24), T.Load(ref bias, 32), T.Load(ref bias, 40));
        }

        /// <summary>One step of <see cref="WideRow"/>: <paramref name="value"/> broadcast against three vectors of each tile's weights, <paramref name="left"/> and <paramref name="right"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void WideStep<T>(float value, ref float left, ref float right, ref T c0, ref T c1, ref T c2, ref T c3, ref T c4, ref T c5) where T : struct, IVector<T>
        {
            T x = T.Create(value);
            T.MultiplyAddTo(ref c0, x, T.Load(ref left, 0));
            T.MultiplyAddTo(ref c1, x, T.Load(ref left, 8));
            T.MultiplyAddTo(ref c2, x, T.Load(ref left, 16));
            T.MultiplyAddTo(ref c3, x, T.Load(ref right, 0));
            T.MultiplyAddTo(ref c4, x, T.Load(ref right, 8));
            T.MultiplyAddTo(ref c5, x, T.Load(ref right, 16));
        }

        /// <summary>Every row of the <typeparamref name="TColumns"/> vectors of outputs <paramref name="o"/> floats into the panel from <paramref name="j0"/>.</summary>
        private void Columns<T, THeight, TColumns>(ref float slots, ref float bias, int j0, int o, int m)
            where T : struct, IVector<T> where THeight : struct, IConstant where TColumns : struct, IConstant
        {
            int i = 0, height = THeight.Value;
            for (; i + height <= m; i += height) Tile<T, THeight, TColumns>(ref slots, ref bias, i, j0, o);
            switch (m - i)
            {
                case 7: Tile<T, Seven, TColumns>(ref slots, ref bias, i, j0, o); break;
                case 6: Tile<T, Six, TColumns>(ref slots, ref bias, i, j0, o); break;
                case 5: Tile<T, Five, TColumns>(ref slots, ref bias, i, j0, o); break;
                case 4: Tile<T, Four, TColumns>(ref slots, ref bias, i, j0, o); break;
                case 3: Tile<T, Three, TColumns>(ref slots, ref bias, i, j0, o); break;
                case 2: Tile<T, Two, TColumns>(ref slots, ref bias, i, j0, o); break;
                case 1: Tile<T, One, TColumns>(ref slots, ref bias, i, j0, o); break;
            }
        }

        /// <summary>
        /// Rows <paramref name="i0"/>.. (<typeparamref name="TRows"/>) by the outputs <paramref name="o"/>.. of the panel from <paramref name="j0"/>
        /// (its bias in <paramref name="bias"/>; the tile's weights packed apart, <see cref="TileOutputs"/>): the sixteen passes,
        /// each tile added to those waiting in <paramref name="slots"/> as the fold's tree adds them, then the steps past the last whole
        /// sixteen, the bias and the store.
        /// </summary>
        private void Tile<T, TRows, TColumns>(ref float slots, ref float bias, int i0, int j0, int o)
            where T : struct, IVector<T> where TRows : struct, IConstant where TColumns : struct, IConstant
        {
            const int Tile = 8 * PanelWidth; // floats of one waiting tile, whatever its shape
            int width = TColumns.Value * T.Count; // the tile's weights packed apart (TileOutputs): their pitch a constant
            int whole = k - k % VirtualLanes, steps = whole / VirtualLanes, waiting = 0;
            ref float a0 = ref Unsafe.Add(ref _a, (nint)i0 * k);
            ref float panel = ref Unsafe.Add(ref _packed, (nint)(j0 + o) * k);
            bool inGroups = i0 + TRows.Value <= grouped;
            ref float g0 = ref inGroups ? ref Unsafe.Add(ref _rows, (nint)(i0 / RowGroup) * RowGroup * whole + i0 % RowGroup) : ref a0;
            nint row = inGroups ? 1 : k, advance = inGroups ? RowGroup : VirtualLanes;
            T c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default, c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
            T c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default, c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
            for (int s = 0; s < VirtualLanes; s++)
            {
                // Pass s sums lane l: s = 4q + r takes l = q + 8·(r & 1) + 4·(r >> 1), so that the binary counter's adds below are the fold's tree.
                int l = (s >> 2) | ((s & 1) << 3) | ((s & 2) << 1);
                ref float x = ref Unsafe.Add(ref g0, inGroups ? (nint)l * steps * RowGroup : l);
                ref float w = ref Unsafe.Add(ref panel, (nint)l * steps * width);
                c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = c40 = c41 = c42 = c50 = c51 = c52 = c60 = c61 = c62 = c70 = c71 = c72 = T.Zero;
                for (int t = 0; t < steps; t++)
                {
                    Step<T, TRows, TColumns>(ref x, row, ref w, ref c00, ref c01, ref c02, ref c10, ref c11, ref c12, ref c20, ref c21, ref c22, ref c30, ref c31, ref c32,
                        ref c40, ref c41, ref c42, ref c50, ref c51, ref c52, ref c60, ref c61, ref c62, ref c70, ref c71, ref c72);
                    x = ref Unsafe.Add(ref x, advance);
                    w = ref Unsafe.Add(ref w, width);
                }
                // A binary counter: pass s ends as many sums as it has trailing ones, each the waiting tile on top plus this one.
                for (int r = s; (r & 1) != 0; r >>= 1)
                {
                    waiting--;
                    Add<T, TRows, TColumns>(ref Unsafe.Add(ref slots, waiting * Tile), ref c00, ref c01, ref c02, ref c10, ref c11, ref c12, ref c20, ref c21, ref c22, ref c30, ref c31, ref c32,
                        ref c40, ref c41, ref c42, ref c50, ref c51, ref c52, ref c60, ref c61, ref c62, ref c70, ref c71, ref c72);
                }
                if (s == VirtualLanes - 1) break;
                ref float slot = ref Unsafe.Add(ref slots, waiting++ * Tile);
                Store<T, TRows, TColumns>(ref slot, PanelWidth, c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72);
            }
            if (whole < k)
            {
                // The steps past the last whole sixteen, in order, after the fold: as DotTail.End adds them.
                ref float x = ref Unsafe.Add(ref a0, whole);
                ref float w = ref Unsafe.Add(ref panel, (nint)whole * width);
                for (int q = whole; q < k; q++)
                {
                    Step<T, TRows, TColumns>(ref x, k, ref w, ref c00, ref c01, ref c02, ref c10, ref c11, ref c12, ref c20, ref c21, ref c22, ref c30, ref c31, ref c32,
                        ref c40, ref c41, ref c42, ref c50, ref c51, ref c52, ref c60, ref c61, ref c62, ref c70, ref c71, ref c72);
                    x = ref Unsafe.Add(ref x, 1);
                    w = ref Unsafe.Add(ref w, width);
                }
            }
            int valid = Math.Min(TColumns.Value * T.Count, n - j0 - o);
            T b0 = T.Load(ref bias, (nuint)o), b1 = T.Load(ref bias, (nuint)(o + T.Count)), b2 = T.Load(ref bias, (nuint)(o + 2 * T.Count));
            ref float to = ref Unsafe.Add(ref _c, (nint)i0 * n + j0 + o);
            End<T, TColumns>(ref to, valid, c00, c01, c02, b0, b1, b2);
            if (TRows.Value > 1) End<T, TColumns>(ref Unsafe.Add(ref to, 1 * n), valid, c10, c11, c12, b0, b1, b2);
            if (TRows.Value > 2) End<T, TColumns>(ref Unsafe.Add(ref to, 2 * n), valid, c20, c21, c22, b0, b1, b2);
            if (TRows.Value > 3) End<T, TColumns>(ref Unsafe.Add(ref to, 3 * n), valid, c30, c31, c32, b0, b1, b2);
            if (TRows.Value > 4) End<T, TColumns>(ref Unsafe.Add(ref to, 4 * n), valid, c40, c41, c42, b0, b1, b2);
            if (TRows.Value > 5) End<T, TColumns>(ref Unsafe.Add(ref to, 5 * n), valid, c50, c51, c52, b0, b1, b2);
            if (TRows.Value > 6) End<T, TColumns>(ref Unsafe.Add(ref to, 6 * n), valid, c60, c61, c62, b0, b1, b2);
            if (TRows.Value > 7) End<T, TColumns>(ref Unsafe.Add(ref to, 7 * n), valid, c70, c71, c72, b0, b1, b2);
        }

        /// <summary>One row of a tile's totals: plus the bias (<paramref name="b0"/>.. when there is one), as <c>max(0, v)</c> with ReLU, stored to its <paramref name="valid"/> outputs.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void End<T, TColumns>(ref float to, int valid, T v0, T v1, T v2, T b0, T b1, T b2) where T : struct, IVector<T> where TColumns : struct, IConstant
        {
            if (!Unsafe.IsNullRef(ref _bias))
            {
                v0 += b0;
                v1 += b1;
                v2 += b2;
            }
            if (relu)
            {
                // v ≤ 0 (−0 included) stored as +0, NaN as itself: Activations.ReLU's max(0, v).
                v0 = T.Select(T.LessThanOrEqual(v0, T.Zero), T.Zero, v0);
                v1 = T.Select(T.LessThanOrEqual(v1, T.Zero), T.Zero, v1);
                v2 = T.Select(T.LessThanOrEqual(v2, T.Zero), T.Zero, v2);
            }
            Save(v0, ref to, 0, valid);
            if (TColumns.Value > 1) Save(v1, ref to, T.Count, valid);
            if (TColumns.Value > 2) Save(v2, ref to, 2 * T.Count, valid);
        }

        /// <summary>Stores the values of <paramref name="v"/> that fall before <paramref name="valid"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Save<T>(T v, ref float to, int at, int valid) where T : struct, IVector<T>
        {
            if (at + T.Count <= valid)
            {
                T.Store(v, ref to, (nuint)at);
                return;
            }
            for (int j = at; j < valid; j++) Unsafe.Add(ref to, j) = Unsafe.Add(ref Unsafe.As<T, float>(ref v), j - at);
        }
    }

    /// <summary>One step of a packed tile: a value of each row of <c>a</c> broadcast against the step's vectors of outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<T, TRows, TColumns>(ref float x, nint row, ref float w,
        ref T c00, ref T c01, ref T c02, ref T c10, ref T c11, ref T c12,
        ref T c20, ref T c21, ref T c22, ref T c30, ref T c31, ref T c32,
        ref T c40, ref T c41, ref T c42, ref T c50, ref T c51, ref T c52,
        ref T c60, ref T c61, ref T c62, ref T c70, ref T c71, ref T c72)
        where T : struct, IVector<T> where TRows : struct, IConstant where TColumns : struct, IConstant
    {
        T w0 = T.Load(ref w, 0);
        T w1 = TColumns.Value > 1 ? T.Load(ref w, (nuint)T.Count) : default, w2 = TColumns.Value > 2 ? T.Load(ref w, (nuint)(2 * T.Count)) : default;
        Row<T, TColumns>(Unsafe.Add(ref x, 0 * row), w0, w1, w2, ref c00, ref c01, ref c02);
        if (TRows.Value > 1) Row<T, TColumns>(Unsafe.Add(ref x, 1 * row), w0, w1, w2, ref c10, ref c11, ref c12);
        if (TRows.Value > 2) Row<T, TColumns>(Unsafe.Add(ref x, 2 * row), w0, w1, w2, ref c20, ref c21, ref c22);
        if (TRows.Value > 3) Row<T, TColumns>(Unsafe.Add(ref x, 3 * row), w0, w1, w2, ref c30, ref c31, ref c32);
        if (TRows.Value > 4) Row<T, TColumns>(Unsafe.Add(ref x, 4 * row), w0, w1, w2, ref c40, ref c41, ref c42);
        if (TRows.Value > 5) Row<T, TColumns>(Unsafe.Add(ref x, 5 * row), w0, w1, w2, ref c50, ref c51, ref c52);
        if (TRows.Value > 6) Row<T, TColumns>(Unsafe.Add(ref x, 6 * row), w0, w1, w2, ref c60, ref c61, ref c62);
        if (TRows.Value > 7) Row<T, TColumns>(Unsafe.Add(ref x, 7 * row), w0, w1, w2, ref c70, ref c71, ref c72);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<T, TColumns>(float value, T w0, T w1, T w2, ref T c0, ref T c1, ref T c2) where T : struct, IVector<T> where TColumns : struct, IConstant
    {
        T x = T.Create(value);
        T.MultiplyAddTo(ref c0, x, w0);
        if (TColumns.Value > 1) T.MultiplyAddTo(ref c1, x, w1);
        if (TColumns.Value > 2) T.MultiplyAddTo(ref c2, x, w2);
    }

    /// <summary>Adds a waiting tile, rows <see cref="PanelWidth"/> floats apart, to the accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add<T, TRows, TColumns>(ref float slot,
        ref T c00, ref T c01, ref T c02, ref T c10, ref T c11, ref T c12,
        ref T c20, ref T c21, ref T c22, ref T c30, ref T c31, ref T c32,
        ref T c40, ref T c41, ref T c42, ref T c50, ref T c51, ref T c52,
        ref T c60, ref T c61, ref T c62, ref T c70, ref T c71, ref T c72)
        where T : struct, IVector<T> where TRows : struct, IConstant where TColumns : struct, IConstant
    {
        AddRow<T, TColumns>(ref slot, ref c00, ref c01, ref c02);
        if (TRows.Value > 1) AddRow<T, TColumns>(ref Unsafe.Add(ref slot, 1 * PanelWidth), ref c10, ref c11, ref c12);
        if (TRows.Value > 2) AddRow<T, TColumns>(ref Unsafe.Add(ref slot, 2 * PanelWidth), ref c20, ref c21, ref c22);
        if (TRows.Value > 3) AddRow<T, TColumns>(ref Unsafe.Add(ref slot, 3 * PanelWidth), ref c30, ref c31, ref c32);
        if (TRows.Value > 4) AddRow<T, TColumns>(ref Unsafe.Add(ref slot, 4 * PanelWidth), ref c40, ref c41, ref c42);
        if (TRows.Value > 5) AddRow<T, TColumns>(ref Unsafe.Add(ref slot, 5 * PanelWidth), ref c50, ref c51, ref c52);
        if (TRows.Value > 6) AddRow<T, TColumns>(ref Unsafe.Add(ref slot, 6 * PanelWidth), ref c60, ref c61, ref c62);
        if (TRows.Value > 7) AddRow<T, TColumns>(ref Unsafe.Add(ref slot, 7 * PanelWidth), ref c70, ref c71, ref c72);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow<T, TColumns>(ref float from, ref T c0, ref T c1, ref T c2) where T : struct, IVector<T> where TColumns : struct, IConstant
    {
        c0 += T.Load(ref from, 0);
        if (TColumns.Value > 1) c1 += T.Load(ref from, (nuint)T.Count);
        if (TColumns.Value > 2) c2 += T.Load(ref from, (nuint)(2 * T.Count));
    }

    /// <summary>Stores a tile to wait in a slot, rows <paramref name="stride"/> floats apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T, TRows, TColumns>(ref float slot, int stride,
        T c00, T c01, T c02, T c10, T c11, T c12,
        T c20, T c21, T c22, T c30, T c31, T c32,
        T c40, T c41, T c42, T c50, T c51, T c52,
        T c60, T c61, T c62, T c70, T c71, T c72)
        where T : struct, IVector<T> where TRows : struct, IConstant where TColumns : struct, IConstant
    {
        StoreRow<T, TColumns>(ref slot, c00, c01, c02);
        if (TRows.Value > 1) StoreRow<T, TColumns>(ref Unsafe.Add(ref slot, 1 * stride), c10, c11, c12);
        if (TRows.Value > 2) StoreRow<T, TColumns>(ref Unsafe.Add(ref slot, 2 * stride), c20, c21, c22);
        if (TRows.Value > 3) StoreRow<T, TColumns>(ref Unsafe.Add(ref slot, 3 * stride), c30, c31, c32);
        if (TRows.Value > 4) StoreRow<T, TColumns>(ref Unsafe.Add(ref slot, 4 * stride), c40, c41, c42);
        if (TRows.Value > 5) StoreRow<T, TColumns>(ref Unsafe.Add(ref slot, 5 * stride), c50, c51, c52);
        if (TRows.Value > 6) StoreRow<T, TColumns>(ref Unsafe.Add(ref slot, 6 * stride), c60, c61, c62);
        if (TRows.Value > 7) StoreRow<T, TColumns>(ref Unsafe.Add(ref slot, 7 * stride), c70, c71, c72);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T, TColumns>(ref float to, T c0, T c1, T c2) where T : struct, IVector<T> where TColumns : struct, IConstant
    {
        T.Store(c0, ref to, 0);
        if (TColumns.Value > 1) T.Store(c1, ref to, (nuint)T.Count);
        if (TColumns.Value > 2) T.Store(c2, ref to, (nuint)(2 * T.Count));
    }
}
