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

    /// <summary>Steps of <c>p</c> per packed panel: a strip of <c>b</c> one tile wide (48 floats at 512 bits) that deep is 24 KB, within L1.</summary>
    private const int PanelDepth = 128;

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
    /// <remarks>Blocked and tiled as <c>Gemm.Outer.cs</c> describes; every element is one chain of fused multiply-adds in the order of <c>p</c> within each panel of <see cref="PanelDepth"/> steps, the panels' sums added in order.</remarks>
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

        /// <summary>Stores <paramref name="rows"/> rows of <paramref name="width"/> values (whole vectors), kept <paramref name="width"/> apart in <paramref name="sums"/>, to rows of <c>c</c> <paramref name="n"/> apart.</summary>
        public T StoreTile(ref float c, int offset, int n, ref float sums, int rows, int width)
        {
            T check = T.Zero;
            for (int r = 0; r < rows; r++)
            {
                for (int v = 0; v < width; v += T.Count) check += Store(ref c, offset + r * n + v, T.Load(ref sums, (nuint)(r * width + v)));
            }
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

    private readonly struct Five : IConstant
    {
        public static int Value => 5;
    }

    private readonly struct Six : IConstant
    {
        public static int Value => 6;
    }

    private readonly struct Seven : IConstant
    {
        public static int Value => 7;
    }

    private readonly struct Eight : IConstant
    {
        public static int Value => 8;
    }
}
