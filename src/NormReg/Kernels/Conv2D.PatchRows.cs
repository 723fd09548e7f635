using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// The transpose of <see cref="Patches"/> for the weight gradient: <c>rows[p·padded + r]</c> for output pixel p = (i, j) and
    /// patch index r = (c, kᵢ, kⱼ) gets <c>x[c, i·S + kᵢ − PadTop, j·S + kⱼ − PadLeft]</c>, or 0 in the padding; columns
    /// <see cref="ConvGeometry.PatchSize"/> to <paramref name="padded"/> get 0.
    /// </summary>
    /// <remarks>
    /// A row holds K-value runs of input rows (kⱼ = 0…K−1). For each (c, kᵢ) the runs of one output row go down the pixels in a tight
    /// loop, two overlapping 4-float vectors a run for 4 ≤ K ≤ 8, one that spills into the next runs for K &lt; 4 (a loop per pixel
    /// over all runs spent most of its time on the loop); runs that reach into the padding go value by value.
    /// </remarks>
    private static void PatchRows(ReadOnlySpan<float> x, Span<float> rows, int padded, scoped in ConvGeometry g)
    {
        int k = g.Kernel, stride = g.Stride, height = g.Height, width = g.Width, plane = height * width, patch = g.PatchSize, outWidth = g.OutWidth;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float rows0 = ref MemoryMarshal.GetReference(rows);
        // Pixels [inLo, inHi) of an output row read whole runs inside the image.
        int inLo = Math.Min(outWidth, (g.PadLeft + stride - 1) / stride);
        int span = width + g.PadLeft - k;
        int inHi = span < 0 ? inLo : Math.Max(inLo, Math.Min(outWidth, span / stride + 1));
        bool vectors = Vector128.IsHardwareAccelerated && k >= 4 && k <= 8;
        for (int i = 0; i < g.OutHeight; i++)
        {
            ref float line = ref Unsafe.Add(ref rows0, i * outWidth * padded);
            // The padding columns first: the runs then overwrite whatever part of that vector is theirs.
            for (int j = 0; j < outWidth; j++)
            {
                if (Vector256.IsHardwareAccelerated) Vector256<float>.Zero.StoreUnsafe(ref Unsafe.Add(ref line, j * padded + padded - 8));
                else Clear(ref Unsafe.Add(ref line, j * padded), patch, padded);
            }
            for (int c = 0; c < g.Channels; c++)
            {
                for (int ki = 0; ki < k; ki++)
                {
                    ref float run = ref Unsafe.Add(ref line, (c * k + ki) * k);
                    int source = i * stride + ki - g.PadTop;
                    if (source < 0 || source >= height)
                    {
                        for (int j = 0; j < outWidth; j++) Clear(ref Unsafe.Add(ref run, j * padded), 0, k);
                        continue;
                    }
                    int at = c * plane + source * width - g.PadLeft; // x offset of pixel j's run: at + j·S, may lie outside for edge pixels
                    for (int j = 0; j < inLo; j++) Edge(ref x0, at + j * stride, ref Unsafe.Add(ref run, j * padded), j * stride - g.PadLeft, k, width);
                    if (vectors)
                    {
                        for (int j = inLo; j < inHi; j++)
                        {
                            ref float from = ref Unsafe.Add(ref x0, at + j * stride);
                            ref float to = ref Unsafe.Add(ref run, j * padded);
                            Vector128.LoadUnsafe(ref from).StoreUnsafe(ref to);
                            Vector128.LoadUnsafe(ref from, (nuint)(k - 4)).StoreUnsafe(ref to, (nuint)(k - 4));
                        }
                    }
                    else if (k < 4 && Vector128.IsHardwareAccelerated && (c * k + ki) * k + 4 <= patch)
                    {
                        // A 4-float vector spills into the runs after this one in the row, which later passes overwrite; the
                        // reads stay inside the sample.
                        int room = x.Length - 4 - at, end = room < 0 ? inLo : Math.Clamp(room / stride + 1, inLo, inHi), j = inLo;
                        for (; j < end; j++) Vector128.LoadUnsafe(ref x0, (nuint)(at + j * stride)).StoreUnsafe(ref Unsafe.Add(ref run, j * padded));
                        for (; j < inHi; j++) Copy(ref Unsafe.Add(ref x0, at + j * stride), ref Unsafe.Add(ref run, j * padded), k);
                    }
                    else
                    {
                        for (int j = inLo; j < inHi; j++) Copy(ref Unsafe.Add(ref x0, at + j * stride), ref Unsafe.Add(ref run, j * padded), k);
                    }
                    for (int j = inHi; j < outWidth; j++) Edge(ref x0, at + j * stride, ref Unsafe.Add(ref run, j * padded), j * stride - g.PadLeft, k, width);
                }
            }
        }
    }

    /// <summary>One run that reaches into the padding, starting at x offset <paramref name="start"/> and input column <paramref name="left"/>: the values in columns [0, width) copied, the others 0.</summary>
    private static void Edge(ref float x0, int start, ref float run, int left, int k, int width)
    {
        int lo = Math.Clamp(-left, 0, k), hi = Math.Clamp(width - left, lo, k);
        Clear(ref run, 0, lo);
        for (int kj = lo; kj < hi; kj++) Unsafe.Add(ref run, kj) = Unsafe.Add(ref x0, start + kj);
        Clear(ref run, hi, k);
    }
}
