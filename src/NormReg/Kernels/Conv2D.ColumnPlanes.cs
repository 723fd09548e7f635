using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NormReg.Kernels;

public static partial class Conv2D
{
    /// <summary>Patch rows up to which the forward pass at stride 1 keeps its table of row starts on the stack (8 KB).</summary>
    private const int MostListedRows = 2048;

    /// <summary>
    /// The forward pass's patches at stride 1 without the im2col matrix: for each (c, kⱼ) a plane of <see cref="PlaneRows"/> rows ×
    /// OutWidth, <c>planes[((c·K + kⱼ)·PlaneRows + h)·OutWidth + j] = x[c, h − PadTop, j + kⱼ − PadLeft]</c> (0 in the padding). Patch row
    /// r = (c, kᵢ, kⱼ) over the output pixels q = i·OutWidth + j is then <c>planes[rowAt[r] + q]</c> with
    /// <c>rowAt[r] = ((c·K + kⱼ)·PlaneRows + kᵢ)·OutWidth</c>: the K shifted rows of a plane overlap, so the planes copy K times fewer
    /// values than the im2col matrix (at LeNet's two convolutions that copy took longer than the product).
    /// </summary>
    /// <remarks>Fits in the im2col matrix's scratch: C·K·(OutHeight + K − 1)·OutWidth ≤ C·K·K·OutHeight·OutWidth.</remarks>
    private static void ColumnPlanes(ReadOnlySpan<float> x, Span<float> planes, scoped in ConvGeometry g)
    {
        int k = g.Kernel, outWidth = g.OutWidth, height = PlaneRows(g), plane = g.Height * g.Width, width = g.Width;
        // Plane rows [top, bottom) read input rows; the others lie in the padding.
        int top = Math.Min(height, g.PadTop), bottom = Math.Min(height, g.PadTop + g.Height);
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float planes0 = ref MemoryMarshal.GetReference(planes);
        for (int c = 0; c < g.Channels; c++)
        {
            for (int kj = 0; kj < k; kj++)
            {
                ref float to = ref Unsafe.Add(ref planes0, (c * k + kj) * height * outWidth);
                int shift = kj - g.PadLeft;
                (int lo, int hi) = Valid(shift, 1, width, outWidth);
                int last = lo < hi ? bottom : top;
                Clear(ref to, 0, top * outWidth);
                Clear(ref to, last * outWidth, height * outWidth);
                ref float from = ref Unsafe.Add(ref x0, c * plane + (top - g.PadTop) * width + shift);
                if (lo == 0 && hi == outWidth)
                {
                    // No padding across: a plane row is one segment of an input row, in a loop of inlined vector copies.
                    for (int h = top; h < last; h++) Copy(ref Unsafe.Add(ref from, (h - top) * width), ref Unsafe.Add(ref to, h * outWidth), outWidth);
                    continue;
                }
                for (int h = top; h < last; h++)
                {
                    ref float row = ref Unsafe.Add(ref to, h * outWidth);
                    Clear(ref row, 0, lo);
                    Copy(ref Unsafe.Add(ref from, (h - top) * width + lo), ref Unsafe.Add(ref row, lo), hi - lo);
                    Clear(ref row, hi, outWidth);
                }
            }
        }
    }

    /// <summary>Fills <paramref name="rowAt"/> with where each patch row starts in <see cref="ColumnPlanes"/>.</summary>
    private static void ListPlaneRows(Span<int> rowAt, in ConvGeometry g)
    {
        int k = g.Kernel, height = PlaneRows(g), r = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            for (int ki = 0; ki < k; ki++)
            {
                for (int kj = 0; kj < k; kj++, r++) rowAt[r] = ((c * k + kj) * height + ki) * g.OutWidth;
            }
        }
    }

    /// <summary>Rows of each column plane: every input row (and padding row) an output row's patches read.</summary>
    private static int PlaneRows(in ConvGeometry g) => g.OutHeight + g.Kernel - 1;
}
