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
