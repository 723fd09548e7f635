using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// Most multiply-adds <see cref="WideInputGradients"/> may spend per one of the patch gradient's: H·(W + K − 1) / (OutHeight·OutWidth),
    /// its discarded columns (and, for a valid convolution, its rows over the zero frame) included. Against the patch gradient and its gather
    /// (same-process CPU time, one thread, batch 32 / batch 1): 16 × 16 × 16 → 32 filters 3 × 3 "same" (1.125) took 0.93 / 1.02 times as long,
    /// 8 × 32 × 32 → 16 filters 5 × 5 "same" (1.125) 0.53 / 0.59, 6 × 28 × 28 → 16 filters 5 × 5 "same" (1.14) 0.76 / 0.84; at 1.25
    /// (32 × 8 × 8 → 32, 3 × 3) 0.97 / 1.24, at 1.33 (8 × 12 × 12 → 16, 5 × 5) 1.03 / 1.14, at 1.36 (16 × 20 × 20 → 32, 3 × 3 valid) 1.10 / 1.20.
    /// </summary>
    private const double MostWideWaste = 1.2;

    /// <summary>
    /// Input channels from which <see cref="WideInputGradients"/> runs: its product has one row per channel, a register tile of them.
    /// With 6 channels (28 × 28, 5 × 5) it took 0.76 times as long as the gather at batch 32; with 4 (16 × 16 → 32, 3 × 3) 1.24 times.
    /// </summary>
    private const int LeastWideChannels = 6;

    /// <summary>Whether the input gradient runs as <see cref="WideInputGradients"/>; see <see cref="MostWideWaste"/> and <see cref="LeastWideChannels"/>.</summary>
    internal static bool WideGradients(in ConvGeometry g) =>
        g.Stride == 1 && g.Kernel > 1 && g.PadTop < g.Kernel && g.PadLeft < g.Kernel && g.OutHeight <= g.Height + g.PadTop && g.OutWidth <= g.Width + g.PadLeft
        && g.Channels >= LeastWideChannels && g.Filters * g.Kernel * g.Kernel <= MostListedRows
        && (double)g.Height * WideRow(g) <= MostWideWaste * g.OutPixels;

    /// <summary>Floats of one row of <see cref="WideInputGradients"/>' padded output gradient and wide input gradient: W + K − 1.</summary>
    private static int WideRow(in ConvGeometry g) => g.Width + g.Kernel - 1;

    /// <summary>Floats of one padded output gradient plane of <see cref="WideInputGradients"/>: (H + K − 1) rows of <see cref="WideRow"/>.</summary>
    private static int WidePlane(in ConvGeometry g) => (g.Height + g.Kernel - 1) * WideRow(g);

    /// <summary>Floats of scratch <see cref="WideInputGradients"/> needs: the transposed weights, the padded planes (and K − 1 past them), the wide input gradient.</summary>
    internal static long WideScratchLength(in ConvGeometry g) =>
        (long)g.Channels * g.Filters * g.Kernel * g.Kernel + (long)g.Filters * WidePlane(g) + g.Kernel - 1 + (long)g.Channels * g.Height * WideRow(g);

    /// <summary>
    /// The input gradient at stride 1 as a forward correlation of the output gradient, without a patch gradient or col2im:
    /// <c>dx[c, h, w] = Σ_{f, kᵢ, kⱼ} W[f, c, kᵢ, kⱼ]·dyₚ[f, h + K − 1 − kᵢ, w + K − 1 − kⱼ]</c>, where dyₚ is dy with K − 1 − PadTop rows above it
    /// and K − 1 − PadLeft columns left of it, zero elsewhere. Each padded row is W + K − 1 wide, so one product runs over a sample's input
    /// rows widened alike, reading depth row (f, kᵢ, kⱼ) at the flat offset <c>f·plane + (K − 1 − kᵢ)·(W + K − 1) + K − 1 − kⱼ</c>, and the
    /// K − 1 columns past W in each row, which read across into the next row, are discarded. Its depth is F·K·K (288 at 32 filters 3 × 3,
    /// where the patch gradient's is F), so each tile of dx stays in registers over all of it, and each dx element is one chain of
    /// multiply-adds over (f, kᵢ, kⱼ) at every width.
    /// </summary>
    /// <remarks>
    /// Scratch: the transposed weights [C × F·K·K], the padded planes (their zero frame cleared once a call, the interior copied each sample),
    /// K − 1 floats the last row's discarded columns read past them, then the wide input gradient [C × H·(W + K − 1)].
    /// </remarks>
    private static void WideInputGradients(ReadOnlySpan<float> dy, ReadOnlySpan<float> weights, Span<float> dx, Span<float> scratch, int n, in ConvGeometry g)
    {
        int k = g.Kernel, kk = k * k, channels = g.Channels, filters = g.Filters, depth = filters * kk, row = WideRow(g), plane = WidePlane(g);
        int top = k - 1 - g.PadTop, left = k - 1 - g.PadLeft, columns = g.Height * row;
        Span<float> transposed = scratch.Slice(0, channels * depth), padded = scratch.Slice(channels * depth, filters * plane + k - 1);
        Span<float> wide = scratch.Slice(channels * depth + padded.Length, channels * columns);
        // A(c, (f, kᵢ, kⱼ)) = W[f, c, kᵢ, kⱼ]: each filter's K × K block of a channel copied whole.
        ref float w0 = ref MemoryMarshal.GetReference(weights);
        ref float transposed0 = ref MemoryMarshal.GetReference(transposed);
        for (int c = 0; c < channels; c++)
        {
            for (int f = 0; f < filters; f++) Copy(ref Unsafe.Add(ref w0, (f * channels + c) * kk), ref Unsafe.Add(ref transposed0, c * depth + f * kk), kk);
        }
        Span<int> rowAt = stackalloc int[depth];
        for (int f = 0, r = 0; f < filters; f++)
        {
            for (int ki = 0; ki < k; ki++)
            {
                for (int kj = 0; kj < k; kj++, r++) rowAt[r] = f * plane + (k - 1 - ki) * row + k - 1 - kj;
            }
        }
        padded.Clear();
        ref float padded0 = ref MemoryMarshal.GetReference(padded);
        ref float wide0 = ref MemoryMarshal.GetReference(wide);
        for (int s = 0; s < n; s++)
        {
            ref float dys = ref MemoryMarshal.GetReference(dy.Slice(s * g.OutputLength, g.OutputLength));
            for (int f = 0; f < filters; f++)
            {
                for (int i = 0; i < g.OutHeight; i++)
                {
                    WideCopy(ref Unsafe.Add(ref dys, (f * g.OutHeight + i) * g.OutWidth), ref Unsafe.Add(ref padded0, f * plane + (top + i) * row + left), g.OutWidth);
                }
            }
            TiledProduct.Multiply(ref transposed0, depth, ref padded0, ref MemoryMarshal.GetReference(rowAt), ref wide0, columns, channels, columns, depth,
                ref wide0, TiledProduct.BiasBy.None);
            ref float x0 = ref MemoryMarshal.GetReference(dx.Slice(s * g.InputLength, g.InputLength));
            for (int r = 0; r < channels * g.Height; r++) WideCopy(ref Unsafe.Add(ref wide0, r * row), ref Unsafe.Add(ref x0, r * g.Width), g.Width);
        }
    }

    /// <summary><see cref="Copy"/> with 512-bit vectors first where they run at full width: rows of 16 are one load and one store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WideCopy(ref float from, ref float to, int count)
    {
        if (count >= 16 && Simd.Width == 512)
        {
            for (int j = 0; j < count - 16; j += 16) Vector512.LoadUnsafe(ref from, (nuint)j).StoreUnsafe(ref to, (nuint)j);
            Vector512.LoadUnsafe(ref from, (nuint)(count - 16)).StoreUnsafe(ref to, (nuint)(count - 16));
            return;
        }
        Copy(ref from, ref to, count);
    }
}
