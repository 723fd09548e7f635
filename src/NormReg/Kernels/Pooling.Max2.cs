using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NormReg.Kernels;

public static partial class Pooling
{
    /// <summary>
    /// 2 × 2 windows at stride 2, four outputs a vector: both rows' pairs split into even and odd columns, then the four
    /// candidates taken in scan order with the scan's rule (a greater value or a NaN replaces the best), so values and winners
    /// are exactly <see cref="MaxForward"/>'s scan at every SIMD width; a branch per value mispredicted at about 15 ns an output.
    /// Writes winners to <paramref name="argmax"/> unless it is empty.
    /// </summary>
    private static void MaxTwoByTwo(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int n, in PoolGeometry g)
    {
        bool keep = !argmax.IsEmpty;
        int width = g.Width, plane = g.Height * width, outWidth = g.OutWidth, outPlane = g.OutHeight * outWidth;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        ref int a0 = ref MemoryMarshal.GetReference(argmax);
        Vector128<int> lanes = Vector128.Create(0, 2, 4, 6), right = Vector128.Create(1), below = Vector128.Create(width), diagonal = Vector128.Create(width + 1);
        for (int p = 0; p < n * g.Channels; p++)
        {
            int inSample = p % g.Channels * plane; // argmax counts from the sample's start
            for (int i = 0; i < g.OutHeight; i++)
            {
                int top = p * plane + 2 * i * width, o = p * outPlane + i * outWidth, j = 0;
                ref float r0 = ref Unsafe.Add(ref x0, top);
                ref float r1 = ref Unsafe.Add(ref r0, width);
                for (; j + 4 <= outWidth; j += 4)
                {
                    Vector128<float> upper0 = Vector128.LoadUnsafe(ref r0, (nuint)(2 * j)), upper1 = Vector128.LoadUnsafe(ref r0, (nuint)(2 * j + 4));
                    Vector128<float> lower0 = Vector128.LoadUnsafe(ref r1, (nuint)(2 * j)), lower1 = Vector128.LoadUnsafe(ref r1, (nuint)(2 * j + 4));
                    Vector128<float> best = Even(upper0, upper1);
                    Vector128<int> at = Vector128<int>.Zero;
                    Take(Odd(upper0, upper1), right, ref best, ref at);
                    Take(Even(lower0, lower1), below, ref best, ref at);
                    Take(Odd(lower0, lower1), diagonal, ref best, ref at);
                    best.StoreUnsafe(ref y0, (nuint)(o + j));
                    if (keep) (at + lanes + Vector128.Create(top - p * plane + inSample + 2 * j)).StoreUnsafe(ref a0, (nuint)(o + j));
                }
                for (; j < outWidth; j++)
                {
                    int start = top + 2 * j, winner = start;
                    float best = Unsafe.Add(ref x0, start);
                    foreach (int offset in (ReadOnlySpan<int>)[1, width, width + 1])
                    {
                        float v = Unsafe.Add(ref x0, start + offset);
                        if (v > best || float.IsNaN(v))
                        {
                            best = v;
                            winner = start + offset;
                        }
                    }
                    Unsafe.Add(ref y0, o + j) = best;
                    if (keep) Unsafe.Add(ref a0, o + j) = winner - p * plane + inSample;
                }
            }
        }
    }

    /// <summary>
    /// <see cref="MaxBackward"/> for 2 × 2 windows at stride 2, four windows a vector: each window's gradient goes to the one of its four
    /// inputs its winner names and 0 to the others, so every input is written once, in place of a clear and a scattered add. Each
    /// gradient (0 for a window <paramref name="pooled"/> gates) is stored as <c>dy + 0</c>, the value the scalar <c>0 + dy</c> gives (+0 for −0). Returns false, with
    /// <paramref name="dx"/> to be overwritten, where a winner lies outside its window; the general routine then routes (or rejects) it.
    /// </summary>
    private static bool MaxBackwardTwoByTwo(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, int n, in PoolGeometry g, ReadOnlySpan<float> pooled)
    {
        bool gated = !pooled.IsEmpty;
        ref float p0 = ref MemoryMarshal.GetReference(pooled);
        int width = g.Width, plane = g.Height * width, outWidth = g.OutWidth, outPlane = g.OutHeight * outWidth;
        if (2 * g.OutHeight != g.Height || 2 * outWidth != width) dx.Slice(0, n * g.InputLength).Clear(); // an odd last row or column gets nothing
        ref float dy0 = ref MemoryMarshal.GetReference(dy);
        ref int a0 = ref MemoryMarshal.GetReference(argmax);
        ref float dx0 = ref MemoryMarshal.GetReference(dx);
        Vector128<int> lanes = Vector128.Create(0, 2, 4, 6), right = Vector128.Create(1), below = Vector128.Create(width), diagonal = Vector128.Create(width + 1);
        Vector128<int> missed = Vector128<int>.Zero;
        for (int p = 0; p < n * g.Channels; p++)
        {
            int inSample = p % g.Channels * plane, sampleStart = p / g.Channels * plane * g.Channels;
            for (int i = 0; i < g.OutHeight; i++)
            {
                int corner = inSample + 2 * i * width, o = p * outPlane + i * outWidth, j = 0;
                ref float r0 = ref Unsafe.Add(ref dx0, sampleStart + corner);
                ref float r1 = ref Unsafe.Add(ref r0, width);
                for (; j + 4 <= outWidth; j += 4)
                {
                    Vector128<float> d = Vector128.LoadUnsafe(ref dy0, (nuint)(o + j)) + Vector128<float>.Zero;
                    if (gated) d &= Vector128.GreaterThan(Vector128.LoadUnsafe(ref p0, (nuint)(o + j)), Vector128<float>.Zero);
                    Vector128<int> at = Vector128.LoadUnsafe(ref a0, (nuint)(o + j)) - lanes - Vector128.Create(corner + 2 * j);
                    Vector128<int> m0 = Vector128.Equals(at, Vector128<int>.Zero), m1 = Vector128.Equals(at, right), m2 = Vector128.Equals(at, below), m3 = Vector128.Equals(at, diagonal);
                    missed |= ~(m0 | m1 | m2 | m3);
                    Vector128<float> v0 = d & m0.AsSingle(), v1 = d & m1.AsSingle(), v2 = d & m2.AsSingle(), v3 = d & m3.AsSingle();
                    Low(v0, v1).StoreUnsafe(ref r0, (nuint)(2 * j));
                    High(v0, v1).StoreUnsafe(ref r0, (nuint)(2 * j + 4));
                    Low(v2, v3).StoreUnsafe(ref r1, (nuint)(2 * j));
                    High(v2, v3).StoreUnsafe(ref r1, (nuint)(2 * j + 4));
                }
                for (; j < outWidth; j++)
                {
                    float d = gated && !(Unsafe.Add(ref p0, o + j) > 0) ? 0 : Unsafe.Add(ref dy0, o + j) + 0f;
                    int at = Unsafe.Add(ref a0, o + j) - corner - 2 * j;
                    if (at != 0 && at != 1 && at != width && at != width + 1) return false;
                    Unsafe.Add(ref r0, 2 * j) = at == 0 ? d : 0;
                    Unsafe.Add(ref r0, 2 * j + 1) = at == 1 ? d : 0;
                    Unsafe.Add(ref r1, 2 * j) = at == width ? d : 0;
                    Unsafe.Add(ref r1, 2 * j + 1) = at == width + 1 ? d : 0;
                }
            }
        }
        return missed == Vector128<int>.Zero;
    }

    /// <summary>Lanes 0 and 1 of <paramref name="a"/> and <paramref name="b"/>, interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Low(Vector128<float> a, Vector128<float> b) =>
        Sse.IsSupported ? Sse.UnpackLow(a, b)
        : AdvSimd.Arm64.IsSupported ? AdvSimd.Arm64.ZipLow(a, b)
        : Vector128.Create(a.GetElement(0), b.GetElement(0), a.GetElement(1), b.GetElement(1));

    /// <summary>Lanes 2 and 3 of <paramref name="a"/> and <paramref name="b"/>, interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> High(Vector128<float> a, Vector128<float> b) =>
        Sse.IsSupported ? Sse.UnpackHigh(a, b)
        : AdvSimd.Arm64.IsSupported ? AdvSimd.Arm64.ZipHigh(a, b)
        : Vector128.Create(a.GetElement(2), b.GetElement(2), a.GetElement(3), b.GetElement(3));

    /// <summary>One step of the scan on four windows: where <paramref name="value"/> is greater than the best or a NaN, it and its offset win.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(Vector128<float> value, Vector128<int> offset, ref Vector128<float> best, ref Vector128<int> at)
    {
        Vector128<float> wins = Vector128.GreaterThan(value, best) | ~Vector128.Equals(value, value);
        best = Vector128.ConditionalSelect(wins, value, best);
        at = Vector128.ConditionalSelect(wins.AsInt32(), offset, at);
    }

    /// <summary>Lanes 0 and 2 of <paramref name="a"/>, then of <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Even(Vector128<float> a, Vector128<float> b) =>
        Sse.IsSupported ? Sse.Shuffle(a, b, 0b10_00_10_00)
        : AdvSimd.Arm64.IsSupported ? AdvSimd.Arm64.UnzipEven(a, b)
        : Vector128.Create(a.GetElement(0), a.GetElement(2), b.GetElement(0), b.GetElement(2));

    /// <summary>Lanes 1 and 3 of <paramref name="a"/>, then of <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Odd(Vector128<float> a, Vector128<float> b) =>
        Sse.IsSupported ? Sse.Shuffle(a, b, 0b11_01_11_01)
        : AdvSimd.Arm64.IsSupported ? AdvSimd.Arm64.UnzipOdd(a, b)
        : Vector128.Create(a.GetElement(1), a.GetElement(3), b.GetElement(1), b.GetElement(3));
}
