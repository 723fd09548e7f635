using System;
using NormReg.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>Rows of <c>a</c> a block of <see cref="NarrowProduct"/> transposes: 72 KB of scratch at most, within L2.</summary>
    private const int NarrowRows = 256;

    /// <summary>Floats of <c>b</c> a block may hold: 256 KB, a fraction of any current core's L2.</summary>
    private const int BlockFloats = 64 * 1024;

    /// <summary>Steps of <c>p</c> per packed panel: a strip of <c>b</c> one tile wide (48 floats at 512 bits) that deep is 24 KB, within L1.</summary>
    private const int PanelDepth = 128;

    /// <summary><c>c[i, j] = Σₚ a[i, p]·b[j, p]</c>: <paramref name="a"/> is [m × k], <paramref name="b"/> is [n × k], <paramref name="c"/> is [m × n], all row-major.</summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k) => MultiplyTransposed(a, b, default, c, m, n, k);

    /// <summary>
    /// <c>c[i, j] = Σₚ a[i, p]·b[j, p] + bias[j]</c> (no bias when <paramref name="bias"/> is empty): <paramref name="a"/> is [m × k],
    /// <paramref name="b"/> is [n × k], <paramref name="c"/> is [m × n], all row-major. With <paramref name="relu"/>, each value is stored as
    /// <c>max(0, v)</c> (as <see cref="Activations.ReLU"/>: NaN stays NaN, −0 becomes +0), on the dot-product kernel as it stores.
    /// </summary>
    /// <remarks>
    /// Products of at most <see cref="SequentialDepth"/> steps are summed in order, as <see cref="Multiply"/> sums: <paramref name="b"/> is
    /// transposed into a scratch block and the rows of <c>c</c> computed a vector of outputs at a time, instead of a vector reduction per output, in
    /// <see cref="TiledProduct"/>'s register tiles (up to eight rows by two vectors of 16 for 32 outputs), each adding the bias as it stores.
    /// Longer ones run on the dot-product kernel (<c>Gemm.Dot.cs</c>; without FMA, <c>Gemm.Dot.NoFma.cs</c>), which adds the bias as it stores each sum,
    /// or, given <paramref name="packed"/> (<paramref name="b"/> as <see cref="Pack"/> wrote it, where <see cref="PacksWeights"/>), on
    /// <see cref="MultiplyPacked"/>, split over threads by panels of outputs as the other kernel is by rows of <c>b</c>: the same bits.
    /// </remarks>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, bool relu = false,
        ReadOnlySpan<float> packed = default)
    {
        if (k <= SequentialDepth)
        {
            if (2 * n <= Simd.Width / 32 && m >= Simd.Width / 16)
            {
                NarrowProduct(a, b, bias, c, m, n, k);
                ReLUAfter(c, m, n, relu);
                return;
            }
            Span<float> transposed = Scratch.Floats(k * n);
            Transpose(ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(transposed), n, k);
            TiledProduct.Multiply(ref MemoryMarshal.GetReference(a), k, 1, ref MemoryMarshal.GetReference(transposed), n, ref MemoryMarshal.GetReference(c), n, m, n, k,
                ref MemoryMarshal.GetReference(bias), bias.IsEmpty ? TiledProduct.BiasBy.None : TiledProduct.BiasBy.Column);
            ReLUAfter(c, m, n, relu);
            return;
        }
        int parts = ForwardParts(m, n, k);
        if (parts > 1 && WorkerPool.TryEnter(parts))
        {
            try
            {
                if (!packed.IsEmpty) PackedJob.Run(a, packed, bias, c, m, n, k, relu, parts);
                else DotJob.Run(a, b, c, m, n, k, parts);
            }
            finally
            {
                WorkerPool.Exit();
            }
            if (!packed.IsEmpty) return;
            AddBias(bias, c, m, n);
            ReLUAfter(c, m, n, relu);
            return;
        }
        if (!packed.IsEmpty)
        {
            MultiplyPacked(a, packed, bias, c, m, n, k, relu, 0, n);
            return;
        }
        ref float bias0 = ref bias.IsEmpty ? ref Unsafe.NullRef<float>() : ref MemoryMarshal.GetReference(bias);
        Dot<float, SingleWeights>(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), ref bias0, m, n, k, 0, n, relu);
    }

    /// <summary>
    /// <see cref="Activations.ReLU"/> over the [<paramref name="m"/> × <paramref name="n"/>] product <paramref name="c"/> when <paramref name="relu"/>:
    /// the products that do not apply it as they store (the short, narrow and split ones), as fast as a pass over values still in cache.
    /// </summary>
    private static void ReLUAfter(Span<float> c, int m, int n, bool relu)
    {
        if (relu) Activations.ReLU(c[..(m * n)], c[..(m * n)]);
    }

    /// <summary>
    /// The forward product of few outputs (at most half a vector) and at most <see cref="SequentialDepth"/> steps, computed transposed, a block
    /// of <see cref="NarrowRows"/> rows at a time: <c>cᵀ = b·aᵀ</c>, so that a vector holds one output of many rows rather than a few outputs of
    /// one row (TabularMlp's head, 32 → 4: 0.8 times as long at batch 32 and 128, the two transposes included). Each element is the same
    /// chain of fused multiply-adds in the order of p as the untransposed product's, then its bias: the same bits.
    /// </summary>
    private static void NarrowProduct(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
    {
        Span<float> scratch = Scratch.Floats((k + n) * Math.Min(m, NarrowRows));
        ref float at = ref MemoryMarshal.GetReference(scratch);
        ref float ct = ref Unsafe.Add(ref at, k * Math.Min(m, NarrowRows));
        TiledProduct.BiasBy biasBy = bias.IsEmpty ? TiledProduct.BiasBy.None : TiledProduct.BiasBy.Row;
        for (int i = 0; i < m; i += NarrowRows)
        {
            int rows = Math.Min(NarrowRows, m - i);
            Transpose(ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i * k), ref at, rows, k);
            TiledProduct.Multiply(ref MemoryMarshal.GetReference(b), k, 1, ref at, rows, ref ct, rows, n, rows, k, ref MemoryMarshal.GetReference(bias), biasBy);
            Transpose(ref ct, ref Unsafe.Add(ref MemoryMarshal.GetReference(c), i * n), n, rows);
        }
    }

    /// <summary>Columns <paramref name="columnsStart"/> to <paramref name="columnsEnd"/> of <c>c = a·bᵀ</c> at <see cref="Simd.Width"/>.</summary>
    internal static void MultiplyTransposed(ref float a0, ref float b0, ref float c0, int m, int n, int k, int columnsStart, int columnsEnd) =>
        Dot<float, SingleWeights>(ref a0, ref b0, ref c0, ref Unsafe.NullRef<float>(), m, n, k, columnsStart, columnsEnd, false);

    /// <summary>Adds <paramref name="bias"/> (when not empty) to every row of <paramref name="c"/> [m × n].</summary>
    private static void AddBias(ReadOnlySpan<float> bias, Span<float> c, int m, int n)
    {
        if (bias.IsEmpty) return;
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * n, n);
            TensorPrimitives.Add(row, bias[..n], row);
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
        // The weights are c when a is read down its columns (dyᵀ of a weight gradient), else b (dy·W).
        long work = (long)m * n * k;
        int units = Math.Max(n / AxpyGrain, m / AxpyRowGrain);
        int parts = aRow == 1 ? Parts(work, units, m, n) : Parts(work, units, k, n);
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

    /// <summary>Writes the [<paramref name="rows"/> × <paramref name="columns"/>] matrix <paramref name="source"/> transposed to <paramref name="destination"/>.</summary>
    internal static void Transpose(ref float source, ref float destination, int rows, int columns) => Transpose(ref source, ref destination, rows, columns, rows);

    /// <summary>
    /// <see cref="Transpose(ref float, ref float, int, int)"/> into rows <paramref name="destinationRow"/> floats apart: a block of columns of a
    /// wider matrix (a part of a convolution's weight gradient).
    /// </summary>
    internal static void Transpose(ref float source, ref float destination, int rows, int columns, int destinationRow)
    {
        // Blocks of 4 × 4 by four loads, eight shuffles and four stores where SSE has them; the rest one value at a time.
        int rows4 = Sse.IsSupported ? rows - rows % 4 : 0, columns4 = columns - columns % 4;
        for (int i = 0; i < rows4; i += 4)
        {
            ref float from = ref Unsafe.Add(ref source, i * columns);
            for (int j = 0; j < columns4; j += 4)
            {
                Vector128<float> r0 = Vector128.LoadUnsafe(ref from, (nuint)j), r1 = Vector128.LoadUnsafe(ref from, (nuint)(columns + j));
                Vector128<float> r2 = Vector128.LoadUnsafe(ref from, (nuint)(2 * columns + j)), r3 = Vector128.LoadUnsafe(ref from, (nuint)(3 * columns + j));
                Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3), t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
                ref float to = ref Unsafe.Add(ref destination, j * destinationRow + i);
                Sse.MoveLowToHigh(t0, t1).StoreUnsafe(ref to);
                Sse.MoveHighToLow(t1, t0).StoreUnsafe(ref to, (nuint)destinationRow);
                Sse.MoveLowToHigh(t2, t3).StoreUnsafe(ref to, (nuint)(2 * destinationRow));
                Sse.MoveHighToLow(t3, t2).StoreUnsafe(ref to, (nuint)(3 * destinationRow));
            }
            for (int j = columns4; j < columns; j++)
            {
                for (int r = i; r < i + 4; r++) Unsafe.Add(ref destination, j * destinationRow + r) = Unsafe.Add(ref source, r * columns + j);
            }
        }
        for (int r = rows4; r < rows; r++)
        {
            for (int j = 0; j < columns; j++) Unsafe.Add(ref destination, j * destinationRow + r) = Unsafe.Add(ref source, r * columns + j);
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

        /// <summary>
        /// Stores <paramref name="rows"/> rows of <paramref name="width"/> values (whole vectors), kept <paramref name="width"/> apart in
        /// <paramref name="sums"/>, to <c>c</c> from row <paramref name="i0"/>, column <paramref name="j0"/> (rows <paramref name="n"/> apart).
        /// </summary>
        public T StoreTile(ref float c, int i0, int j0, int n, ref float sums, int rows, int width)
        {
            T check = T.Zero;
            for (int r = 0; r < rows; r++)
            {
                int offset = (i0 + r) * n + j0;
                for (int v = 0; v < width; v += T.Count) check += Store(ref c, offset + v, T.Load(ref sums, (nuint)(r * width + v)));
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
