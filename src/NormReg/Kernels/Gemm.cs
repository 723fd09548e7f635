using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NormReg.Kernels;

/// <summary>
/// Register-blocked matrix products behind the dense layers, on <see cref="Vector256{T}"/> with fused
/// multiply-add. Each keeps a 4 × 4 tile of vector accumulators in registers, so every value loaded feeds
/// four FMAs. Hardware without 256-bit vectors takes the <see cref="TensorPrimitives"/> path.
/// </summary>
internal static class Gemm
{
    private const int Lanes = 8;

    /// <summary><c>c[i, j] = Σₚ a[i, p]·b[j, p]</c>: <paramref name="a"/> is [m × k], <paramref name="b"/> is [n × k], <paramref name="c"/> is [m × n], all row-major.</summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        if (!Vector256.IsHardwareAccelerated || k < Lanes)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++) c[i * n + j] = TensorPrimitives.Dot(a.Slice(i * k, k), b.Slice(j * k, k));
            }
            return;
        }
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        // Rows of b in blocks that stay in L2 while every row of a passes over them: b is read from memory once per call.
        int block = Math.Max(2 * Lanes, BlockFloats / k / (2 * Lanes) * (2 * Lanes));
        for (int j1 = 0; j1 < n; j1 += block)
        {
            int j2 = Math.Min(n, j1 + block);
            int i0 = 0;
            for (; i0 + 4 <= m; i0 += 4)
            {
                int j0 = j1;
                for (; j0 + 4 <= j2; j0 += 4) DotTile4x4(ref a0, ref b0, ref c0, i0, j0, n, k);
                for (; j0 < j2; j0++)
                {
                    for (int i = i0; i < i0 + 4; i++) Unsafe.Add(ref c0, i * n + j0) = Dot(ref Unsafe.Add(ref a0, i * k), ref Unsafe.Add(ref b0, j0 * k), k);
                }
            }
            switch (m - i0)
            {
                case 3:
                    DotRows(ref a0, ref b0, ref c0, i0, 3, j1, j2, n, k);
                    break;
                case 2:
                    DotRows(ref a0, ref b0, ref c0, i0, 2, j1, j2, n, k);
                    break;
                case 1:
                    DotRow(ref Unsafe.Add(ref a0, i0 * k), ref b0, ref Unsafe.Add(ref c0, i0 * n), j1, j2, k);
                    break;
            }
        }
    }

    /// <summary>Floats of <c>b</c> a block may hold: 256 KB, a fraction of any current core's L2.</summary>
    private const int BlockFloats = 64 * 1024;

    /// <summary>The last two or three rows of <c>a</c>: tiles of that many rows by four, so each row of <c>b</c> is read once for all of them.</summary>
    private static void DotRows(ref float a0, ref float b0, ref float c0, int i0, int rows, int j1, int j2, int n, int k)
    {
        int j0 = j1;
        for (; j0 + 4 <= j2; j0 += 4)
        {
            if (rows == 3) DotTile3x4(ref a0, ref b0, ref c0, i0, j0, n, k);
            else DotTile2x4(ref a0, ref b0, ref c0, i0, j0, n, k);
        }
        for (; j0 < j2; j0++)
        {
            for (int i = i0; i < i0 + rows; i++) Unsafe.Add(ref c0, i * n + j0) = Dot(ref Unsafe.Add(ref a0, i * k), ref Unsafe.Add(ref b0, j0 * k), k);
        }
    }

    /// <summary>
    /// One row of <c>a</c>, a matrix-vector product: four rows of <c>b</c> at a time. Weights read once per call stream from L3 at
    /// batch 1, and four streams (plus <c>a</c>) kept the prefetchers ahead where eight did not (1024 × 1024: 50.3 µs against 53.1 µs).
    /// </summary>
    private static void DotRow(ref float r, ref float b0, ref float c, int j1, int j2, int k)
    {
        int j0 = j1;
        for (; j0 + 4 <= j2; j0 += 4) DotTile1x4(ref r, ref b0, ref c, j0, k);
        for (; j0 < j2; j0++) Unsafe.Add(ref c, j0) = Dot(ref r, ref Unsafe.Add(ref b0, j0 * k), k);
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
        bool penalize = !penalized.IsEmpty;
        float twiceL2 = 2f * l2;
        if (!Vector256.IsHardwareAccelerated)
        {
            c.Slice(0, m * n).Clear();
            for (int i = 0; i < m; i++)
            {
                Span<float> row = c.Slice(i * n, n);
                for (int p = 0; p < k; p++) TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), a[i * aRow + p * aColumn], row, row);
            }
            if (penalize) Regularization.AddGradient(penalized, c.Slice(0, m * n), l1, l2);
            return Guard.AllFinite(c.Slice(0, m * n));
        }
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        ref float w0 = ref MemoryMarshal.GetReference(penalized);
        Span<float> panel = stackalloc float[4 * PanelDepth];
        ref float panel0 = ref MemoryMarshal.GetReference(panel);
        int full = n - n % (4 * Lanes);
        // v − v is 0 for a finite v and NaN otherwise: the stored values' checks add up to 0 exactly when all are finite.
        Vector256<float> check = default;
        float tailCheck = 0;
        int p0 = 0;
        do // at least once: with k = 0, c still receives zeros (and the penalty gradient)
        {
            int depth = Math.Min(PanelDepth, k - p0);
            bool first = p0 == 0, last = p0 + depth == k;
            ref float bp = ref Unsafe.Add(ref b0, p0 * n);
            var epilogue = new Epilogue(ref w0, first, penalize && last, l1, twiceL2);
            // Columns of b in blocks that stay in L2 while every row of c passes over them.
            int block = Math.Max(4 * Lanes, BlockFloats / Math.Max(depth, 1) / (4 * Lanes) * (4 * Lanes));
            for (int j1 = 0; j1 < full; j1 += block)
            {
                int j2 = Math.Min(full, j1 + block);
                for (int i0 = 0; i0 + 4 <= m; i0 += 4)
                {
                    Pack(ref Unsafe.Add(ref a0, i0 * aRow + p0 * aColumn), aRow, aColumn, depth, ref panel0);
                    for (int j0 = j1; j0 < j2; j0 += 4 * Lanes) check += AxpyTile4x4(ref panel0, ref bp, ref c0, i0, j0, n, depth, epilogue);
                }
            }
            // The last n mod 32 columns: tiles of 16 and 8, then each row alone for the last n mod 8.
            int tiled = m - m % 4, narrow = n - n % Lanes;
            for (int i0 = 0; i0 < tiled && full < n; i0 += 4)
            {
                Pack(ref Unsafe.Add(ref a0, i0 * aRow + p0 * aColumn), aRow, aColumn, depth, ref panel0);
                int j0 = full;
                if (j0 + 2 * Lanes <= n)
                {
                    check += AxpyTile4x2(ref panel0, ref bp, ref c0, i0, j0, n, depth, both: true, epilogue);
                    j0 += 2 * Lanes;
                }
                if (j0 < narrow) check += AxpyTile4x2(ref panel0, ref bp, ref c0, i0, j0, n, depth, both: false, epilogue);
                for (int i = i0; i < i0 + 4 && narrow < n; i++) tailCheck += AxpyRow(ref a0, aRow, aColumn, ref b0, ref c0, i, narrow, n - narrow, n, p0, depth, epilogue);
            }
            for (int i = tiled; i < m; i++) tailCheck += AxpyRow(ref a0, aRow, aColumn, ref b0, ref c0, i, 0, n, n, p0, depth, epilogue);
            p0 += PanelDepth;
        }
        while (p0 < k);
        return Vector256.Sum(check) + tailCheck == 0;
    }

    /// <summary>Steps of <c>p</c> per packed panel: a 32-column strip of <c>b</c> that deep is 16 KB, half of L1.</summary>
    private const int PanelDepth = 128;

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fma(Vector256<float> x, Vector256<float> y, Vector256<float> addend) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(x, y, addend) : x * y + addend;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float start, int offset) => Vector256.LoadUnsafe(ref start, (nuint)offset);

    /// <summary>Four rows of <c>a</c> against four rows of <c>b</c>: sixteen dot products sharing every load.</summary>
    private static void DotTile4x4(ref float a0, ref float b0, ref float c0, int i0, int j0, int n, int k)
    {
        ref float r0 = ref Unsafe.Add(ref a0, i0 * k);
        ref float r1 = ref Unsafe.Add(ref r0, k);
        ref float r2 = ref Unsafe.Add(ref r1, k);
        ref float r3 = ref Unsafe.Add(ref r2, k);
        ref float w0 = ref Unsafe.Add(ref b0, j0 * k);
        ref float w1 = ref Unsafe.Add(ref w0, k);
        ref float w2 = ref Unsafe.Add(ref w1, k);
        ref float w3 = ref Unsafe.Add(ref w2, k);
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector256<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector256<float> s30 = default, s31 = default, s32 = default, s33 = default;
        int p = 0;
        for (; p + Lanes <= k; p += Lanes)
        {
            Vector256<float> x0 = Load(ref r0, p), x1 = Load(ref r1, p), x2 = Load(ref r2, p), x3 = Load(ref r3, p);
            Vector256<float> y = Load(ref w0, p);
            s00 = Fma(x0, y, s00); s10 = Fma(x1, y, s10); s20 = Fma(x2, y, s20); s30 = Fma(x3, y, s30);
            y = Load(ref w1, p);
            s01 = Fma(x0, y, s01); s11 = Fma(x1, y, s11); s21 = Fma(x2, y, s21); s31 = Fma(x3, y, s31);
            y = Load(ref w2, p);
            s02 = Fma(x0, y, s02); s12 = Fma(x1, y, s12); s22 = Fma(x2, y, s22); s32 = Fma(x3, y, s32);
            y = Load(ref w3, p);
            s03 = Fma(x0, y, s03); s13 = Fma(x1, y, s13); s23 = Fma(x2, y, s23); s33 = Fma(x3, y, s33);
        }
        ref float c = ref Unsafe.Add(ref c0, i0 * n + j0);
        Store(ref c, 0, s00, s01, s02, s03, ref r0, ref w0, ref w1, ref w2, ref w3, p, k);
        Store(ref Unsafe.Add(ref c, n), 0, s10, s11, s12, s13, ref r1, ref w0, ref w1, ref w2, ref w3, p, k);
        Store(ref Unsafe.Add(ref c, 2 * n), 0, s20, s21, s22, s23, ref r2, ref w0, ref w1, ref w2, ref w3, p, k);
        Store(ref Unsafe.Add(ref c, 3 * n), 0, s30, s31, s32, s33, ref r3, ref w0, ref w1, ref w2, ref w3, p, k);
    }

    /// <summary>One row of <c>a</c> against four rows of <c>b</c>.</summary>
    private static void DotTile1x4(ref float r, ref float b0, ref float c, int j0, int k)
    {
        ref float w0 = ref Unsafe.Add(ref b0, j0 * k);
        ref float w1 = ref Unsafe.Add(ref w0, k);
        ref float w2 = ref Unsafe.Add(ref w1, k);
        ref float w3 = ref Unsafe.Add(ref w2, k);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int p = 0;
        for (; p + Lanes <= k; p += Lanes)
        {
            Vector256<float> x = Load(ref r, p);
            s0 = Fma(x, Load(ref w0, p), s0);
            s1 = Fma(x, Load(ref w1, p), s1);
            s2 = Fma(x, Load(ref w2, p), s2);
            s3 = Fma(x, Load(ref w3, p), s3);
        }
        Store(ref c, j0, s0, s1, s2, s3, ref r, ref w0, ref w1, ref w2, ref w3, p, k);
    }

    /// <summary>Two rows of <c>a</c> against four rows of <c>b</c>.</summary>
    private static void DotTile2x4(ref float a0, ref float b0, ref float c0, int i0, int j0, int n, int k)
    {
        ref float r0 = ref Unsafe.Add(ref a0, i0 * k);
        ref float r1 = ref Unsafe.Add(ref r0, k);
        ref float w0 = ref Unsafe.Add(ref b0, j0 * k);
        ref float w1 = ref Unsafe.Add(ref w0, k);
        ref float w2 = ref Unsafe.Add(ref w1, k);
        ref float w3 = ref Unsafe.Add(ref w2, k);
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
        int p = 0;
        for (; p + Lanes <= k; p += Lanes)
        {
            Vector256<float> x0 = Load(ref r0, p), x1 = Load(ref r1, p);
            Vector256<float> y = Load(ref w0, p);
            s00 = Fma(x0, y, s00); s10 = Fma(x1, y, s10);
            y = Load(ref w1, p);
            s01 = Fma(x0, y, s01); s11 = Fma(x1, y, s11);
            y = Load(ref w2, p);
            s02 = Fma(x0, y, s02); s12 = Fma(x1, y, s12);
            y = Load(ref w3, p);
            s03 = Fma(x0, y, s03); s13 = Fma(x1, y, s13);
        }
        ref float c = ref Unsafe.Add(ref c0, i0 * n + j0);
        Store(ref c, 0, s00, s01, s02, s03, ref r0, ref w0, ref w1, ref w2, ref w3, p, k);
        Store(ref Unsafe.Add(ref c, n), 0, s10, s11, s12, s13, ref r1, ref w0, ref w1, ref w2, ref w3, p, k);
    }

    /// <summary>Three rows of <c>a</c> against four rows of <c>b</c>.</summary>
    private static void DotTile3x4(ref float a0, ref float b0, ref float c0, int i0, int j0, int n, int k)
    {
        ref float r0 = ref Unsafe.Add(ref a0, i0 * k);
        ref float r1 = ref Unsafe.Add(ref r0, k);
        ref float r2 = ref Unsafe.Add(ref r1, k);
        ref float w0 = ref Unsafe.Add(ref b0, j0 * k);
        ref float w1 = ref Unsafe.Add(ref w0, k);
        ref float w2 = ref Unsafe.Add(ref w1, k);
        ref float w3 = ref Unsafe.Add(ref w2, k);
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector256<float> s20 = default, s21 = default, s22 = default, s23 = default;
        int p = 0;
        for (; p + Lanes <= k; p += Lanes)
        {
            Vector256<float> x0 = Load(ref r0, p), x1 = Load(ref r1, p), x2 = Load(ref r2, p);
            Vector256<float> y = Load(ref w0, p);
            s00 = Fma(x0, y, s00); s10 = Fma(x1, y, s10); s20 = Fma(x2, y, s20);
            y = Load(ref w1, p);
            s01 = Fma(x0, y, s01); s11 = Fma(x1, y, s11); s21 = Fma(x2, y, s21);
            y = Load(ref w2, p);
            s02 = Fma(x0, y, s02); s12 = Fma(x1, y, s12); s22 = Fma(x2, y, s22);
            y = Load(ref w3, p);
            s03 = Fma(x0, y, s03); s13 = Fma(x1, y, s13); s23 = Fma(x2, y, s23);
        }
        ref float c = ref Unsafe.Add(ref c0, i0 * n + j0);
        Store(ref c, 0, s00, s01, s02, s03, ref r0, ref w0, ref w1, ref w2, ref w3, p, k);
        Store(ref Unsafe.Add(ref c, n), 0, s10, s11, s12, s13, ref r1, ref w0, ref w1, ref w2, ref w3, p, k);
        Store(ref Unsafe.Add(ref c, 2 * n), 0, s20, s21, s22, s23, ref r2, ref w0, ref w1, ref w2, ref w3, p, k);
    }

    /// <summary>Reduces four accumulators into <c>c[j..j+4]</c> and adds the scalar tail from <paramref name="p"/> to <paramref name="k"/>.</summary>
    private static void Store(ref float c, int j, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
        ref float x, ref float w0, ref float w1, ref float w2, ref float w3, int p, int k)
    {
        Vector128<float> sums = Sum4(s0, s1, s2, s3);
        if (p == k)
        {
            sums.StoreUnsafe(ref c, (nuint)j);
            return;
        }
        float t0 = sums.GetElement(0), t1 = sums.GetElement(1), t2 = sums.GetElement(2), t3 = sums.GetElement(3);
        for (int q = p; q < k; q++)
        {
            float v = Unsafe.Add(ref x, q);
            t0 += v * Unsafe.Add(ref w0, q);
            t1 += v * Unsafe.Add(ref w1, q);
            t2 += v * Unsafe.Add(ref w2, q);
            t3 += v * Unsafe.Add(ref w3, q);
        }
        Unsafe.Add(ref c, j) = t0;
        Unsafe.Add(ref c, j + 1) = t1;
        Unsafe.Add(ref c, j + 2) = t2;
        Unsafe.Add(ref c, j + 3) = t3;
    }

    /// <summary>
    /// The sums of four accumulators at once, each added as <see cref="Sum"/> adds one, so every tile shape gives the same bits:
    /// three horizontal adds and one add of the halves instead of four separate reductions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3)
    {
        if (Avx.IsSupported)
        {
            Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
            return h.GetLower() + h.GetUpper();
        }
        return Vector128.Create(Sum(s0), Sum(s1), Sum(s2), Sum(s3));
    }

    /// <summary>The lanes of one accumulator added as <c>((e0 + e1) + (e2 + e3)) + ((e4 + e5) + (e6 + e7))</c>, the order of <see cref="Sum4"/>.</summary>
    private static float Sum(Vector256<float> s) =>
        ((s.GetElement(0) + s.GetElement(1)) + (s.GetElement(2) + s.GetElement(3))) + ((s.GetElement(4) + s.GetElement(5)) + (s.GetElement(6) + s.GetElement(7)));

    private static float Dot(ref float x, ref float y, int k)
    {
        Vector256<float> s = default;
        int p = 0;
        for (; p + Lanes <= k; p += Lanes) s = Fma(Load(ref x, p), Load(ref y, p), s);
        float total = Sum(s);
        for (; p < k; p++) total += Unsafe.Add(ref x, p) * Unsafe.Add(ref y, p);
        return total;
    }

    /// <summary>Four rows of <c>c</c>, 32 columns wide: per step, four broadcasts from the packed panel and four loads of <c>b</c> feed sixteen FMAs.</summary>
    private static Vector256<float> AxpyTile4x4(ref float panel, ref float b0, ref float c0, int i0, int j0, int n, int depth, Epilogue epilogue)
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<float> c30 = default, c31 = default, c32 = default, c33 = default;
        ref float b = ref Unsafe.Add(ref b0, j0);
        for (int p = 0; p < depth; p++)
        {
            ref float bRow = ref Unsafe.Add(ref b, p * n);
            Vector256<float> y0 = Load(ref bRow, 0), y1 = Load(ref bRow, Lanes), y2 = Load(ref bRow, 2 * Lanes), y3 = Load(ref bRow, 3 * Lanes);
            ref float ap = ref Unsafe.Add(ref panel, 4 * p);
            Vector256<float> x = Vector256.Create(ap);
            c00 = Fma(x, y0, c00); c01 = Fma(x, y1, c01); c02 = Fma(x, y2, c02); c03 = Fma(x, y3, c03);
            x = Vector256.Create(Unsafe.Add(ref ap, 1));
            c10 = Fma(x, y0, c10); c11 = Fma(x, y1, c11); c12 = Fma(x, y2, c12); c13 = Fma(x, y3, c13);
            x = Vector256.Create(Unsafe.Add(ref ap, 2));
            c20 = Fma(x, y0, c20); c21 = Fma(x, y1, c21); c22 = Fma(x, y2, c22); c23 = Fma(x, y3, c23);
            x = Vector256.Create(Unsafe.Add(ref ap, 3));
            c30 = Fma(x, y0, c30); c31 = Fma(x, y1, c31); c32 = Fma(x, y2, c32); c33 = Fma(x, y3, c33);
        }
        int offset = i0 * n + j0;
        return epilogue.StoreRow(ref c0, offset, c00, c01, c02, c03)
            + epilogue.StoreRow(ref c0, offset + n, c10, c11, c12, c13)
            + epilogue.StoreRow(ref c0, offset + 2 * n, c20, c21, c22, c23)
            + epilogue.StoreRow(ref c0, offset + 3 * n, c30, c31, c32, c33);
    }

    /// <summary>Four rows of <c>c</c>, 16 columns wide (8 when not <paramref name="both"/>): the narrow columns past the last 32.</summary>
    private static Vector256<float> AxpyTile4x2(ref float panel, ref float b0, ref float c0, int i0, int j0, int n, int depth, bool both, Epilogue epilogue)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        ref float b = ref Unsafe.Add(ref b0, j0);
        for (int p = 0; p < depth; p++)
        {
            ref float bRow = ref Unsafe.Add(ref b, p * n);
            ref float ap = ref Unsafe.Add(ref panel, 4 * p);
            Vector256<float> y0 = Load(ref bRow, 0);
            Vector256<float> x0 = Vector256.Create(ap), x1 = Vector256.Create(Unsafe.Add(ref ap, 1));
            Vector256<float> x2 = Vector256.Create(Unsafe.Add(ref ap, 2)), x3 = Vector256.Create(Unsafe.Add(ref ap, 3));
            c00 = Fma(x0, y0, c00); c10 = Fma(x1, y0, c10); c20 = Fma(x2, y0, c20); c30 = Fma(x3, y0, c30);
            if (both)
            {
                Vector256<float> y1 = Load(ref bRow, Lanes);
                c01 = Fma(x0, y1, c01); c11 = Fma(x1, y1, c11); c21 = Fma(x2, y1, c21); c31 = Fma(x3, y1, c31);
            }
        }
        int offset = i0 * n + j0;
        Vector256<float> check = epilogue.Store(ref c0, offset, c00) + epilogue.Store(ref c0, offset + n, c10)
            + epilogue.Store(ref c0, offset + 2 * n, c20) + epilogue.Store(ref c0, offset + 3 * n, c30);
        if (!both) return check;
        return check + epilogue.Store(ref c0, offset + Lanes, c01) + epilogue.Store(ref c0, offset + n + Lanes, c11)
            + epilogue.Store(ref c0, offset + 2 * n + Lanes, c21) + epilogue.Store(ref c0, offset + 3 * n + Lanes, c31);
    }

    /// <summary>
    /// Stores a tile row of <c>c</c>: the first panel of <c>p</c> overwrites, later ones add to what is there; after the last, the
    /// penalty gradient <c>l1·sign(w) + 2·l2·w</c> is added when there is one, with the same float operations as
    /// <see cref="Regularization.AddGradient(ReadOnlySpan{float}, Span{float}, float, float)"/>. Each store returns <c>v − v</c> of what it
    /// stored: 0 when finite, NaN otherwise.
    /// </summary>
    private readonly ref struct Epilogue(ref float weights, bool overwrite, bool penalize, float l1, float twiceL2)
    {
        private readonly ref float _weights = ref weights;
        private readonly Vector256<float> _l1 = Vector256.Create(l1), _twiceL2 = Vector256.Create(twiceL2);
        private readonly bool _overwrite = overwrite, _penalize = penalize, _hasL1 = l1 != 0;
        private readonly float _scalarL1 = l1, _scalarTwiceL2 = twiceL2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> StoreRow(ref float c, int offset, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3) =>
            (Store(ref c, offset, v0) + Store(ref c, offset + Lanes, v1)) + (Store(ref c, offset + 2 * Lanes, v2) + Store(ref c, offset + 3 * Lanes, v3));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Store(ref float c, int offset, Vector256<float> g)
        {
            if (!_overwrite) g += Vector256.LoadUnsafe(ref c, (nuint)offset);
            if (_penalize)
            {
                Vector256<float> w = Vector256.LoadUnsafe(ref _weights, (nuint)offset);
                if (_hasL1)
                {
                    g += Vector256.ConditionalSelect(Vector256.GreaterThan(w, Vector256<float>.Zero), _l1, Vector256<float>.Zero)
                        - Vector256.ConditionalSelect(Vector256.LessThan(w, Vector256<float>.Zero), _l1, Vector256<float>.Zero);
                }
                g += _twiceL2 * w;
            }
            g.StoreUnsafe(ref c, (nuint)offset);
            return g - g;
        }

        /// <summary>The scalar form of <see cref="Store(ref float, int, Vector256{float})"/>, for the last columns of a row.</summary>
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

    /// <summary>
    /// One row of <c>c</c>, <paramref name="width"/> columns from <paramref name="j0"/>, over steps <paramref name="p0"/> to
    /// <paramref name="p0"/> + <paramref name="depth"/>: accumulated in a stack row, then stored through <paramref name="epilogue"/>,
    /// whose checks it returns added up.
    /// </summary>
    private static float AxpyRow(ref float a0, int aRow, int aColumn, ref float b0, ref float c0, int i, int j0, int width, int n, int p0, int depth, Epilogue epilogue)
    {
        Vector256<float> check = default;
        float tailCheck = 0;
        Span<float> sums = stackalloc float[RowChunk];
        ref float s0 = ref MemoryMarshal.GetReference(sums);
        for (int start = 0; start < width; start += RowChunk)
        {
            int count = Math.Min(RowChunk, width - start);
            sums.Clear();
            ref float a = ref Unsafe.Add(ref a0, i * aRow + p0 * aColumn);
            for (int p = 0; p < depth; p++)
            {
                float s = Unsafe.Add(ref a, p * aColumn);
                Vector256<float> x = Vector256.Create(s);
                ref float bRow = ref Unsafe.Add(ref b0, (p0 + p) * n + j0 + start);
                int j = 0;
                for (; j + Lanes <= count; j += Lanes) Fma(x, Load(ref bRow, j), Load(ref s0, j)).StoreUnsafe(ref s0, (nuint)j);
                for (; j < count; j++) Unsafe.Add(ref s0, j) += s * Unsafe.Add(ref bRow, j);
            }
            int offset = i * n + j0 + start, v = 0;
            for (; v + Lanes <= count; v += Lanes) check += epilogue.Store(ref c0, offset + v, Load(ref s0, v));
            for (; v < count; v++) tailCheck += epilogue.Store(ref c0, offset + v, Unsafe.Add(ref s0, v));
        }
        return Vector256.Sum(check) + tailCheck;
    }

    /// <summary>Columns of one row that <see cref="AxpyRow"/> sums on the stack at a time.</summary>
    private const int RowChunk = 256;
}
