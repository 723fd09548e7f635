using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

/// <summary>
/// The forward product with bfloat16 weights (see <see cref="BFloat16"/>), widened to floats as they are loaded and summed in floats in
/// the order of the float kernel: with weights that are bfloat16 values, both give the same bits. It runs on one thread, for the
/// small batches whose time goes to reading the weights.
/// </summary>
internal static partial class Gemm
{
    /// <summary>
    /// <c>c[i, j] = Σₚ a[i, p]·b[j, p]</c> with <paramref name="b"/> [n × k] in bfloat16, in the order of
    /// <see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> for
    /// <paramref name="k"/> above <see cref="SequentialDepth"/>, the only depths it takes.
    /// </summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, Span<float> c, int m, int n, int k)
    {
        if (k <= SequentialDepth) throw new ArgumentOutOfRangeException(nameof(k), k, $"bfloat16 products take more than {SequentialDepth} steps.");
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref ushort b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        switch (Simd.Width)
        {
            case 512:
                MultiplyTransposed<V512>(ref a0, ref b0, ref c0, m, n, k);
                break;
            case 256:
                MultiplyTransposed<V256>(ref a0, ref b0, ref c0, m, n, k);
                break;
            default:
                MultiplyTransposed<V128>(ref a0, ref b0, ref c0, m, n, k);
                break;
        }
    }

    private static void MultiplyTransposed<T>(ref float a0, ref ushort b0, ref float c0, int m, int n, int k) where T : struct, IVector<T>
    {
        Span<float> lanes = stackalloc float[16 * VirtualLanes];
        ref float l0 = ref MemoryMarshal.GetReference(lanes);
        // Rows of b in blocks of the float kernel's bytes, read from memory once per call.
        int block = Math.Max(VirtualLanes, 2 * BlockFloats / k / VirtualLanes * VirtualLanes);
        for (int j1 = 0; j1 < n; j1 += block)
        {
            int j2 = Math.Min(n, j1 + block);
            int i0 = 0;
            for (; i0 + 4 <= m; i0 += 4) ReducedRows<T, Four>(ref a0, ref b0, ref c0, i0, j1, j2, n, k, ref l0);
            switch (m - i0)
            {
                case 3:
                    ReducedRows<T, Three>(ref a0, ref b0, ref c0, i0, j1, j2, n, k, ref l0);
                    break;
                case 2:
                    ReducedRows<T, Two>(ref a0, ref b0, ref c0, i0, j1, j2, n, k, ref l0);
                    break;
                case 1:
                    ReducedRows<T, One>(ref a0, ref b0, ref c0, i0, j1, j2, n, k, ref l0);
                    break;
            }
        }
    }

    /// <summary>Rows <paramref name="i0"/> to <paramref name="i0"/> + <typeparamref name="TRows"/> of <c>c</c>, columns <paramref name="j1"/> to <paramref name="j2"/>.</summary>
    private static void ReducedRows<T, TRows>(ref float a0, ref ushort b0, ref float c0, int i0, int j1, int j2, int n, int k, ref float lanes)
        where T : struct, IVector<T> where TRows : struct, IConstant
    {
        int j0 = j1;
        for (; j0 + 4 <= j2; j0 += 4) ReducedTile<T, TRows>(ref a0, ref b0, ref c0, i0, j0, n, k, ref lanes);
        for (; j0 < j2; j0++)
        {
            for (int i = i0; i < i0 + TRows.Value; i++) Unsafe.Add(ref c0, i * n + j0) = ReducedDot<T>(ref Unsafe.Add(ref a0, i * k), ref Unsafe.Add(ref b0, j0 * k), k, ref lanes);
        }
    }

    /// <summary>One to four rows of <c>a</c> against four bfloat16 rows of <c>b</c>, as the float kernel's tile.</summary>
    private static void ReducedTile<T, TRows>(ref float a0, ref ushort b0, ref float c0, int i0, int j0, int n, int k, ref float lanes)
        where T : struct, IVector<T> where TRows : struct, IConstant
    {
        int rows = TRows.Value;
        ref float r0 = ref Unsafe.Add(ref a0, i0 * k);
        ref float r1 = ref rows > 1 ? ref Unsafe.Add(ref r0, k) : ref r0;
        ref float r2 = ref rows > 2 ? ref Unsafe.Add(ref r1, k) : ref r0;
        ref float r3 = ref rows > 3 ? ref Unsafe.Add(ref r2, k) : ref r0;
        ref ushort w0 = ref Unsafe.Add(ref b0, j0 * k);
        ref ushort w1 = ref Unsafe.Add(ref w0, k);
        ref ushort w2 = ref Unsafe.Add(ref w1, k);
        ref ushort w3 = ref Unsafe.Add(ref w2, k);
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
                T y = T.LoadBFloat16(ref w0, q);
                s00 = T.MultiplyAdd(x0, y, s00);
                if (rows > 1) s10 = T.MultiplyAdd(x1, y, s10);
                if (rows > 2) s20 = T.MultiplyAdd(x2, y, s20);
                if (rows > 3) s30 = T.MultiplyAdd(x3, y, s30);
                y = T.LoadBFloat16(ref w1, q);
                s01 = T.MultiplyAdd(x0, y, s01);
                if (rows > 1) s11 = T.MultiplyAdd(x1, y, s11);
                if (rows > 2) s21 = T.MultiplyAdd(x2, y, s21);
                if (rows > 3) s31 = T.MultiplyAdd(x3, y, s31);
                y = T.LoadBFloat16(ref w2, q);
                s02 = T.MultiplyAdd(x0, y, s02);
                if (rows > 1) s12 = T.MultiplyAdd(x1, y, s12);
                if (rows > 2) s22 = T.MultiplyAdd(x2, y, s22);
                if (rows > 3) s32 = T.MultiplyAdd(x3, y, s32);
                y = T.LoadBFloat16(ref w3, q);
                s03 = T.MultiplyAdd(x0, y, s03);
                if (rows > 1) s13 = T.MultiplyAdd(x1, y, s13);
                if (rows > 2) s23 = T.MultiplyAdd(x2, y, s23);
                if (rows > 3) s33 = T.MultiplyAdd(x3, y, s33);
            }
            var row = new BFloat16Row(ref w0, ref w1, ref w2, ref w3, whole, k);
            row.Pass(ref lanes, h, s00, s01, s02, s03, ref c, ref r0);
            if (rows > 1) row.Pass(ref Unsafe.Add(ref lanes, 4 * VirtualLanes), h, s10, s11, s12, s13, ref Unsafe.Add(ref c, n), ref r1);
            if (rows > 2) row.Pass(ref Unsafe.Add(ref lanes, 8 * VirtualLanes), h, s20, s21, s22, s23, ref Unsafe.Add(ref c, 2 * n), ref r2);
            if (rows > 3) row.Pass(ref Unsafe.Add(ref lanes, 12 * VirtualLanes), h, s30, s31, s32, s33, ref Unsafe.Add(ref c, 3 * n), ref r3);
        }
    }

    /// <summary>The four bfloat16 rows of a dot tile; ends its passes as <see cref="DotRow"/> does.</summary>
    private readonly ref struct BFloat16Row(ref ushort w0, ref ushort w1, ref ushort w2, ref ushort w3, int whole, int k)
    {
        private readonly ref ushort _w0 = ref w0, _w1 = ref w1, _w2 = ref w2, _w3 = ref w3;

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
            float t0 = sums.GetElement(0), t1 = sums.GetElement(1), t2 = sums.GetElement(2), t3 = sums.GetElement(3);
            for (int q = whole; q < k; q++)
            {
                float v = Unsafe.Add(ref x, q);
                t0 = Simd.MultiplyAdd(v, BFloat16.ToSingle(Unsafe.Add(ref _w0, q)), t0);
                t1 = Simd.MultiplyAdd(v, BFloat16.ToSingle(Unsafe.Add(ref _w1, q)), t1);
                t2 = Simd.MultiplyAdd(v, BFloat16.ToSingle(Unsafe.Add(ref _w2, q)), t2);
                t3 = Simd.MultiplyAdd(v, BFloat16.ToSingle(Unsafe.Add(ref _w3, q)), t3);
            }
            c = t0;
            Unsafe.Add(ref c, 1) = t1;
            Unsafe.Add(ref c, 2) = t2;
            Unsafe.Add(ref c, 3) = t3;
        }
    }

    /// <summary>One dot product with a bfloat16 row, in the order of <see cref="ReducedTile"/>.</summary>
    private static float ReducedDot<T>(ref float x, ref ushort y, int k, ref float lanes) where T : struct, IVector<T>
    {
        int whole = k - k % VirtualLanes;
        float total = 0;
        for (int h = 0; h < VirtualLanes; h += T.Count)
        {
            T s = T.Zero;
            for (int p = h; p < whole; p += VirtualLanes) s = T.MultiplyAdd(T.Load(ref x, (nuint)p), T.LoadBFloat16(ref y, (nuint)p), s);
            if (h + T.Count < VirtualLanes) T.Store(s, ref lanes, (nuint)h);
            else total = Simd.Sum(Fold(ref lanes, s));
        }
        for (int p = whole; p < k; p++) total = Simd.MultiplyAdd(Unsafe.Add(ref x, p), BFloat16.ToSingle(Unsafe.Add(ref y, p)), total);
        return total;
    }
}
