using System;
using NormReg.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

/// <summary>
/// Register-blocked matrix products behind the dense layers, written once over the SIMD width (<see cref="IVector{TSelf}"/>) and run
/// at <see cref="Simd.Width"/>. Each keeps a tile of vector accumulators in registers, so every value loaded feeds several FMAs.
/// </summary>
/// <remarks>
/// Every output element is summed in the same order at every width, so all paths with fused multiply-add give the same bits:
/// <see cref="Multiply"/>'s lanes are independent outputs, each adding its products one step of <c>p</c> after another;
/// <see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>'s dot products keep <see cref="VirtualLanes"/> partial sums (one 512-bit, two 256-bit or four
/// 128-bit accumulators) folded in one fixed tree. Tile shapes differ by width and position, never the order within an element.
/// </remarks>
internal static partial class Gemm
{
    /// <summary>Partial sums of every dot product: lane <c>l</c> adds the steps <c>p ≡ l (mod 16)</c>, in order.</summary>
    private const int VirtualLanes = 16;

    /// <summary>Dot products of at most this many steps are summed in order; longer ones in <see cref="VirtualLanes"/> partial sums.</summary>
    private const int SequentialDepth = 64;

    /// <summary>Outputs fewer than this (narrower than a 256-bit vector) are computed with the batch's rows as the vector lanes.</summary>
    private const int NarrowOutputs = 8;

    /// <summary>Floats of <c>b</c> a block may hold: 256 KB, a fraction of any current core's L2.</summary>
    private const int BlockFloats = 64 * 1024;

    /// <summary>Steps of <c>p</c> per packed panel: a 64-column strip of <c>b</c> that deep is 32 KB, within L1.</summary>
    private const int PanelDepth = 128;

    /// <summary>Columns of one row that <c>AxpyRow</c> sums on the stack at a time.</summary>
    private const int RowChunk = 256;

    /// <summary><c>c[i, j] = Σₚ a[i, p]·b[j, p]</c>: <paramref name="a"/> is [m × k], <paramref name="b"/> is [n × k], <paramref name="c"/> is [m × n], all row-major.</summary>
    /// <remarks>
    /// Products of at most <see cref="SequentialDepth"/> steps are summed in order, as <see cref="Multiply"/> sums: <paramref name="b"/> is
    /// transposed into a scratch block and the rows of <c>c</c> computed a vector of outputs at a time, instead of a vector reduction per output.
    /// </remarks>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        if (k <= SequentialDepth && n < NarrowOutputs && m >= NarrowOutputs)
        {
            // Few outputs (a classifier's head) and many rows: the rows become the vector lanes, cᵀ = b·aᵀ, each element still
            // summed in the order of p with the same fused multiply-adds (one column per lane would leave most lanes empty).
            Span<float> block = Scratch.Floats(k * m + n * m);
            ref float aT = ref MemoryMarshal.GetReference(block);
            ref float cT = ref Unsafe.Add(ref aT, k * m);
            Transpose(ref MemoryMarshal.GetReference(a), ref aT, m, k);
            Multiply(b, k, 1, block[..(k * m)], block.Slice(k * m, n * m), n, m, k);
            Transpose(ref cT, ref MemoryMarshal.GetReference(c), n, m);
            return;
        }
        if (k <= SequentialDepth)
        {
            Span<float> transposed = Scratch.Floats(k * n);
            Transpose(ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(transposed), n, k);
            Multiply(a, k, 1, transposed, c, m, n, k);
            return;
        }
        int parts = Parts((long)m * n * k, Math.Max(n / DotGrain, m / 4));
        if (parts > 1 && WorkerPool.TryEnter(parts))
        {
            try
            {
                DotJob.Run(a, b, c, m, n, k, parts);
            }
            finally
            {
                WorkerPool.Exit();
            }
            return;
        }
        MultiplyTransposed(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), m, n, k, 0, n);
    }

    /// <summary>Columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> of <c>c = a·bᵀ</c> at <see cref="Simd.Width"/>.</summary>
    private static void MultiplyTransposed(ref float a0, ref float b0, ref float c0, int m, int n, int k, int columnsStart, int columnsEnd)
    {
        switch (Simd.Width)
        {
            case 512:
                MultiplyTransposed<V512>(ref a0, ref b0, ref c0, m, n, k, columnsStart, columnsEnd);
                break;
            case 256:
                MultiplyTransposed<V256>(ref a0, ref b0, ref c0, m, n, k, columnsStart, columnsEnd);
                break;
            default:
                MultiplyTransposed<V128>(ref a0, ref b0, ref c0, m, n, k, columnsStart, columnsEnd);
                break;
        }
    }

    /// <summary>
    /// <c>c[i, :] = Σₚ A(i, p)·b[p, :]</c>, overwriting <paramref name="c"/> [m × n] (never cleared first: the first panel of <c>p</c> stores each tile, later ones add to it); <paramref name="b"/> is [k × n] row-major and
    /// <c>A(i, p) = a[i·aRow + p·aColumn]</c>, so one routine serves <c>dy·W</c> and <c>dyᵀ·x</c>. With a non-empty <paramref name="penalized"/>
    /// (weights shaped as <paramref name="c"/>), each stored tile also gets the penalty gradient <c>l1·sign(w) + 2·l2·w</c> while it is in cache.
    /// Returns whether every value stored is finite, found from the tiles in registers rather than by reading <paramref name="c"/> again.
    /// </summary>
    /// <remarks>
    /// Four rows of <c>A</c> at a time are packed into a contiguous panel, <see cref="PanelDepth"/> steps of <c>p</c> deep: read in
    /// place, <c>dyᵀ</c>'s column would step by a whole row of <c>dy</c>, and strides of 512 B or 1 KB map every step to the same few
    /// L1 sets. Columns of <c>b</c> go in blocks that stay in L2 while every row of <c>c</c> passes over them.
    /// </remarks>
    public static bool Multiply(ReadOnlySpan<float> a, int aRow, int aColumn, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        ReadOnlySpan<float> penalized = default, float l1 = 0, float l2 = 0)
    {
        int parts = Parts((long)m * n * k, n / AxpyGrain);
        if (parts > 1 && WorkerPool.TryEnter(parts))
        {
            try
            {
                return AxpyJob.Run(a, aRow, aColumn, b, c, m, n, k, penalized, l1, 2f * l2, parts);
            }
            finally
            {
                WorkerPool.Exit();
            }
        }
        var product = new Product(ref MemoryMarshal.GetReference(a), aRow, aColumn, ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c),
            ref MemoryMarshal.GetReference(penalized), !penalized.IsEmpty, l1, 2f * l2, m, n, k);
        return product.Columns(0, n);
    }

    private static void MultiplyTransposed<T>(ref float a0, ref float b0, ref float c0, int m, int n, int k, int columnsStart, int columnsEnd)
        where T : struct, IVector<T>
    {
        Span<float> lanes = stackalloc float[16 * VirtualLanes]; // the partial sums of a tile's passes before the last
        ref float l0 = ref MemoryMarshal.GetReference(lanes);
        // Rows of b in blocks that stay in L2 while every row of a passes over them: b is read from memory once per call.
        int block = Math.Max(VirtualLanes, BlockFloats / Math.Max(k, 1) / VirtualLanes * VirtualLanes);
        for (int j1 = columnsStart; j1 < columnsEnd; j1 += block)
        {
            int j2 = Math.Min(columnsEnd, j1 + block);
            int i0 = 0;
            for (; i0 + 4 <= m; i0 += 4) DotRows<T, Four>(ref a0, ref b0, ref c0, i0, j1, j2, n, k, ref l0);
            switch (m - i0)
            {
                case 3:
                    DotRows<T, Three>(ref a0, ref b0, ref c0, i0, j1, j2, n, k, ref l0);
                    break;
                case 2:
                    DotRows<T, Two>(ref a0, ref b0, ref c0, i0, j1, j2, n, k, ref l0);
                    break;
                case 1:
                    // A matrix-vector product: four rows of b at a time. Weights read once per call stream from L3 at batch 1, and four
                    // streams (plus a) kept the prefetchers ahead where eight did not.
                    DotRows<T, One>(ref a0, ref b0, ref c0, i0, j1, j2, n, k, ref l0);
                    break;
            }
        }
    }

    /// <summary>Rows <paramref name="i0"/> to <paramref name="i0"/> + <typeparamref name="TRows"/> of <c>c</c>, columns <paramref name="j1"/> to <paramref name="j2"/>: tiles of four columns, then one at a time.</summary>
    private static void DotRows<T, TRows>(ref float a0, ref float b0, ref float c0, int i0, int j1, int j2, int n, int k, ref float lanes)
        where T : struct, IVector<T> where TRows : struct, IConstant
    {
        int j0 = j1;
        for (; j0 + 4 <= j2; j0 += 4) DotTile<T, TRows>(ref a0, ref b0, ref c0, i0, j0, n, k, ref lanes);
        for (; j0 < j2; j0++)
        {
            for (int i = i0; i < i0 + TRows.Value; i++) Unsafe.Add(ref c0, i * n + j0) = Dot<T>(ref Unsafe.Add(ref a0, i * k), ref Unsafe.Add(ref b0, j0 * k), k, ref lanes);
        }
    }

    /// <summary>
    /// One to four rows of <c>a</c> against four rows of <c>b</c>: up to sixteen dot products sharing every load. Each pass covers
    /// <c>T.Count</c> of the <see cref="VirtualLanes"/> (one pass at 512 bits, four at 128), so a tile needs one accumulator per product whatever the width.
    /// </summary>
    private static void DotTile<T, TRows>(ref float a0, ref float b0, ref float c0, int i0, int j0, int n, int k, ref float lanes)
        where T : struct, IVector<T> where TRows : struct, IConstant
    {
        int rows = TRows.Value;
        ref float r0 = ref Unsafe.Add(ref a0, i0 * k);
        ref float r1 = ref rows > 1 ? ref Unsafe.Add(ref r0, k) : ref r0;
        ref float r2 = ref rows > 2 ? ref Unsafe.Add(ref r1, k) : ref r0;
        ref float r3 = ref rows > 3 ? ref Unsafe.Add(ref r2, k) : ref r0;
        ref float w0 = ref Unsafe.Add(ref b0, j0 * k);
        ref float w1 = ref Unsafe.Add(ref w0, k);
        ref float w2 = ref Unsafe.Add(ref w1, k);
        ref float w3 = ref Unsafe.Add(ref w2, k);
        ref float c = ref Unsafe.Add(ref c0, i0 * n + j0);
        int whole = k - k % VirtualLanes;
        for (int h = 0; h < VirtualLanes; h += T.Count)
        {
            T s00 = T.Zero, s01 = T.Zero, s02 = T.Zero, s03 = T.Zero, s10 = T.Zero, s11 = T.Zero, s12 = T.Zero, s13 = T.Zero;
            T s20 = T.Zero, s21 = T.Zero, s22 = T.Zero, s23 = T.Zero, s30 = T.Zero, s31 = T.Zero, s32 = T.Zero, s33 = T.Zero;
            for (int p = h; p < whole; p += VirtualLanes)
            {
                nuint q = (nuint)p;
                T x0 = T.Load(ref r0, q);
                T x1 = rows > 1 ? T.Load(ref r1, q) : x0, x2 = rows > 2 ? T.Load(ref r2, q) : x0, x3 = rows > 3 ? T.Load(ref r3, q) : x0;
                T y = T.Load(ref w0, q);
                s00 = T.MultiplyAdd(x0, y, s00);
                if (rows > 1) s10 = T.MultiplyAdd(x1, y, s10);
                if (rows > 2) s20 = T.MultiplyAdd(x2, y, s20);
                if (rows > 3) s30 = T.MultiplyAdd(x3, y, s30);
                y = T.Load(ref w1, q);
                s01 = T.MultiplyAdd(x0, y, s01);
                if (rows > 1) s11 = T.MultiplyAdd(x1, y, s11);
                if (rows > 2) s21 = T.MultiplyAdd(x2, y, s21);
                if (rows > 3) s31 = T.MultiplyAdd(x3, y, s31);
                y = T.Load(ref w2, q);
                s02 = T.MultiplyAdd(x0, y, s02);
                if (rows > 1) s12 = T.MultiplyAdd(x1, y, s12);
                if (rows > 2) s22 = T.MultiplyAdd(x2, y, s22);
                if (rows > 3) s32 = T.MultiplyAdd(x3, y, s32);
                y = T.Load(ref w3, q);
                s03 = T.MultiplyAdd(x0, y, s03);
                if (rows > 1) s13 = T.MultiplyAdd(x1, y, s13);
                if (rows > 2) s23 = T.MultiplyAdd(x2, y, s23);
                if (rows > 3) s33 = T.MultiplyAdd(x3, y, s33);
            }
            var row = new DotRow(ref w0, ref w1, ref w2, ref w3, whole, k);
            row.Pass(ref lanes, h, s00, s01, s02, s03, ref c, ref r0);
            if (rows > 1) row.Pass(ref Unsafe.Add(ref lanes, 4 * VirtualLanes), h, s10, s11, s12, s13, ref Unsafe.Add(ref c, n), ref r1);
            if (rows > 2) row.Pass(ref Unsafe.Add(ref lanes, 8 * VirtualLanes), h, s20, s21, s22, s23, ref Unsafe.Add(ref c, 2 * n), ref r2);
            if (rows > 3) row.Pass(ref Unsafe.Add(ref lanes, 12 * VirtualLanes), h, s30, s31, s32, s33, ref Unsafe.Add(ref c, 3 * n), ref r3);
        }
    }

    /// <summary>The four rows of <c>b</c> of a dot tile, and where its sums end: the vector steps up to <c>whole</c>, then the scalar tail to <c>k</c>.</summary>
    private readonly ref struct DotRow(ref float w0, ref float w1, ref float w2, ref float w3, int whole, int k)
    {
        private readonly ref float _w0 = ref w0, _w1 = ref w1, _w2 = ref w2, _w3 = ref w3;

        /// <summary>
        /// Ends pass <paramref name="h"/> of one row's four sums: keeps the accumulators of every pass but the last in
        /// <paramref name="lanes"/>; after the last, folds the sixteen lanes, adds the tail and stores to <c>c[0..4]</c>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Pass<T>(ref float lanes, int h, T s0, T s1, T s2, T s3, ref float c, ref float x) where T : struct, IVector<T>
        {
            if (h + T.Count < VirtualLanes)
            {
                T.Store(s0, ref lanes, (nuint)h);
                T.Store(s1, ref lanes, (nuint)(VirtualLanes + h));
                T.Store(s2, ref lanes, (nuint)(2 * VirtualLanes + h));
                T.Store(s3, ref lanes, (nuint)(3 * VirtualLanes + h));
                return;
            }
            Vector128<float> sums = Simd.Sum4(Fold(ref lanes, s0), Fold(ref Unsafe.Add(ref lanes, VirtualLanes), s1),
                Fold(ref Unsafe.Add(ref lanes, 2 * VirtualLanes), s2), Fold(ref Unsafe.Add(ref lanes, 3 * VirtualLanes), s3));
            if (whole == k)
            {
                sums.StoreUnsafe(ref c);
                return;
            }
            float t0 = sums.GetElement(0), t1 = sums.GetElement(1), t2 = sums.GetElement(2), t3 = sums.GetElement(3);
            for (int q = whole; q < k; q++)
            {
                float v = Unsafe.Add(ref x, q);
                t0 = Simd.MultiplyAdd(v, Unsafe.Add(ref _w0, q), t0);
                t1 = Simd.MultiplyAdd(v, Unsafe.Add(ref _w1, q), t1);
                t2 = Simd.MultiplyAdd(v, Unsafe.Add(ref _w2, q), t2);
                t3 = Simd.MultiplyAdd(v, Unsafe.Add(ref _w3, q), t3);
            }
            c = t0;
            Unsafe.Add(ref c, 1) = t1;
            Unsafe.Add(ref c, 2) = t2;
            Unsafe.Add(ref c, 3) = t3;
        }
    }

    /// <summary>
    /// The sixteen partial sums of a dot product folded to four, the same tree at every width: lane <c>l</c> plus lane <c>l + 8</c>, then
    /// plus lane <c>l + 4</c>. <paramref name="last"/> holds the last pass's lanes, <paramref name="lanes"/> the earlier passes'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fold<T>(ref float lanes, T last) where T : struct, IVector<T>
    {
        if (T.Count == 16) return T.FoldToFour(last);
        if (T.Count == 8) return T.FoldToFour(T.Load(ref lanes, 0) + last);
        return T.FoldToFour((T.Load(ref lanes, 0) + T.Load(ref lanes, 8)) + (T.Load(ref lanes, 4) + last));
    }

    /// <summary>One dot product, in the order of <see cref="DotTile"/>.</summary>
    private static float Dot<T>(ref float x, ref float y, int k, ref float lanes) where T : struct, IVector<T>
    {
        int whole = k - k % VirtualLanes;
        float total = 0;
        for (int h = 0; h < VirtualLanes; h += T.Count)
        {
            T s = T.Zero;
            for (int p = h; p < whole; p += VirtualLanes) s = T.MultiplyAdd(T.Load(ref x, (nuint)p), T.Load(ref y, (nuint)p), s);
            if (h + T.Count < VirtualLanes) T.Store(s, ref lanes, (nuint)h);
            else total = Simd.Sum(Fold(ref lanes, s));
        }
        for (int p = whole; p < k; p++) total = Simd.MultiplyAdd(Unsafe.Add(ref x, p), Unsafe.Add(ref y, p), total);
        return total;
    }

    /// <summary>The operands of one <see cref="Multiply"/>, so that each part of its columns can be computed apart.</summary>
    private readonly ref struct Product(ref float a0, int aRow, int aColumn, ref float b0, ref float c0, ref float w0, bool penalize, float l1, float twiceL2, int m, int n, int k)
    {
        private readonly ref float _a0 = ref a0, _b0 = ref b0, _c0 = ref c0, _w0 = ref w0;

        /// <summary>Columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> of <c>c</c> at <see cref="Simd.Width"/>.</summary>
        public bool Columns(int columnsStart, int columnsEnd) => Simd.Width switch
        {
            512 => Columns<V512>(columnsStart, columnsEnd),
            256 => Columns<V256>(columnsStart, columnsEnd),
            _ => Columns<V128>(columnsStart, columnsEnd),
        };

        /// <summary>Columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> of <c>c</c>; returns whether every value stored is finite.</summary>
        public bool Columns<T>(int columnsStart, int columnsEnd) where T : struct, IVector<T>
        {
            Span<float> panel = stackalloc float[4 * PanelDepth];
            Span<float> sums = stackalloc float[RowChunk];
            ref float panel0 = ref MemoryMarshal.GetReference(panel);
            ref float sums0 = ref MemoryMarshal.GetReference(sums);
            int tile = 4 * T.Count;
            int full = columnsStart + (columnsEnd - columnsStart) / tile * tile, tiled = m - m % 4;
            // v − v is 0 for a finite v and NaN otherwise: the stored values' checks add up to 0 exactly when all are finite.
            T check = T.Zero;
            float tailCheck = 0;
            int p0 = 0;
            do // at least once: with k = 0, c still receives zeros (and the penalty gradient)
            {
                int depth = Math.Min(PanelDepth, k - p0);
                ref float bp = ref Unsafe.Add(ref _b0, p0 * n);
                ref float ap = ref Unsafe.Add(ref _a0, p0 * aColumn);
                var epilogue = new Epilogue<T>(ref _w0, p0 == 0, penalize && p0 + depth == k, l1, twiceL2);
                // Columns of b in blocks that stay in L2 while every row of c passes over them.
                int block = Math.Max(tile, BlockFloats / Math.Max(depth, 1) / tile * tile);
                for (int j1 = columnsStart; j1 < full; j1 += block)
                {
                    int j2 = Math.Min(full, j1 + block);
                    for (int i0 = 0; i0 < tiled; i0 += 4)
                    {
                        Pack(ref Unsafe.Add(ref ap, i0 * aRow), aRow, aColumn, depth, ref panel0);
                        for (int j0 = j1; j0 < j2; j0 += tile) check += AxpyTile<T, Four>(ref panel0, ref bp, ref _c0, i0, j0, n, depth, epilogue);
                    }
                }
                // The last columns: tiles two and one vector wide, then each row alone.
                for (int i0 = 0; i0 < tiled && full < columnsEnd; i0 += 4)
                {
                    Pack(ref Unsafe.Add(ref ap, i0 * aRow), aRow, aColumn, depth, ref panel0);
                    int j0 = full;
                    if (j0 + 2 * T.Count <= columnsEnd)
                    {
                        check += AxpyTile<T, Two>(ref panel0, ref bp, ref _c0, i0, j0, n, depth, epilogue);
                        j0 += 2 * T.Count;
                    }
                    if (j0 + T.Count <= columnsEnd)
                    {
                        check += AxpyTile<T, One>(ref panel0, ref bp, ref _c0, i0, j0, n, depth, epilogue);
                        j0 += T.Count;
                    }
                    for (int i = i0; i < i0 + 4 && j0 < columnsEnd; i++) tailCheck += AxpyRow(ref ap, ref bp, i, j0, columnsEnd - j0, depth, epilogue, ref sums0);
                }
                for (int i = tiled; i < m; i++) tailCheck += AxpyRow(ref ap, ref bp, i, columnsStart, columnsEnd - columnsStart, depth, epilogue, ref sums0);
                p0 += PanelDepth;
            }
            while (p0 < k);
            return Simd.Sum(T.FoldToFour(check)) + tailCheck == 0;
        }

        /// <summary>
        /// One row of <c>c</c>, <paramref name="width"/> columns from <paramref name="j0"/>, over one panel's <paramref name="depth"/> steps
        /// (<paramref name="a"/> and <paramref name="b"/> start at its first): accumulated in <paramref name="sums"/>, then stored through
        /// <paramref name="epilogue"/>, whose checks it returns added up.
        /// </summary>
        private float AxpyRow<T>(ref float a, ref float b, int i, int j0, int width, int depth, Epilogue<T> epilogue, ref float sums) where T : struct, IVector<T>
        {
            T check = T.Zero;
            float tailCheck = 0;
            ref float ai = ref Unsafe.Add(ref a, i * aRow);
            for (int start = 0; start < width; start += RowChunk)
            {
                int count = Math.Min(RowChunk, width - start);
                MemoryMarshal.CreateSpan(ref sums, count).Clear();
                for (int p = 0; p < depth; p++)
                {
                    float s = Unsafe.Add(ref ai, p * aColumn);
                    T x = T.Create(s);
                    ref float bRow = ref Unsafe.Add(ref b, p * n + j0 + start);
                    int j = 0;
                    for (; j + T.Count <= count; j += T.Count) T.Store(T.MultiplyAdd(x, T.Load(ref bRow, (nuint)j), T.Load(ref sums, (nuint)j)), ref sums, (nuint)j);
                    for (; j < count; j++) Unsafe.Add(ref sums, j) = Simd.MultiplyAdd(s, Unsafe.Add(ref bRow, j), Unsafe.Add(ref sums, j));
                }
                int offset = i * n + j0 + start, v = 0;
                for (; v + T.Count <= count; v += T.Count) check += epilogue.Store(ref _c0, offset + v, T.Load(ref sums, (nuint)v));
                for (; v < count; v++) tailCheck += epilogue.Store(ref _c0, offset + v, Unsafe.Add(ref sums, v));
            }
            return Simd.Sum(T.FoldToFour(check)) + tailCheck;
        }
    }

    /// <summary>Writes the [<paramref name="rows"/> × <paramref name="columns"/>] matrix <paramref name="source"/> transposed to <paramref name="destination"/>.</summary>
    private static void Transpose(ref float source, ref float destination, int rows, int columns)
    {
        for (int p = 0; p < columns; p++)
        {
            ref float from = ref Unsafe.Add(ref source, p);
            ref float to = ref Unsafe.Add(ref destination, p * rows);
            for (int j = 0; j < rows; j++) Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j * columns);
        }
    }

    /// <summary>Copies four rows of <c>A</c>, <paramref name="depth"/> steps long, to <c>panel[4·p + r]</c>.</summary>
    private static void Pack(ref float a, int aRow, int aColumn, int depth, ref float panel)
    {
        for (int p = 0; p < depth; p++)
        {
            ref float ap = ref Unsafe.Add(ref a, p * aColumn);
            ref float to = ref Unsafe.Add(ref panel, 4 * p);
            to = ap;
            Unsafe.Add(ref to, 1) = Unsafe.Add(ref ap, aRow);
            Unsafe.Add(ref to, 2) = Unsafe.Add(ref ap, 2 * aRow);
            Unsafe.Add(ref to, 3) = Unsafe.Add(ref ap, 3 * aRow);
        }
    }

    /// <summary>
    /// Four rows of <c>c</c>, <typeparamref name="TColumns"/> vectors wide (4 for the body, 2 and 1 past it): per step, four broadcasts
    /// from the packed panel and up to four loads of <c>b</c> feed up to sixteen FMAs.
    /// </summary>
    private static T AxpyTile<T, TColumns>(ref float panel, ref float b0, ref float c0, int i0, int j0, int n, int depth, Epilogue<T> epilogue)
        where T : struct, IVector<T> where TColumns : struct, IConstant
    {
        int columns = TColumns.Value;
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero, c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero, c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        ref float b = ref Unsafe.Add(ref b0, j0);
        nuint lanes = (nuint)T.Count;
        for (int p = 0; p < depth; p++)
        {
            ref float bRow = ref Unsafe.Add(ref b, p * n);
            T y0 = T.Load(ref bRow, 0);
            T y1 = columns > 1 ? T.Load(ref bRow, lanes) : y0;
            T y2 = columns > 2 ? T.Load(ref bRow, 2 * lanes) : y0, y3 = columns > 2 ? T.Load(ref bRow, 3 * lanes) : y0;
            ref float ap = ref Unsafe.Add(ref panel, 4 * p);
            T x = T.Create(ap);
            c00 = T.MultiplyAdd(x, y0, c00);
            if (columns > 1) c01 = T.MultiplyAdd(x, y1, c01);
            if (columns > 2) { c02 = T.MultiplyAdd(x, y2, c02); c03 = T.MultiplyAdd(x, y3, c03); }
            x = T.Create(Unsafe.Add(ref ap, 1));
            c10 = T.MultiplyAdd(x, y0, c10);
            if (columns > 1) c11 = T.MultiplyAdd(x, y1, c11);
            if (columns > 2) { c12 = T.MultiplyAdd(x, y2, c12); c13 = T.MultiplyAdd(x, y3, c13); }
            x = T.Create(Unsafe.Add(ref ap, 2));
            c20 = T.MultiplyAdd(x, y0, c20);
            if (columns > 1) c21 = T.MultiplyAdd(x, y1, c21);
            if (columns > 2) { c22 = T.MultiplyAdd(x, y2, c22); c23 = T.MultiplyAdd(x, y3, c23); }
            x = T.Create(Unsafe.Add(ref ap, 3));
            c30 = T.MultiplyAdd(x, y0, c30);
            if (columns > 1) c31 = T.MultiplyAdd(x, y1, c31);
            if (columns > 2) { c32 = T.MultiplyAdd(x, y2, c32); c33 = T.MultiplyAdd(x, y3, c33); }
        }
        int offset = i0 * n + j0;
        return epilogue.StoreRow<TColumns>(ref c0, offset, c00, c01, c02, c03)
            + epilogue.StoreRow<TColumns>(ref c0, offset + n, c10, c11, c12, c13)
            + epilogue.StoreRow<TColumns>(ref c0, offset + 2 * n, c20, c21, c22, c23)
            + epilogue.StoreRow<TColumns>(ref c0, offset + 3 * n, c30, c31, c32, c33);
    }

    /// <summary>
    /// Stores a tile row of <c>c</c>: the first panel of <c>p</c> overwrites, later ones add to what is there; after the last, the
    /// penalty gradient <c>l1·sign(w) + 2·l2·w</c> is added when there is one, with the same float operations as
    /// <see cref="Regularization.AddGradient(ReadOnlySpan{float}, Span{float}, float, float)"/>. Each store returns <c>v − v</c> of what it
    /// stored: 0 when finite, NaN otherwise.
    /// </summary>
    private readonly ref struct Epilogue<T>(ref float weights, bool overwrite, bool penalize, float l1, float twiceL2) where T : struct, IVector<T>
    {
        private readonly ref float _weights = ref weights;
        private readonly T _l1 = T.Create(l1), _twiceL2 = T.Create(twiceL2);
        private readonly bool _overwrite = overwrite, _penalize = penalize, _hasL1 = l1 != 0;
        private readonly float _scalarL1 = l1, _scalarTwiceL2 = twiceL2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T StoreRow<TColumns>(ref float c, int offset, T v0, T v1, T v2, T v3) where TColumns : struct, IConstant
        {
            T check = Store(ref c, offset, v0);
            if (TColumns.Value > 1) check += Store(ref c, offset + T.Count, v1);
            if (TColumns.Value > 2) check += Store(ref c, offset + 2 * T.Count, v2) + Store(ref c, offset + 3 * T.Count, v3);
            return check;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Store(ref float c, int offset, T g)
        {
            if (!_overwrite) g += T.Load(ref c, (nuint)offset);
            if (_penalize)
            {
                T w = T.Load(ref _weights, (nuint)offset);
                if (_hasL1) g += T.Select(T.GreaterThan(w, T.Zero), _l1, T.Zero) - T.Select(T.LessThan(w, T.Zero), _l1, T.Zero);
                g += _twiceL2 * w;
            }
            T.Store(g, ref c, (nuint)offset);
            return g - g;
        }

        /// <summary>The scalar form of <see cref="Store(ref float, int, T)"/>, for the last columns of a row.</summary>
        public float Store(ref float c, int offset, float g)
        {
            if (!_overwrite) g += Unsafe.Add(ref c, offset);
            if (_penalize)
            {
                float w = Unsafe.Add(ref _weights, offset);
                if (_hasL1) g += (w > 0 ? _scalarL1 : 0f) - (w < 0 ? _scalarL1 : 0f);
                g += _scalarTwiceL2 * w;
            }
            Unsafe.Add(ref c, offset) = g;
            return g - g;
        }
    }

    /// <summary>A tile dimension as a type, so that the JIT compiles each tile shape with its unused accumulators removed.</summary>
    private interface IConstant
    {
        static abstract int Value { get; }
    }

    private readonly struct One : IConstant
    {
        public static int Value => 1;
    }

    private readonly struct Two : IConstant
    {
        public static int Value => 2;
    }

    private readonly struct Three : IConstant
    {
        public static int Value => 3;
    }

    private readonly struct Four : IConstant
    {
        public static int Value => 4;
    }
}
