using System;
using System.Runtime.CompilerServices;

namespace NormReg.Kernels;

/// <summary>
/// <c>c[i·cRow + j] = Σₚ A(i, p)·b[row p + j]</c> for i &lt; m, j &lt; n, p &lt; depth, with <c>A(i, p) = a[i·aRow + p·aColumn]</c>, plus a bias by
/// row or by column: each output summed from zero (or from the value <c>c</c> holds) in the order of p with fused multiply-adds, then the
/// bias added, at every width. The convolution's products, and the dense forward product of few inputs (<see cref="Gemm"/>).
/// </summary>
/// <remarks>
/// The register tile covers up to eight rows (a layer's filters: 6 and 16 fit in one and two tiles; eight rows of a batch) by up to three
/// vectors of columns, so each loaded vector of <c>b</c> feeds up to eight multiply-adds and each broadcast value of <c>A</c> up to three. The
/// accumulators stay in registers from the first step to the store, which adds the bias. Columns past the last whole vector take
/// narrower vectors, then scalars.
/// </remarks>
internal static class TiledProduct
{
    /// <summary>What bias the stored sums get: none, <c>bias[i]</c> by row (a convolution's filters), or <c>bias[j]</c> by column (a dense layer's outputs).</summary>
    public enum BiasBy
    {
        None,
        Row,
        Column,
    }

    /// <summary>The product with row p of <c>b</c> at <c>b[p·bRow]</c>; <paramref name="accumulate"/> adds to what <paramref name="c"/> holds.</summary>
    public static void Multiply(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, int cRow, int m, int n, int depth, ref float bias, BiasBy biasBy,
        bool accumulate = false) =>
        Multiply<Strided, Strided>(ref a, aRow, aColumn, ref Unsafe.NullRef<int>(), ref b, bRow, ref Unsafe.NullRef<int>(), ref c, cRow, m, n, depth, ref bias, biasBy, accumulate);

    /// <summary>The product with row p of <c>b</c> at <c>b[rowAt[p]]</c> (a convolution's column planes), <c>A(i, p) = a[i·aRow + p]</c>, overwriting <paramref name="c"/>.</summary>
    public static void Multiply(ref float a, int aRow, ref float b, ref int rowAt, ref float c, int cRow, int m, int n, int depth, ref float bias, BiasBy biasBy) =>
        Multiply<Strided, Listed>(ref a, aRow, 1, ref Unsafe.NullRef<int>(), ref b, 0, ref rowAt, ref c, cRow, m, n, depth, ref bias, biasBy, false);

    /// <summary>
    /// The product with row i of <c>A</c> at <c>a[aRowAt[i]]</c> (a convolution's column planes), <c>A(i, p) = a[aRowAt[i] + p]</c>, and row p
    /// of <c>b</c> at <c>b[p·bRow]</c>, without bias; <paramref name="accumulate"/> adds to what <paramref name="c"/> holds.
    /// </summary>
    public static void Multiply(ref float a, ref int aRowAt, ref float b, int bRow, ref float c, int cRow, int m, int n, int depth, bool accumulate) =>
        Multiply<Listed, Strided>(ref a, 0, 1, ref aRowAt, ref b, bRow, ref Unsafe.NullRef<int>(), ref c, cRow, m, n, depth, ref Unsafe.NullRef<float>(), BiasBy.None, accumulate);

    /// <summary>
    /// The product with row p of <c>b</c> at <c>b[p·bRow]</c>, without bias, overwriting <paramref name="c"/> with its columns in runs of 8 placed
    /// <paramref name="pitch"/> floats apart: column j of row i at <c>c[i·cRow + ⌊j/8⌋·pitch + j mod 8]</c> (output pixels 8 to a row, stored
    /// into rows with room between them). Same sums as the other overloads.
    /// </summary>
    public static void MultiplyPlaced(ref float a, int aRow, int aColumn, ref float b, int bRow, ref float c, int cRow, int m, int n, int depth, int pitch) =>
        Multiply<Strided, Strided>(ref a, aRow, aColumn, ref Unsafe.NullRef<int>(), ref b, bRow, ref Unsafe.NullRef<int>(), ref c, cRow, m, n, depth, ref Unsafe.NullRef<float>(), BiasBy.None, false, pitch);

    private static void Multiply<TARowAt, TRowAt>(ref float a, int aRow, int aColumn, ref int aRowAt, ref float b, int bRow, ref int rowAt, ref float c, int cRow, int m, int n, int depth,
        ref float bias, BiasBy biasBy, bool accumulate, int pitch = 0) where TARowAt : struct, IRowAt where TRowAt : struct, IRowAt
    {
        var shape = new Shape(aRow, aColumn, bRow, cRow, depth, biasBy, accumulate, pitch);
        int j = Simd.Width switch
        {
            512 => shape.Columns<V512, TARowAt, TRowAt>(ref a, ref aRowAt, ref b, ref rowAt, ref c, ref bias, m, 0, n),
            256 => shape.Columns<V256, TARowAt, TRowAt>(ref a, ref aRowAt, ref b, ref rowAt, ref c, ref bias, m, 0, n),
            _ => 0,
        };
        j = shape.Columns<V128, TARowAt, TRowAt>(ref a, ref aRowAt, ref b, ref rowAt, ref c, ref bias, m, j, n);
        for (; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                float sum = accumulate ? Unsafe.Add(ref c, i * cRow + j) : 0; // accumulate is never placed
                ref float ai = ref Unsafe.Add(ref a, TARowAt.Of(ref aRowAt, i, aRow));
                for (int p = 0; p < depth; p++) sum = Simd.MultiplyAdd(Unsafe.Add(ref ai, p * aColumn), Unsafe.Add(ref b, TRowAt.Of(ref rowAt, p, bRow) + j), sum);
                Unsafe.Add(ref c, i * cRow + shape.Place(j)) = biasBy switch
                {
                    BiasBy.Row => sum + Unsafe.Add(ref bias, i),
                    BiasBy.Column => sum + Unsafe.Add(ref bias, j),
                    _ => sum,
                };
            }
        }
    }

    /// <summary>Where row p of a product's <c>b</c> (or row i of its <c>A</c>) starts.</summary>
    private interface IRowAt
    {
        static abstract nint Of(ref int rowAt, int p, int stride);

        /// <summary>The table of the rows from row <paramref name="i"/> on, and where their offsets count from: <c>a</c> moved by <see cref="Start"/>.</summary>
        static abstract ref int From(ref int rowAt, int i);

        static abstract nint Start(int i, int stride);
    }

    /// <summary>Rows <c>stride</c> apart.</summary>
    private readonly struct Strided : IRowAt
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Of(ref int rowAt, int p, int stride) => (nint)p * stride;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ref int From(ref int rowAt, int i) => ref rowAt;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Start(int i, int stride) => (nint)i * stride;
    }

    /// <summary>Rows where a table says.</summary>
    private readonly struct Listed : IRowAt
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Of(ref int rowAt, int p, int stride) => Unsafe.Add(ref rowAt, p);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ref int From(ref int rowAt, int i) => ref Unsafe.Add(ref rowAt, i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Start(int i, int stride) => 0;
    }

    /// <summary>The strides, depth and bias of one product, passed down to its tiles as one value.</summary>
    private readonly struct Shape(int aRow, int aColumn, int bRow, int cRow, int depth, BiasBy biasBy, bool accumulate, int pitch)
    {
        private readonly int _aRow = aRow, _aColumn = aColumn, _bRow = bRow, _cRow = cRow, _depth = depth, _pitch = pitch;
        private readonly BiasBy _biasBy = biasBy;
        private readonly bool _accumulate = accumulate;

        /// <summary>For placed columns (<see cref="MultiplyPlaced"/>), where a strip's second and third vectors start from its first.</summary>
        private readonly nint _second, _third;

        private Shape(in Shape shape, nint second, nint third) : this(shape._aRow, shape._aColumn, shape._bRow, shape._cRow, shape._depth, shape._biasBy, shape._accumulate, shape._pitch)
        {
            _second = second;
            _third = third;
        }

        /// <summary>Where column <paramref name="j"/> of a row of <c>c</c> is stored.</summary>
        public nint Place(int j) => _pitch == 0 ? j : (nint)(j / 8) * _pitch + j % 8;

        /// <summary>This shape for the strip of columns from <paramref name="j"/>, which knows where its vectors are placed.</summary>
        private Shape Strip<T>(int j) where T : struct, IVector<T> =>
            _pitch == 0 ? this : new Shape(this, Place(j + T.Count) - Place(j), Place(j + 2 * T.Count) - Place(j));

        /// <summary>
        /// Columns <paramref name="from"/> onward in tiles of three vectors of <typeparamref name="T"/>, then two or one, then one of the next
        /// narrower width where it fits (the widths a wider path would hand down). Returns the first column left.
        /// </summary>
        public int Columns<T, TARowAt, TRowAt>(ref float a, ref int aRowAt, ref float b, ref int rowAt, ref float c, ref float bias, int m, int from, int n)
            where T : struct, IVector<T> where TARowAt : struct, IRowAt where TRowAt : struct, IRowAt
        {
            int j = from, vectors = (n - from) / T.Count, threes = vectors / 3, twos = vectors % 3 == 2 ? 1 : 0;
            if (vectors % 3 == 1 && threes > 0)
            {
                // Three vectors then one would leave the last strip eight multiply-add chains, one broadcast each: two and two keep sixteen.
                threes--;
                twos = 2;
            }
            for (int t = 0; t < threes; t++, j += 3 * T.Count) Strip<T>(j).Rows<T, TARowAt, TRowAt, Three>(ref a, ref aRowAt, ref Unsafe.Add(ref b, j), ref rowAt, ref Unsafe.Add(ref c, Place(j)), ref ColumnBias(ref bias, j), m);
            for (int t = 0; t < twos; t++, j += 2 * T.Count) Strip<T>(j).Rows<T, TARowAt, TRowAt, Two>(ref a, ref aRowAt, ref Unsafe.Add(ref b, j), ref rowAt, ref Unsafe.Add(ref c, Place(j)), ref ColumnBias(ref bias, j), m);
            if (j + T.Count <= n)
            {
                Strip<T>(j).Rows<T, TARowAt, TRowAt, One>(ref a, ref aRowAt, ref Unsafe.Add(ref b, j), ref rowAt, ref Unsafe.Add(ref c, Place(j)), ref ColumnBias(ref bias, j), m);
                j += T.Count;
            }
            if (T.Count == 16 && j + 8 <= n) return Columns<V256, TARowAt, TRowAt>(ref a, ref aRowAt, ref b, ref rowAt, ref c, ref bias, m, j, n);
            return j;
        }

        /// <summary>The bias a strip of columns from <paramref name="j"/> starts at: moved along by column, as it is for rows.</summary>
        private ref float ColumnBias(ref float bias, int j) => ref _biasBy == BiasBy.Column ? ref Unsafe.Add(ref bias, j) : ref bias;

        /// <summary>Every row of one strip of columns, eight rows at a time (four below 512 bits for tiles of two or three vectors, where there are 16 vector registers).</summary>
        private void Rows<T, TARowAt, TRowAt, TVectors>(ref float a, ref int aRowAt, ref float b, ref int rowAt, ref float c, ref float bias, int m)
            where T : struct, IVector<T> where TARowAt : struct, IRowAt where TRowAt : struct, IRowAt where TVectors : struct, IConstant
        {
            int most = Simd.Width == 512 || TVectors.Value == 1 ? 8 : 4, i = 0;
            for (; i + most <= m; i += most)
            {
                ref float bi0 = ref _biasBy == BiasBy.Row ? ref Unsafe.Add(ref bias, i) : ref bias;
                ref float ai0 = ref Unsafe.Add(ref a, TARowAt.Start(i, _aRow));
                if (most == 8) Tile<T, TARowAt, TRowAt, TVectors, Eight>(ref ai0, ref TARowAt.From(ref aRowAt, i), ref b, ref rowAt, ref Unsafe.Add(ref c, i * _cRow), ref bi0);
                else Tile<T, TARowAt, TRowAt, TVectors, Four>(ref ai0, ref TARowAt.From(ref aRowAt, i), ref b, ref rowAt, ref Unsafe.Add(ref c, i * _cRow), ref bi0);
            }
            ref float ai = ref Unsafe.Add(ref a, TARowAt.Start(i, _aRow));
            ref int ri = ref TARowAt.From(ref aRowAt, i);
            ref float ci = ref Unsafe.Add(ref c, i * _cRow);
            ref float bi = ref _biasBy == BiasBy.Row ? ref Unsafe.Add(ref bias, i) : ref bias;
            switch (m - i)
            {
                case 7: Tile<T, TARowAt, TRowAt, TVectors, Seven>(ref ai, ref ri, ref b, ref rowAt, ref ci, ref bi); break;
                case 6: Tile<T, TARowAt, TRowAt, TVectors, Six>(ref ai, ref ri, ref b, ref rowAt, ref ci, ref bi); break;
                case 5: Tile<T, TARowAt, TRowAt, TVectors, Five>(ref ai, ref ri, ref b, ref rowAt, ref ci, ref bi); break;
                case 4: Tile<T, TARowAt, TRowAt, TVectors, Four>(ref ai, ref ri, ref b, ref rowAt, ref ci, ref bi); break;
                case 3: Tile<T, TARowAt, TRowAt, TVectors, Three>(ref ai, ref ri, ref b, ref rowAt, ref ci, ref bi); break;
                case 2: Tile<T, TARowAt, TRowAt, TVectors, Two>(ref ai, ref ri, ref b, ref rowAt, ref ci, ref bi); break;
                case 1: Tile<T, TARowAt, TRowAt, TVectors, One>(ref ai, ref ri, ref b, ref rowAt, ref ci, ref bi); break;
            }
        }

        /// <summary>One register tile: <typeparamref name="TRows"/> rows by <typeparamref name="TVectors"/> vectors, over the whole depth; row k of <c>A</c> at <c>a + TARowAt.Of(aRowAt, k, aRow)</c>.</summary>
        private void Tile<T, TARowAt, TRowAt, TVectors, TRows>(ref float a, ref int aRowAt, ref float b, ref int rowAt, ref float c, ref float bias)
            where T : struct, IVector<T> where TARowAt : struct, IRowAt where TRowAt : struct, IRowAt where TVectors : struct, IConstant where TRows : struct, IConstant
        {
            int rows = TRows.Value, vectors = TVectors.Value, depth = _depth, aRow = _aRow, aColumn = _aColumn, bRow = _bRow, cRow = _cRow;
            BiasBy biasBy = _biasBy;
            // Where each row of A starts, read once: a listed row's offset is a load the loop would otherwise repeat.
            nint a0 = TARowAt.Of(ref aRowAt, 0, aRow), a1 = rows > 1 ? TARowAt.Of(ref aRowAt, 1, aRow) : 0, a2 = rows > 2 ? TARowAt.Of(ref aRowAt, 2, aRow) : 0,
                a3 = rows > 3 ? TARowAt.Of(ref aRowAt, 3, aRow) : 0, a4 = rows > 4 ? TARowAt.Of(ref aRowAt, 4, aRow) : 0, a5 = rows > 5 ? TARowAt.Of(ref aRowAt, 5, aRow) : 0,
                a6 = rows > 6 ? TARowAt.Of(ref aRowAt, 6, aRow) : 0, a7 = rows > 7 ? TARowAt.Of(ref aRowAt, 7, aRow) : 0;
            T c00 = T.Zero, c10 = T.Zero, c20 = T.Zero, c30 = T.Zero, c40 = T.Zero, c50 = T.Zero, c60 = T.Zero, c70 = T.Zero, c01 = T.Zero, c11 = T.Zero, c21 = T.Zero, c31 = T.Zero, c41 = T.Zero, c51 = T.Zero, c61 = T.Zero, c71 = T.Zero, c02 = T.Zero, c12 = T.Zero, c22 = T.Zero, c32 = T.Zero, c42 = T.Zero, c52 = T.Zero, c62 = T.Zero, c72 = T.Zero;
            if (_accumulate)
            {
                Load(ref c, vectors, out c00, out c01, out c02);
                if (rows > 1) Load(ref Unsafe.Add(ref c, 1 * cRow), vectors, out c10, out c11, out c12);
                if (rows > 2) Load(ref Unsafe.Add(ref c, 2 * cRow), vectors, out c20, out c21, out c22);
                if (rows > 3) Load(ref Unsafe.Add(ref c, 3 * cRow), vectors, out c30, out c31, out c32);
                if (rows > 4) Load(ref Unsafe.Add(ref c, 4 * cRow), vectors, out c40, out c41, out c42);
                if (rows > 5) Load(ref Unsafe.Add(ref c, 5 * cRow), vectors, out c50, out c51, out c52);
                if (rows > 6) Load(ref Unsafe.Add(ref c, 6 * cRow), vectors, out c60, out c61, out c62);
                if (rows > 7) Load(ref Unsafe.Add(ref c, 7 * cRow), vectors, out c70, out c71, out c72);
            }
            for (int p = 0; p < depth; p++)
            {
                ref float bp = ref Unsafe.Add(ref b, TRowAt.Of(ref rowAt, p, bRow));
                T b0 = T.Load(ref bp, 0);
                T b1 = vectors > 1 ? T.Load(ref bp, (nuint)T.Count) : b0;
                T b2 = vectors > 2 ? T.Load(ref bp, (nuint)(2 * T.Count)) : b0;
                ref float ap = ref Unsafe.Add(ref a, p * aColumn);
                {
                    T w = T.Create(Unsafe.Add(ref ap, a0));
                    T.MultiplyAddTo(ref c00, w, b0);
                    if (vectors > 1) T.MultiplyAddTo(ref c01, w, b1);
                    if (vectors > 2) T.MultiplyAddTo(ref c02, w, b2);
                }
                if (rows > 1)
                {
                    T w = T.Create(Unsafe.Add(ref ap, a1));
                    T.MultiplyAddTo(ref c10, w, b0);
                    if (vectors > 1) T.MultiplyAddTo(ref c11, w, b1);
                    if (vectors > 2) T.MultiplyAddTo(ref c12, w, b2);
                }
                if (rows > 2)
                {
                    T w = T.Create(Unsafe.Add(ref ap, a2));
                    T.MultiplyAddTo(ref c20, w, b0);
                    if (vectors > 1) T.MultiplyAddTo(ref c21, w, b1);
                    if (vectors > 2) T.MultiplyAddTo(ref c22, w, b2);
                }
                if (rows > 3)
                {
                    T w = T.Create(Unsafe.Add(ref ap, a3));
                    T.MultiplyAddTo(ref c30, w, b0);
                    if (vectors > 1) T.MultiplyAddTo(ref c31, w, b1);
                    if (vectors > 2) T.MultiplyAddTo(ref c32, w, b2);
                }
                if (rows > 4)
                {
                    T w = T.Create(Unsafe.Add(ref ap, a4));
                    T.MultiplyAddTo(ref c40, w, b0);
                    if (vectors > 1) T.MultiplyAddTo(ref c41, w, b1);
                    if (vectors > 2) T.MultiplyAddTo(ref c42, w, b2);
                }
                if (rows > 5)
                {
                    T w = T.Create(Unsafe.Add(ref ap, a5));
                    T.MultiplyAddTo(ref c50, w, b0);
                    if (vectors > 1) T.MultiplyAddTo(ref c51, w, b1);
                    if (vectors > 2) T.MultiplyAddTo(ref c52, w, b2);
                }
                if (rows > 6)
                {
                    T w = T.Create(Unsafe.Add(ref ap, a6));
                    T.MultiplyAddTo(ref c60, w, b0);
                    if (vectors > 1) T.MultiplyAddTo(ref c61, w, b1);
                    if (vectors > 2) T.MultiplyAddTo(ref c62, w, b2);
                }
                if (rows > 7)
                {
                    T w = T.Create(Unsafe.Add(ref ap, a7));
                    T.MultiplyAddTo(ref c70, w, b0);
                    if (vectors > 1) T.MultiplyAddTo(ref c71, w, b1);
                    if (vectors > 2) T.MultiplyAddTo(ref c72, w, b2);
                }
            }
            if (_pitch != 0)
            {
                StoreRuns(c00, c01, c02, ref Unsafe.Add(ref c, 0 * cRow), vectors);
                if (rows > 1) StoreRuns(c10, c11, c12, ref Unsafe.Add(ref c, 1 * cRow), vectors);
                if (rows > 2) StoreRuns(c20, c21, c22, ref Unsafe.Add(ref c, 2 * cRow), vectors);
                if (rows > 3) StoreRuns(c30, c31, c32, ref Unsafe.Add(ref c, 3 * cRow), vectors);
                if (rows > 4) StoreRuns(c40, c41, c42, ref Unsafe.Add(ref c, 4 * cRow), vectors);
                if (rows > 5) StoreRuns(c50, c51, c52, ref Unsafe.Add(ref c, 5 * cRow), vectors);
                if (rows > 6) StoreRuns(c60, c61, c62, ref Unsafe.Add(ref c, 6 * cRow), vectors);
                if (rows > 7) StoreRuns(c70, c71, c72, ref Unsafe.Add(ref c, 7 * cRow), vectors);
                return;
            }
            Store<T>(c00, c01, c02, ref Unsafe.Add(ref c, 0 * cRow), vectors, biasBy, ref bias, 0);
            if (rows > 1) Store<T>(c10, c11, c12, ref Unsafe.Add(ref c, 1 * cRow), vectors, biasBy, ref bias, 1);
            if (rows > 2) Store<T>(c20, c21, c22, ref Unsafe.Add(ref c, 2 * cRow), vectors, biasBy, ref bias, 2);
            if (rows > 3) Store<T>(c30, c31, c32, ref Unsafe.Add(ref c, 3 * cRow), vectors, biasBy, ref bias, 3);
            if (rows > 4) Store<T>(c40, c41, c42, ref Unsafe.Add(ref c, 4 * cRow), vectors, biasBy, ref bias, 4);
            if (rows > 5) Store<T>(c50, c51, c52, ref Unsafe.Add(ref c, 5 * cRow), vectors, biasBy, ref bias, 5);
            if (rows > 6) Store<T>(c60, c61, c62, ref Unsafe.Add(ref c, 6 * cRow), vectors, biasBy, ref bias, 6);
            if (rows > 7) Store<T>(c70, c71, c72, ref Unsafe.Add(ref c, 7 * cRow), vectors, biasBy, ref bias, 7);
        }

        /// <summary>Stores one row of a tile of placed columns (<see cref="MultiplyPlaced"/>, no bias), each vector in runs of 8 where its columns go.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void StoreRuns<T>(T c0, T c1, T c2, ref float c, int vectors) where T : struct, IVector<T>
        {
            T.StoreRuns(c0, ref c, _pitch);
            if (vectors > 1) T.StoreRuns(c1, ref Unsafe.Add(ref c, _second), _pitch);
            if (vectors > 2) T.StoreRuns(c2, ref Unsafe.Add(ref c, _third), _pitch);
        }
    }

    /// <summary>Loads one row of a tile to continue its sums (the vectors past <paramref name="vectors"/> are zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load<T>(ref float c, int vectors, out T c0, out T c1, out T c2) where T : struct, IVector<T>
    {
        c0 = T.Load(ref c, 0);
        c1 = vectors > 1 ? T.Load(ref c, (nuint)T.Count) : T.Zero;
        c2 = vectors > 2 ? T.Load(ref c, (nuint)(2 * T.Count)) : T.Zero;
    }

    /// <summary>Stores row <paramref name="row"/> of a tile, after adding its bias: <c>bias[row]</c> by row, the tile's columns of <paramref name="bias"/> by column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T c0, T c1, T c2, ref float c, int vectors, BiasBy biasBy, ref float bias, int row) where T : struct, IVector<T>
    {
        if (biasBy == BiasBy.Row)
        {
            T add = T.Create(Unsafe.Add(ref bias, row));
            c0 += add;
            c1 += add;
            c2 += add;
        }
        else if (biasBy == BiasBy.Column)
        {
            c0 += T.Load(ref bias, 0);
            if (vectors > 1) c1 += T.Load(ref bias, (nuint)T.Count);
            if (vectors > 2) c2 += T.Load(ref bias, (nuint)(2 * T.Count));
        }
        T.Store(c0, ref c, 0);
        if (vectors > 1) T.Store(c1, ref c, (nuint)T.Count);
        if (vectors > 2) T.Store(c2, ref c, (nuint)(2 * T.Count));
    }

    private interface IConstant
    {
        static abstract int Value { get; }
    }

    private readonly struct One : IConstant { public static int Value => 1; }

    private readonly struct Two : IConstant { public static int Value => 2; }

    private readonly struct Three : IConstant { public static int Value => 3; }

    private readonly struct Four : IConstant { public static int Value => 4; }

    private readonly struct Five : IConstant { public static int Value => 5; }

    private readonly struct Six : IConstant { public static int Value => 6; }

    private readonly struct Seven : IConstant { public static int Value => 7; }

    private readonly struct Eight : IConstant { public static int Value => 8; }
}
