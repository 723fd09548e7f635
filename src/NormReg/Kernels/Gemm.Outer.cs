using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NormReg.Kernels;

/// <summary>
/// The outer-product kernel behind <see cref="Multiply"/>: each step of <c>p</c> broadcasts a column of <c>A</c> and multiplies it by
/// a row of <c>b</c>, so every output element is one chain of fused multiply-adds in the order of <c>p</c>, at any width and tile.
/// </summary>
/// <remarks>
/// Blocked as BLIS blocks a product: for each panel of <see cref="PanelDepth"/> steps, the rows of <c>A</c> are packed once into
/// row groups of the tile's height (streamed from L2, a broadcast per row and step), and each strip of <c>b</c> one tile wide is
/// packed once into a contiguous block that stays in L1 while every row group passes over it: read in place, rows of <c>b</c>
/// 1 or 4 KB apart map to the same few L1 sets. The tile is as large as the registers allow: 8 rows × 3 vectors (24 of 32
/// accumulators) at 512 bits, 6 rows × 2 vectors (12 of 16) at 256 and 128.
/// </remarks>
internal static partial class Gemm
{
    /// <summary>Rows of <c>A</c> packed at a time: a multiple of every tile height, 240 KB at <see cref="PanelDepth"/> steps, within L2.</summary>
    private const int RowBlock = 480;

    /// <summary>Floats of a panel of <c>b</c> up to which its strips are all packed at once (<c>Product.RowsAcross</c>): 256 KB, within L2.</summary>
    private const int RowOrderFloats = 64 * 1024;

    /// <summary>Rows of <c>c</c> up to which a product reads each row of <c>b</c> whole (<c>Product.Streamed</c>).</summary>
    private const int StreamedRows = 2;

    /// <summary>Columns from which it does: fewer fit a tile's strip, whose rows the prefetchers follow.</summary>
    private const int StreamedColumns = 64;

    /// <summary>The packed rows of <c>A</c> and strip of <c>b</c>, per thread (the workers of a split product pack their own).</summary>
    [ThreadStatic]
    private static float[]? _packs;

    /// <summary>The operands of one <see cref="Multiply"/>, so that each part of its columns can be computed apart.</summary>
    private readonly ref struct Product(ref float a0, int aRow, int aColumn, ref float b0, ref float c0, ref float w0, bool penalize, float l1, float twiceL2, int m, int n, int k)
    {
        private readonly ref float _a0 = ref a0, _b0 = ref b0, _c0 = ref c0, _w0 = ref w0;
        private readonly int _n = n;

        /// <summary>
        /// Columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> of <c>c</c> at <see cref="Simd.Width"/>. At 256 bits 7 or 8 rows
        /// run as two tiles of 4 × 3 vectors: as 6 + 2 rows, the short tile's four chains of multiply-adds waited on each other's latency
        /// (one thread, 1024 × 1024 input gradient at batch 8: 55 GFLOP/s, now 75; 784 × 256: 71, now 118).
        /// </summary>
        public bool Columns(int columnsStart, int columnsEnd) => Simd.Width switch
        {
            512 => Columns<V512, Eight, Three>(columnsStart, columnsEnd),
            256 => m is > 6 and <= 8 ? Columns<V256, Four, Three>(columnsStart, columnsEnd) : Columns<V256, Six, Two>(columnsStart, columnsEnd),
            _ => Columns<V128, Six, Two>(columnsStart, columnsEnd),
        };

        /// <summary>
        /// Columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> of <c>c</c> in tiles of <typeparamref name="TRows"/> rows ×
        /// <typeparamref name="TVectors"/> vectors, then one vector, then each column alone; returns whether every value stored is finite.
        /// </summary>
        private bool Columns<T, TRows, TVectors>(int columnsStart, int columnsEnd)
            where T : struct, IVector<T> where TRows : struct, IConstant where TVectors : struct, IConstant
        {
            if (m <= StreamedRows && columnsEnd - columnsStart >= StreamedColumns) return Streamed<T>(columnsStart, columnsEnd);
            int height = TRows.Value, width = TVectors.Value * T.Count;
            int block = Math.Min(RowBlock, (m + height - 1) / height * height);
            // Rows read by more than one strip are packed, unless they are short rows in place (a forward's x of few inputs); a strip
            // that one or two row groups read is read in place: packed, its copy cost as much as it saved (one thread, 1024 × 1024
            // input gradient at batch 16: 147 GFLOP/s packed, 214 in place; 784 × 256 at batch 12: 156 and 218; at 256 bits,
            // batch 12: 71 and 81). A product that packs nothing (a small Predict) borrows no block.
            bool packRows = columnsEnd - columnsStart > T.Count && !(aColumn == 1 && k <= SequentialDepth), packStrips = Math.Min(block, m) > 2 * height;
            int full = columnsStart + (columnsEnd - columnsStart) / width * width, strips = (full - columnsStart) / width;
            // Row order, for a product shorter than one panel (a weight gradient at a batch below 128, whose tiles have little work per
            // store): every strip packed at once, and each row group passed along all of them before the next, so that the tiles store
            // c (and read the penalized weights) a row after another, as the prefetchers follow, rather than down a strip, 8 rows a page
            // apart (1024 × 1024 at batch 32: 0.85 of the time).
            bool rowOrder = packStrips && strips > 1 && k < PanelDepth && k * (full - columnsStart) <= RowOrderFloats;
            int aFloats = packRows ? block * PanelDepth : 0, bFloats = packStrips ? (rowOrder ? k * (full - columnsStart) : PanelDepth * width) : 0;
            ref float aPack = ref aFloats + bFloats == 0 ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetArrayDataReference(Packs(aFloats + bFloats));
            ref float bPack = ref Unsafe.Add(ref aPack, aFloats);
            Span<float> tile = stackalloc float[8 * 4 * 16]; // a tile's accumulators on their way to the epilogue
            ref float sums = ref MemoryMarshal.GetReference(tile);
            // v − v is 0 for a finite v and NaN otherwise: the stored values' checks add up to 0 exactly when all are finite.
            T check = T.Zero;
            float tailCheck = 0;
            int p0 = 0;
            do // at least once: with k = 0, c still receives zeros (and the penalty gradient)
            {
                int depth = Math.Min(PanelDepth, k - p0);
                ref float bp = ref Unsafe.Add(ref _b0, p0 * _n);
                bool last = p0 + depth >= k;
                var epilogue = new Epilogue<T>(ref _w0, p0 == 0, penalize && last, l1, twiceL2);
                var quarter = new Epilogue<V128>(ref _w0, p0 == 0, penalize && last, l1, twiceL2);
                if (rowOrder)
                {
                    for (int s = 0; s < strips; s++) PackStrip<T>(ref Unsafe.Add(ref bp, columnsStart + s * width), _n, width, depth, ref Unsafe.Add(ref bPack, s * depth * width));
                }
                for (int i1 = 0; i1 < m; i1 += block)
                {
                    int rows = Math.Min(block, m - i1);
                    ref float a = ref Unsafe.Add(ref _a0, i1 * aRow + p0 * aColumn);
                    Layout layout = new(aRow, aRow, aColumn);
                    if (packRows)
                    {
                        PackRows(ref a, rows, height, depth, ref aPack);
                        a = ref aPack;
                        layout = new(depth, 1, height);
                    }
                    if (rowOrder)
                    {
                        check += RowsAcross<T, TRows, TVectors>(ref a, layout, ref bPack, i1, rows, columnsStart, strips, depth, epilogue, ref sums);
                    }
                    else
                    {
                        for (int j0 = columnsStart; j0 < full; j0 += width)
                        {
                            if (packStrips && rows > height)
                            {
                                PackStrip<T>(ref Unsafe.Add(ref bp, j0), _n, width, depth, ref bPack);
                                check += Rows<T, TRows, TVectors>(ref a, layout, ref bPack, width, i1, rows, j0, depth, epilogue, ref sums);
                            }
                            else
                            {
                                check += Rows<T, TRows, TVectors>(ref a, layout, ref Unsafe.Add(ref bp, j0), _n, i1, rows, j0, depth, epilogue, ref sums);
                            }
                        }
                    }
                    int j = full;
                    for (; j + T.Count <= columnsEnd; j += T.Count) check += Rows<T, TRows, One>(ref a, layout, ref Unsafe.Add(ref bp, j), _n, i1, rows, j, depth, epilogue, ref sums);
                    // Four columns at a time in 128-bit vectors (the same fused multiply-adds), so that a narrow product, such as a
                    // classifier head of four outputs, keeps independent chains in flight rather than one scalar chain per element.
                    for (; T.Count > 4 && j + 4 <= columnsEnd; j += 4)
                    {
                        tailCheck += Simd.Sum(V128.FoldToFour(Rows<V128, TRows, One>(ref a, layout, ref Unsafe.Add(ref bp, j), _n, i1, rows, j, depth, quarter, ref sums)));
                    }
                    for (; j < columnsEnd; j++) tailCheck += Column(ref a, layout, ref Unsafe.Add(ref bp, j), height, i1, rows, j, depth, epilogue);
                }
                p0 += PanelDepth;
            }
            while (p0 < k);
            return Simd.Sum(T.FoldToFour(check)) + tailCheck == 0;
        }

        /// <summary>
        /// Columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> of <c>c</c> for one or two rows (a Dense layer's input
        /// gradient at batch 1 or 2): each step's row of <c>b</c> read whole, in order, into the panel's sums kept in L1 scratch. The tiles
        /// would read a strip a few vectors wide from every row, each row a page apart for 1024 columns, which the prefetchers do not
        /// follow (1024 × 1024 at batch 1: 166 µs, where reading the 4 MB takes 62). Each sum is the tiles' chain: from 0 at each panel,
        /// fused multiply-adds in the order of <c>p</c>, then the epilogue.
        /// </summary>
        private bool Streamed<T>(int columnsStart, int columnsEnd) where T : struct, IVector<T>
        {
            int width = columnsEnd - columnsStart, whole = width - width % T.Count;
            ref float sums = ref MemoryMarshal.GetArrayDataReference(Packs(m * width));
            T check = T.Zero;
            float tailCheck = 0;
            int p0 = 0;
            do // at least once, as in Columns
            {
                int depth = Math.Min(PanelDepth, k - p0);
                var epilogue = new Epilogue<T>(ref _w0, p0 == 0, penalize && p0 + depth >= k, l1, twiceL2);
                MemoryMarshal.CreateSpan(ref sums, m * width).Clear();
                for (int p = p0; p < p0 + depth; p++)
                {
                    ref float row = ref Unsafe.Add(ref _b0, p * _n + columnsStart);
                    for (int i = 0; i < m; i++)
                    {
                        float scalar = Unsafe.Add(ref _a0, i * aRow + p * aColumn);
                        T x = T.Create(scalar);
                        ref float s = ref Unsafe.Add(ref sums, i * width);
                        for (int v = 0; v < whole; v += T.Count) T.Store(T.MultiplyAdd(x, T.Load(ref row, (nuint)v), T.Load(ref s, (nuint)v)), ref s, (nuint)v);
                        for (int v = whole; v < width; v++) Unsafe.Add(ref s, v) = Simd.MultiplyAdd(scalar, Unsafe.Add(ref row, v), Unsafe.Add(ref s, v));
                    }
                }
                for (int i = 0; i < m; i++)
                {
                    ref float s = ref Unsafe.Add(ref sums, i * width);
                    int offset = i * _n + columnsStart;
                    for (int v = 0; v < whole; v += T.Count) check += epilogue.Store(ref _c0, offset + v, T.Load(ref s, (nuint)v));
                    for (int v = whole; v < width; v++) tailCheck += epilogue.Store(ref _c0, offset + v, Unsafe.Add(ref s, v));
                }
                p0 += PanelDepth;
            }
            while (p0 < k);
            return Simd.Sum(T.FoldToFour(check)) + tailCheck == 0;
        }

        /// <summary>
        /// Copies <paramref name="rows"/> rows of <c>A</c>, <paramref name="depth"/> steps long, into groups of <paramref name="height"/>:
        /// row <c>g·height + r</c>, step <c>p</c> at <c>pack[g·height·depth + p·height + r]</c> (the last group keeps the stride, part filled).
        /// </summary>
        private void PackRows(ref float a, int rows, int height, int depth, ref float pack)
        {
            for (int g = 0; g < rows; g += height)
            {
                int count = Math.Min(height, rows - g);
                ref float from = ref Unsafe.Add(ref a, g * aRow);
                ref float to = ref Unsafe.Add(ref pack, g * depth);
                for (int p = 0; p < depth; p++)
                {
                    ref float step = ref Unsafe.Add(ref from, p * aColumn);
                    ref float into = ref Unsafe.Add(ref to, p * height);
                    for (int r = 0; r < count; r++) Unsafe.Add(ref into, r) = Unsafe.Add(ref step, r * aRow);
                }
            }
        }

        /// <summary>
        /// Every row group of a block of <c>A</c> (packed or in place, as <paramref name="layout"/> says) against one strip of <c>b</c> (<paramref name="bStride"/> floats from one step to the next):
        /// whole tiles, then the last rows in a tile of their own height.
        /// </summary>
        private T Rows<T, TRows, TVectors>(ref float a, Layout layout, ref float b, int bStride, int i1, int rows, int j0, int depth, Epilogue<T> epilogue, ref float sums)
            where T : struct, IVector<T> where TRows : struct, IConstant where TVectors : struct, IConstant
        {
            int height = TRows.Value, whole = rows - rows % height;
            T check = T.Zero;
            for (int i = 0; i < whole; i += height)
            {
                check += Tile<T, TRows, TVectors>(ref Unsafe.Add(ref a, i * layout.RowAdvance), layout, ref b, bStride, i1 + i, j0, depth, epilogue, ref sums);
            }
            ref float last = ref Unsafe.Add(ref a, whole * layout.RowAdvance);
            int i0 = i1 + whole;
            return check + (rows - whole) switch
            {
                0 => T.Zero,
                1 => Tile<T, One, TVectors>(ref last, layout, ref b, bStride, i0, j0, depth, epilogue, ref sums),
                2 => Tile<T, Two, TVectors>(ref last, layout, ref b, bStride, i0, j0, depth, epilogue, ref sums),
                3 => Tile<T, Three, TVectors>(ref last, layout, ref b, bStride, i0, j0, depth, epilogue, ref sums),
                4 => Tile<T, Four, TVectors>(ref last, layout, ref b, bStride, i0, j0, depth, epilogue, ref sums),
                5 => Tile<T, Five, TVectors>(ref last, layout, ref b, bStride, i0, j0, depth, epilogue, ref sums),
                6 => Tile<T, Six, TVectors>(ref last, layout, ref b, bStride, i0, j0, depth, epilogue, ref sums),
                _ => Tile<T, Seven, TVectors>(ref last, layout, ref b, bStride, i0, j0, depth, epilogue, ref sums),
            };
        }

        /// <summary>
        /// Every row group of a block of <c>A</c> against every one of <paramref name="strips"/> packed strips of <c>b</c> (strip <c>s</c> at
        /// <c>s·depth·width</c> in <paramref name="bPack"/>), a row group along all the strips before the next; then the last rows, strip by strip.
        /// </summary>
        private T RowsAcross<T, TRows, TVectors>(ref float a, Layout layout, ref float bPack, int i1, int rows, int j0, int strips, int depth, Epilogue<T> epilogue, ref float sums)
            where T : struct, IVector<T> where TRows : struct, IConstant where TVectors : struct, IConstant
        {
            int height = TRows.Value, width = TVectors.Value * T.Count, whole = rows - rows % height;
            T check = T.Zero;
            for (int i = 0; i < whole; i += height)
            {
                ref float group = ref Unsafe.Add(ref a, i * layout.RowAdvance);
                for (int s = 0; s < strips; s++)
                {
                    check += Tile<T, TRows, TVectors>(ref group, layout, ref Unsafe.Add(ref bPack, s * depth * width), width, i1 + i, j0 + s * width, depth, epilogue, ref sums);
                }
            }
            if (whole == rows) return check;
            for (int s = 0; s < strips; s++)
            {
                check += Rows<T, TRows, TVectors>(ref Unsafe.Add(ref a, whole * layout.RowAdvance), layout, ref Unsafe.Add(ref bPack, s * depth * width), width, i1 + whole, rows - whole,
                    j0 + s * width, depth, epilogue, ref sums);
            }
            return check;
        }

        /// <summary>
        /// <typeparamref name="TRows"/> rows of <c>c</c> (up to 8), <typeparamref name="TVectors"/> vectors wide (up to 4): per step, one broadcast
        /// per row of <c>A</c> (where <paramref name="layout"/> says) and one load per vector of <c>b</c> feed rows × vectors FMAs.
        /// </summary>
        private T Tile<T, TRows, TVectors>(ref float a, Layout layout, ref float b, int bStride, int i0, int j0, int depth, Epilogue<T> epilogue, ref float sums)
            where T : struct, IVector<T> where TRows : struct, IConstant where TVectors : struct, IConstant
        {
            int rows = TRows.Value, vectors = TVectors.Value;
            nuint lanes = (nuint)T.Count, o = (nuint)layout.RowStride;
            nuint o2 = 2 * o, o3 = 3 * o, o4 = 4 * o, o5 = 5 * o, o6 = 6 * o, o7 = 7 * o;
            T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero, c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero, c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero, c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
            T c40 = T.Zero, c41 = T.Zero, c42 = T.Zero, c43 = T.Zero, c50 = T.Zero, c51 = T.Zero, c52 = T.Zero, c53 = T.Zero, c60 = T.Zero, c61 = T.Zero, c62 = T.Zero, c63 = T.Zero, c70 = T.Zero, c71 = T.Zero, c72 = T.Zero, c73 = T.Zero;
            for (int p = 0; p < depth; p++)
            {
                T y0 = T.Load(ref b, 0);
                T y1 = vectors > 1 ? T.Load(ref b, lanes) : y0, y2 = vectors > 2 ? T.Load(ref b, 2 * lanes) : y0, y3 = vectors > 3 ? T.Load(ref b, 3 * lanes) : y0;
                T x = T.Create(a);
                T.MultiplyAddTo(ref c00, x, y0);
                if (vectors > 1) T.MultiplyAddTo(ref c01, x, y1);
                if (vectors > 2) T.MultiplyAddTo(ref c02, x, y2);
                if (vectors > 3) T.MultiplyAddTo(ref c03, x, y3);
                if (rows > 1)
                {
                    x = T.Create(Unsafe.Add(ref a, o));
                    T.MultiplyAddTo(ref c10, x, y0);
                    if (vectors > 1) T.MultiplyAddTo(ref c11, x, y1);
                    if (vectors > 2) T.MultiplyAddTo(ref c12, x, y2);
                    if (vectors > 3) T.MultiplyAddTo(ref c13, x, y3);
                }
                if (rows > 2)
                {
                    x = T.Create(Unsafe.Add(ref a, o2));
                    T.MultiplyAddTo(ref c20, x, y0);
                    if (vectors > 1) T.MultiplyAddTo(ref c21, x, y1);
                    if (vectors > 2) T.MultiplyAddTo(ref c22, x, y2);
                    if (vectors > 3) T.MultiplyAddTo(ref c23, x, y3);
                }
                if (rows > 3)
                {
                    x = T.Create(Unsafe.Add(ref a, o3));
                    T.MultiplyAddTo(ref c30, x, y0);
                    if (vectors > 1) T.MultiplyAddTo(ref c31, x, y1);
                    if (vectors > 2) T.MultiplyAddTo(ref c32, x, y2);
                    if (vectors > 3) T.MultiplyAddTo(ref c33, x, y3);
                }
                if (rows > 4)
                {
                    x = T.Create(Unsafe.Add(ref a, o4));
                    T.MultiplyAddTo(ref c40, x, y0);
                    if (vectors > 1) T.MultiplyAddTo(ref c41, x, y1);
                    if (vectors > 2) T.MultiplyAddTo(ref c42, x, y2);
                    if (vectors > 3) T.MultiplyAddTo(ref c43, x, y3);
                }
                if (rows > 5)
                {
                    x = T.Create(Unsafe.Add(ref a, o5));
                    T.MultiplyAddTo(ref c50, x, y0);
                    if (vectors > 1) T.MultiplyAddTo(ref c51, x, y1);
                    if (vectors > 2) T.MultiplyAddTo(ref c52, x, y2);
                    if (vectors > 3) T.MultiplyAddTo(ref c53, x, y3);
                }
                if (rows > 6)
                {
                    x = T.Create(Unsafe.Add(ref a, o6));
                    T.MultiplyAddTo(ref c60, x, y0);
                    if (vectors > 1) T.MultiplyAddTo(ref c61, x, y1);
                    if (vectors > 2) T.MultiplyAddTo(ref c62, x, y2);
                    if (vectors > 3) T.MultiplyAddTo(ref c63, x, y3);
                }
                if (rows > 7)
                {
                    x = T.Create(Unsafe.Add(ref a, o7));
                    T.MultiplyAddTo(ref c70, x, y0);
                    if (vectors > 1) T.MultiplyAddTo(ref c71, x, y1);
                    if (vectors > 2) T.MultiplyAddTo(ref c72, x, y2);
                    if (vectors > 3) T.MultiplyAddTo(ref c73, x, y3);
                }
                a = ref Unsafe.Add(ref a, layout.StepStride);
                b = ref Unsafe.Add(ref b, bStride);
            }
            // Through memory, so that no accumulator is live across the epilogue's calls (every vector register is caller-saved on SysV x64).
            nuint w = (nuint)(vectors * T.Count);
            T.Store(c00, ref sums, 0 * w);
            if (vectors > 1) T.Store(c01, ref sums, 0 * w + 1 * lanes);
            if (vectors > 2) T.Store(c02, ref sums, 0 * w + 2 * lanes);
            if (vectors > 3) T.Store(c03, ref sums, 0 * w + 3 * lanes);
            if (rows > 1)
            {
                T.Store(c10, ref sums, 1 * w);
                if (vectors > 1) T.Store(c11, ref sums, 1 * w + 1 * lanes);
                if (vectors > 2) T.Store(c12, ref sums, 1 * w + 2 * lanes);
                if (vectors > 3) T.Store(c13, ref sums, 1 * w + 3 * lanes);
            }
            if (rows > 2)
            {
                T.Store(c20, ref sums, 2 * w);
                if (vectors > 1) T.Store(c21, ref sums, 2 * w + 1 * lanes);
                if (vectors > 2) T.Store(c22, ref sums, 2 * w + 2 * lanes);
                if (vectors > 3) T.Store(c23, ref sums, 2 * w + 3 * lanes);
            }
            if (rows > 3)
            {
                T.Store(c30, ref sums, 3 * w);
                if (vectors > 1) T.Store(c31, ref sums, 3 * w + 1 * lanes);
                if (vectors > 2) T.Store(c32, ref sums, 3 * w + 2 * lanes);
                if (vectors > 3) T.Store(c33, ref sums, 3 * w + 3 * lanes);
            }
            if (rows > 4)
            {
                T.Store(c40, ref sums, 4 * w);
                if (vectors > 1) T.Store(c41, ref sums, 4 * w + 1 * lanes);
                if (vectors > 2) T.Store(c42, ref sums, 4 * w + 2 * lanes);
                if (vectors > 3) T.Store(c43, ref sums, 4 * w + 3 * lanes);
            }
            if (rows > 5)
            {
                T.Store(c50, ref sums, 5 * w);
                if (vectors > 1) T.Store(c51, ref sums, 5 * w + 1 * lanes);
                if (vectors > 2) T.Store(c52, ref sums, 5 * w + 2 * lanes);
                if (vectors > 3) T.Store(c53, ref sums, 5 * w + 3 * lanes);
            }
            if (rows > 6)
            {
                T.Store(c60, ref sums, 6 * w);
                if (vectors > 1) T.Store(c61, ref sums, 6 * w + 1 * lanes);
                if (vectors > 2) T.Store(c62, ref sums, 6 * w + 2 * lanes);
                if (vectors > 3) T.Store(c63, ref sums, 6 * w + 3 * lanes);
            }
            if (rows > 7)
            {
                T.Store(c70, ref sums, 7 * w);
                if (vectors > 1) T.Store(c71, ref sums, 7 * w + 1 * lanes);
                if (vectors > 2) T.Store(c72, ref sums, 7 * w + 2 * lanes);
                if (vectors > 3) T.Store(c73, ref sums, 7 * w + 3 * lanes);
            }
            return epilogue.StoreTile(ref _c0, i0, j0, _n, ref sums, rows, (int)w);
        }

        /// <summary>One column of <c>c</c> for every row of a block of <c>A</c>, each summed alone in the order of the tiles.</summary>
        private float Column<T>(ref float a, Layout layout, ref float b, int height, int i1, int rows, int j, int depth, Epilogue<T> epilogue) where T : struct, IVector<T>
        {
            float check = 0;
            for (int i = 0; i < rows; i++)
            {
                ref float row = ref Unsafe.Add(ref a, (i - i % height) * layout.RowAdvance + i % height * layout.RowStride);
                float s = 0;
                for (int p = 0; p < depth; p++) s = Simd.MultiplyAdd(Unsafe.Add(ref row, p * layout.StepStride), Unsafe.Add(ref b, p * _n), s);
                check += epilogue.Store(ref _c0, (i1 + i) * _n + j, s);
            }
            return check;
        }
    }

    /// <summary>
    /// Where the rows of <c>A</c> a tile reads are: row <c>g + r</c> of a group starting at row <c>g</c>, step <c>p</c>, at
    /// <c>g·RowAdvance + r·RowStride + p·StepStride</c>; packed groups are <c>(depth, 1, height)</c>, rows in place <c>(aRow, aRow, aColumn)</c>.
    /// </summary>
    private readonly record struct Layout(int RowAdvance, int RowStride, int StepStride);

    /// <summary>Copies a strip of <c>b</c>, <paramref name="width"/> floats (whole vectors) by <paramref name="depth"/> steps, to a contiguous block.</summary>
    private static void PackStrip<T>(ref float b, int n, int width, int depth, ref float pack) where T : struct, IVector<T>
    {
        for (int p = 0; p < depth; p++)
        {
            ref float from = ref Unsafe.Add(ref b, p * n);
            ref float to = ref Unsafe.Add(ref pack, p * width);
            for (int v = 0; v < width; v += T.Count) T.Store(T.Load(ref from, (nuint)v), ref to, (nuint)v);
        }
    }

    /// <summary>This thread's packing block, at least <paramref name="count"/> floats; grown to the largest request and kept.</summary>
    private static float[] Packs(int count)
    {
        float[]? block = _packs;
        if (block is null || block.Length < count) _packs = block = new float[count];
        return block;
    }
}
