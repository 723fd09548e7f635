using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NormReg.Kernels;

public static partial class Conv2D
{
    /// <summary>Floats of the table of valid pixel columns <see cref="Gather"/> keeps on the stack (4 KB); wider rows take <see cref="Scatter"/>.</summary>
    private const int MostGatherColumns = 1024;

    /// <summary>Lanes of the widest vector: how far past its last value a vector of the gather may read.</summary>
    private const int WidestLanes = 16;

    /// <summary>Whether the input gradient's col2im runs as <see cref="Gather"/>: at stride 1, when its column table fits on the stack.</summary>
    private static bool Gathers(in ConvGeometry g) => g.Stride == 1 && !g.IsPointwise && GatherColumns(g) <= MostGatherColumns;

    /// <summary>Entries of <see cref="Gather"/>'s column table: pixel columns −K … max(OutWidth, Width + PadLeft + 16).</summary>
    private static int GatherColumns(in ConvGeometry g) => g.Kernel + Math.Max(g.OutWidth, g.Width + g.PadLeft + WidestLanes);

    /// <summary>
    /// col2im at stride 1 as a gather, the adjoint of <see cref="Patches"/> as <see cref="Scatter"/> is, with the same sums:
    /// <c>dx[c, h, w] = Σ_{kᵢ, kⱼ} columns[(c, kᵢ, kⱼ), (h + PadTop − kᵢ)·OutWidth + w + PadLeft − kⱼ]</c> over the patch rows that read
    /// (h, w), added in the order of (kᵢ, kⱼ) from 0. Each input row is summed a vector at a time in a register and stored once:
    /// the scatter's adds to rows each shifted one value from the last stalled on every load (a store it could not forward).
    /// </summary>
    /// <remarks>
    /// A vector reads the patch gradient row shifted by kⱼ and keeps the lanes whose pixel column lies in [0, OutWidth), the others
    /// adding 0 (which leaves a sum from +0 unchanged, so each sum is the scatter's at every width). The reads reach up to K values before
    /// <paramref name="columns"/> and Width + PadLeft + 16 past its end: the caller's scratch has that room. A vector may run past the end
    /// of its row into the next one, which is stored after it, but never past the sample.
    /// </remarks>
    private static void Gather(ref float columns, Span<float> dx, scoped in ConvGeometry g)
    {
        int k = g.Kernel, width = g.Width, plane = g.Height * width, last = g.Channels - 1;
        Span<float> valid = stackalloc float[GatherColumns(g)];
        valid.Clear();
        valid.Slice(k, g.OutWidth).Fill(BitConverter.Int32BitsToSingle(-1));
        ref float valid0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(valid), k);
        ref float x0 = ref MemoryMarshal.GetReference(dx);
        for (int h = 0; h < g.Height; h++)
        {
            // Four channels at a time, for four independent chains of adds (the last four overlap the ones before; fewer repeat the last).
            for (int c = 0; c <= last; c += 4)
            {
                int c0 = Math.Max(0, Math.Min(c, last - 3));
                Span<int> at = [c0 * plane + h * width, Math.Min(c0 + 1, last) * plane + h * width, Math.Min(c0 + 2, last) * plane + h * width, Math.Min(c0 + 3, last) * plane + h * width];
                int room = plane - h * width, w = 0;
                if (Simd.Width == 512) for (; w < width && w + 16 <= room; w += 16) GatherVector<V512>(ref columns, ref valid0, ref x0, at, c0, h, w, g);
                if (Simd.Width >= 256) for (; w < width && w + 8 <= room; w += 8) GatherVector<V256>(ref columns, ref valid0, ref x0, at, c0, h, w, g);
                for (; w < width && w + 4 <= room; w += 4) GatherVector<V128>(ref columns, ref valid0, ref x0, at, c0, h, w, g);
                for (; w < width; w++)
                {
                    for (int j = 0; j < 4; j++) GatherValue(ref columns, ref x0, Math.Min(c0 + j, last), h, w, g);
                }
            }
        }
    }

    /// <summary>
    /// Input gradient rows h of four channels from <paramref name="c0"/> (each the last one past the end) at columns [w, w + T.Count),
    /// stored at <paramref name="at"/>: <paramref name="valid0"/> is all ones at pixel columns [0, OutWidth), 0 elsewhere. A vector may run
    /// past its row into the channel's next row, which is stored after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherVector<T>(ref float columns, ref float valid0, ref float x0, ReadOnlySpan<int> at, int c0, int h, int w, scoped in ConvGeometry g)
        where T : struct, IVector<T>
    {
        int k = g.Kernel, pixels = g.OutPixels, outWidth = g.OutWidth, i = h + g.PadTop, column = w + g.PadLeft, last = g.Channels - 1;
        int first = Math.Max(0, i - g.OutHeight + 1), end = Math.Min(k, i + 1), channel = k * k * pixels;
        nint c1 = (Math.Min(c0 + 1, last) - c0) * channel, c2 = (Math.Min(c0 + 2, last) - c0) * channel, c3 = (Math.Min(c0 + 3, last) - c0) * channel;
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        for (int ki = first; ki < end; ki++)
        {
            // Patch row (c, kᵢ, 0) at output row i − kᵢ, column w + PadLeft; each kⱼ reads one row further on and one column back.
            ref float row = ref Unsafe.Add(ref columns, (c0 * k + ki) * k * pixels + (i - ki) * outWidth + column);
            for (int kj = 0; kj < k; kj++)
            {
                T mask = T.Load(ref Unsafe.Add(ref valid0, column - kj), 0);
                ref float r = ref Unsafe.Add(ref row, kj * (pixels - 1));
                s0 += T.Select(mask, T.Load(ref r, 0), T.Zero);
                s1 += T.Select(mask, T.Load(ref Unsafe.Add(ref r, c1), 0), T.Zero);
                s2 += T.Select(mask, T.Load(ref Unsafe.Add(ref r, c2), 0), T.Zero);
                s3 += T.Select(mask, T.Load(ref Unsafe.Add(ref r, c3), 0), T.Zero);
            }
        }
        T.Store(s0, ref x0, (nuint)(at[0] + w));
        T.Store(s1, ref x0, (nuint)(at[1] + w));
        T.Store(s2, ref x0, (nuint)(at[2] + w));
        T.Store(s3, ref x0, (nuint)(at[3] + w));
    }

    /// <summary>One value of <see cref="GatherVector{T}"/>: the rows' tails, in the same order.</summary>
    private static void GatherValue(ref float columns, ref float x0, int c, int h, int w, scoped in ConvGeometry g)
    {
        int k = g.Kernel, pixels = g.OutPixels, outWidth = g.OutWidth, i = h + g.PadTop, column = w + g.PadLeft;
        int first = Math.Max(0, i - g.OutHeight + 1), end = Math.Min(k, i + 1);
        float sum = 0;
        for (int ki = first; ki < end; ki++)
        {
            for (int kj = Math.Max(0, column - outWidth + 1); kj < Math.Min(k, column + 1); kj++)
            {
                sum += Unsafe.Add(ref columns, ((c * k + ki) * k + kj) * pixels + (i - ki) * outWidth + column - kj);
            }
        }
        Unsafe.Add(ref x0, (c * g.Height + h) * g.Width + w) = sum;
    }
}
