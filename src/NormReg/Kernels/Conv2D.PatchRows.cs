using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NormReg.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// The transpose of <see cref="Patches"/> for the weight gradient: <c>rows[p·padded + r]</c> for output pixel p = (i, j) and
    /// patch index r = (c, kᵢ, kⱼ) gets <c>x[c, i·S + kᵢ − PadTop, j·S + kⱼ − PadLeft]</c>, or 0 in the padding; columns
    /// <see cref="ConvGeometry.PatchSize"/> to <paramref name="padded"/> get 0.
    /// </summary>
    /// <remarks>
    /// A row holds K-value runs of input rows (kⱼ = 0…K−1): at stride 1 with the run inside the image each is one <see cref="Copy"/>
    /// (two overlapping 4-float vectors for K = 5); the edges and other strides go value by value.
    /// </remarks>
    private static void PatchRows(ReadOnlySpan<float> x, Span<float> rows, int padded, scoped in ConvGeometry g)
    {
        int k = g.Kernel, stride = g.Stride, height = g.Height, width = g.Width, plane = height * width, patch = g.PatchSize;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float to = ref MemoryMarshal.GetReference(rows);
        for (int i = 0; i < g.OutHeight; i++)
        {
            int top = i * stride - g.PadTop;
            for (int j = 0; j < g.OutWidth; j++, to = ref Unsafe.Add(ref to, padded))
            {
                int left = j * stride - g.PadLeft, kLo = Math.Max(0, -left), kHi = Math.Min(k, width - left);
                bool inside = stride == 1 && kLo == 0 && kHi == k;
                for (int c = 0; c < g.Channels; c++)
                {
                    for (int ki = 0; ki < k; ki++)
                    {
                        ref float run = ref Unsafe.Add(ref to, (c * k + ki) * k);
                        int source = top + ki;
                        if (source < 0 || source >= height || kLo >= kHi)
                        {
                            Clear(ref run, 0, k);
                            continue;
                        }
                        int at = c * plane + source * width + left;
                        if (inside)
                        {
                            Copy(ref Unsafe.Add(ref x0, at), ref run, k);
                            continue;
                        }
                        Clear(ref run, 0, kLo);
                        for (int kj = kLo; kj < kHi; kj++) Unsafe.Add(ref run, kj) = Unsafe.Add(ref x0, at + kj);
                        Clear(ref run, kHi, k);
                    }
                }
                Clear(ref to, patch, padded);
            }
        }
    }
}
