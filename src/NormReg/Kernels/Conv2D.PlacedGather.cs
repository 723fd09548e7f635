using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NormReg.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// The input gradient of a valid convolution at stride 1 with output rows of 8 pixels (LeNet's second convolution): the patch gradient
    /// <c>Wᵀ·dy</c> stored with each output row at the width of an input row, the K − 1 columns after it and K − 1 rows above and below
    /// each patch row left 0 (<see cref="TiledProduct.MultiplyPlaced"/>), so that patch row (c, kᵢ, kⱼ) is the input gradient's plane c moved by
    /// a fixed offset and col2im a sum of K² loads a vector, <c>dx[c, o] = Σ_{kᵢ, kⱼ} placed[(c, kᵢ, kⱼ), (K − 1 − kᵢ)·Width − kⱼ + o]</c> in the order
    /// of (kᵢ, kⱼ) from 0, over the flat plane: no masks, no lanes past a row (<see cref="Gather"/> spent a third of the pass on them at 8 × 8).
    /// </summary>
    /// <remarks>
    /// Scratch: K − 1 zeros, then one placed row of <see cref="PlacedRow"/> floats per patch row, cleared once a call; the product writes only
    /// the pixels. Every lane of a sum takes the same values in the same order at every width.
    /// </remarks>
    private static void PlacedInputGradients(ReadOnlySpan<float> dy, ReadOnlySpan<float> weights, Span<float> dx, Span<float> scratch, int n, in ConvGeometry g)
    {
        int patch = g.PatchSize, pixels = g.OutPixels, row = PlacedRow(g), k = g.Kernel, plane = g.Height * g.Width;
        Span<float> placed = scratch.Slice(0, k - 1 + g.PlacedBlockRows * row);
        placed.Clear();
        ref float rows0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(placed), k - 1);
        ref float w0 = ref MemoryMarshal.GetReference(weights);
        // Channels a block: the product's rows for them, then their sums, while those rows are in the first-level cache (64 placed rows of
        // 8 × 8 pixels in 12 × 12 are 48 KB).
        int block = g.PlacedBlockRows / (k * k);
        for (int s = 0; s < n; s++)
        {
            ref float dys = ref MemoryMarshal.GetReference(dy.Slice(s * g.OutputLength, g.OutputLength));
            ref float x0 = ref MemoryMarshal.GetReference(dx.Slice(s * g.InputLength, g.InputLength));
            for (int c0 = 0; c0 < g.Channels; c0 += block)
            {
                int channels = Math.Min(block, g.Channels - c0);
                // A(i, f) = W[f, i] for the block's patch rows; output pixel (i, j) of patch row r at r·row + (K − 1 + i)·Width + j.
                TiledProduct.MultiplyPlaced(ref Unsafe.Add(ref w0, c0 * k * k), 1, patch, ref dys, pixels, ref Unsafe.Add(ref rows0, (k - 1) * g.Width), row, channels * k * k, pixels,
                    g.Filters, g.Width);
                for (int c = 0; c < channels; c++) PlacedChannel(ref Unsafe.Add(ref rows0, c * k * k * row), ref Unsafe.Add(ref x0, (c0 + c) * plane), plane, k, row, g.Width);
            }
        }
    }

    /// <summary>One channel's input gradient from its K² placed patch rows, widest vectors first, then narrower, then values.</summary>
    private static void PlacedChannel(ref float channel, ref float to, int plane, int k, int row, int width)
    {
        int o = 0;
        if (Simd.Width == 512)
        {
            for (; o + 64 <= plane; o += 64) PlacedSums<V512, Four>(ref channel, ref to, o, k, row, width);
            for (; o + 16 <= plane; o += 16) PlacedSums<V512, One>(ref channel, ref to, o, k, row, width);
        }
        if (Simd.Width >= 256)
        {
            for (; o + 32 <= plane; o += 32) PlacedSums<V256, Four>(ref channel, ref to, o, k, row, width);
            for (; o + 8 <= plane; o += 8) PlacedSums<V256, One>(ref channel, ref to, o, k, row, width);
        }
        for (; o + 16 <= plane; o += 16) PlacedSums<V128, Four>(ref channel, ref to, o, k, row, width);
        for (; o + 4 <= plane; o += 4) PlacedSums<V128, One>(ref channel, ref to, o, k, row, width);
        for (; o < plane; o++)
        {
            float sum = 0;
            for (int ki = 0; ki < k; ki++)
            {
                for (int kj = 0; kj < k; kj++) sum += Unsafe.Add(ref channel, (ki * k + kj) * row + (k - 1 - ki) * width - kj + o);
            }
            Unsafe.Add(ref to, o) = sum;
        }
    }

    /// <summary>Floats of one placed patch row: K − 1 zero rows, the output rows, K − 1 zero rows, each an input row wide.</summary>
    private static int PlacedRow(in ConvGeometry g) => (g.OutHeight + 2 * (g.Kernel - 1)) * g.Width;

    /// <summary>
    /// <typeparamref name="TCount"/> vectors of input gradients of one channel from flat offset <paramref name="o"/>, each the sum of its K²
    /// placed patch rows: up to four independent chains of adds.
    /// </summary>
    private static void PlacedSums<T, TCount>(ref float channel, ref float to, int o, int k, int row, int width) where T : struct, IVector<T> where TCount : struct, ICount
    {
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        ref float at = ref Unsafe.Add(ref channel, (k - 1) * width + o);
        int count = TCount.Value;
        for (int ki = 0; ki < k; ki++)
        {
            ref float band = ref Unsafe.Add(ref at, ki * (k * row - width));
            for (int kj = 0; kj < k; kj++)
            {
                ref float r = ref Unsafe.Add(ref band, kj * (row - 1));
                s0 += T.Load(ref r, 0);
                if (count > 1) s1 += T.Load(ref r, (nuint)T.Count);
                if (count > 2) s2 += T.Load(ref r, (nuint)(2 * T.Count));
                if (count > 3) s3 += T.Load(ref r, (nuint)(3 * T.Count));
            }
        }
        T.Store(s0, ref to, (nuint)o);
        if (count > 1) T.Store(s1, ref to, (nuint)(o + T.Count));
        if (count > 2) T.Store(s2, ref to, (nuint)(o + 2 * T.Count));
        if (count > 3) T.Store(s3, ref to, (nuint)(o + 3 * T.Count));
    }
}
