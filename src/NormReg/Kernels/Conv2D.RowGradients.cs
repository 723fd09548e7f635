using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NormReg.Kernels;

public static partial class Conv2D
{
    /// <summary>Output pixels of a row that one <see cref="RowChunk3"/> or <see cref="RowChunk5"/> call covers, at every width.</summary>
    private const int RowChunkPixels = 8;

    /// <summary>Floats of a filter strip: the filter counts <see cref="RowWeightGradients"/> takes are multiples of the widest vector.</summary>
    private const int FilterStrip = 16;

    /// <summary>
    /// Whether the weight gradient runs as <see cref="RowWeightGradients"/>: at stride 1 with a 3 × 3 or 5 × 5 kernel, output rows a whole
    /// number of chunks wide and filters a whole number of 16-float strips (LeNet's second convolution, 16 → 32 channels at 3 × 3).
    /// </summary>
    private static bool RowGradients(in ConvGeometry g) =>
        g.Stride == 1 && (g.Kernel == 3 || g.Kernel == 5) && g.OutWidth % RowChunkPixels == 0 && g.Filters % FilterStrip == 0 && g.PatchSize <= MostListedRows;

    /// <summary>Columns of <see cref="RowWeightGradients"/>' input window: every input column (or padding) an output row reads.</summary>
    private static int WindowWidth(in ConvGeometry g) => g.OutWidth + g.Kernel - 1;

    /// <summary>Floats of one sample's input window, C × (OutHeight + K − 1) × (OutWidth + K − 1), with its padding.</summary>
    private static int WindowLength(in ConvGeometry g) => g.Channels * PlaneRows(g) * WindowWidth(g);

    /// <summary>Whether the input window is the input itself: no padding, and no input row or column the output does not read.</summary>
    private static bool WindowIsInput(in ConvGeometry g) => g.PadTop == 0 && g.PadLeft == 0 && g.Height == PlaneRows(g) && g.Width == WindowWidth(g);

    /// <summary>
    /// The weight gradient at stride 1 from the input rows themselves, without patches: <c>dWᵀ[(c, kᵢ, kⱼ), f] = Σ_{s,i,j} x[c, i + kᵢ − PadTop, j + kⱼ − PadLeft]·dy[s, f, i, j]</c>,
    /// by vectors of 16, 8 or 4 filters (one output gradient per pixel, transposed to F values a pixel). A register tile holds the sums of the K rows
    /// (c, kᵢ, ·) of one or two input-row groups (c, kᵢ) and the output gradients of 8 pixels of an output row: each input value is broadcast once for
    /// the up to K products it takes part in, where a tile of patch rows broadcast every patch value for one product of a vector (two thirds of the
    /// peak at 16 filters), and no patches are copied. Each dW element is one chain of multiply-adds over the samples, the chunks of 8 pixels of a
    /// row, the output rows, then the pixels of the chunk, at every width.
    /// </summary>
    /// <remarks>
    /// Scratch: the padded input window when the input is not its own (<see cref="WindowLength"/>; its padding is cleared once and stays 0), dyᵀ
    /// [pixels × F], then the sums [C·K·K × F], transposed into <paramref name="dw"/> at the end. Only patch rows [<paramref name="first"/>,
    /// <paramref name="end"/>), whole groups, are computed: a part of a split pass (<see cref="Conv2DBatch"/>).
    /// </remarks>
    private static void RowWeightGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> scratch, int n, in ConvGeometry g, int first, int end)
    {
        int filters = g.Filters, pixels = g.OutPixels, patch = g.PatchSize;
        bool inPlace = WindowIsInput(g);
        int window = inPlace ? 0 : WindowLength(g);
        Span<float> padded = scratch.Slice(0, window), transposed = scratch.Slice(window, pixels * filters), sums = scratch.Slice(window + pixels * filters, patch * filters);
        sums.Slice(first * filters, (end - first) * filters).Clear();
        padded.Clear();
        ref float sums0 = ref MemoryMarshal.GetReference(sums);
        ref float transposed0 = ref MemoryMarshal.GetReference(transposed);
        int q0 = first / g.Kernel, q1 = end / g.Kernel;
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> sample = x.Slice(s * g.InputLength, g.InputLength);
            if (!inPlace) CopyWindow(sample, padded, g);
            ref float x0 = ref MemoryMarshal.GetReference(inPlace ? sample : padded);
            Gemm.Transpose(ref MemoryMarshal.GetReference(dy.Slice(s * g.OutputLength, g.OutputLength)), ref transposed0, filters, pixels);
            if (Simd.Width == 512) RowStrips<V512, Yes>(ref x0, ref transposed0, ref sums0, g, q0, q1);
            else if (Simd.Width == 256) RowStrips<V256, No>(ref x0, ref transposed0, ref sums0, g, q0, q1);
            else RowStrips<V128, No>(ref x0, ref transposed0, ref sums0, g, q0, q1);
        }
        Gemm.Transpose(ref Unsafe.Add(ref sums0, first * filters), ref Unsafe.Add(ref MemoryMarshal.GetReference(dw), first), end - first, filters, patch);
    }

    /// <summary>Input-row groups (c, kᵢ) a register tile of <see cref="RowStrips"/> takes: with 32 vector registers four at 3 × 3 and two at 5 × 5, else one.</summary>
    private static int RowGroups(int kernel, bool wide) => !wide ? 1 : kernel == 3 ? 4 : 2;

    /// <summary>
    /// One sample's products for every filter strip, input-row groups [<paramref name="q0"/>, <paramref name="q1"/>) and chunk of pixels: with
    /// <typeparamref name="TWide"/> (32 vector registers) <see cref="RowGroups"/> groups a tile (12 and 10 sums, 8 gradients); the groups left over one at a time.
    /// </summary>
    private static void RowStrips<T, TWide>(ref float window, ref float transposed, ref float sums, in ConvGeometry g, int q0, int q1) where T : struct, IVector<T> where TWide : struct, IFlag
    {
        int k = g.Kernel, filters = g.Filters, rows = PlaneRows(g), width = WindowWidth(g), outWidth = g.OutWidth, most = RowGroups(k, TWide.Value);
        nuint step = (nuint)filters;
        for (int f = 0; f < filters; f += T.Count)
        {
            for (int q = q0; q < q1;)
            {
                int count = q1 - q >= most ? most : 1;
                for (int j = 0; j < outWidth; j += RowChunkPixels)
                {
                    // Group q = (c, kᵢ) reads window rows c·rows + kᵢ + i for output rows i, from column j; its sums are rows q·K + kⱼ.
                    ref float x0 = ref Unsafe.Add(ref window, (q / k * rows + q % k) * width + j), s0 = ref Unsafe.Add(ref sums, q * k * filters + f);
                    ref float b = ref Unsafe.Add(ref transposed, j * filters + f);
                    int bRow = outWidth * filters, height = g.OutHeight;
                    if (count == 1)
                    {
                        if (k == 3) RowChunk3<T, One>(ref x0, ref x0, ref x0, ref x0, width, ref b, bRow, step, ref s0, ref s0, ref s0, ref s0, height);
                        else RowChunk5<T, One>(ref x0, ref x0, width, ref b, bRow, step, ref s0, ref s0, height);
                        continue;
                    }
                    ref float x1 = ref Unsafe.Add(ref window, ((q + 1) / k * rows + (q + 1) % k) * width + j), s1 = ref Unsafe.Add(ref s0, k * filters);
                    if (k == 5)
                    {
                        RowChunk5<T, Two>(ref x0, ref x1, width, ref b, bRow, step, ref s0, ref s1, height);
                        continue;
                    }
                    ref float x2 = ref Unsafe.Add(ref window, ((q + 2) / k * rows + (q + 2) % k) * width + j), s2 = ref Unsafe.Add(ref s1, k * filters);
                    ref float x3 = ref Unsafe.Add(ref window, ((q + 3) / k * rows + (q + 3) % k) * width + j), s3 = ref Unsafe.Add(ref s2, k * filters);
                    RowChunk3<T, Four>(ref x0, ref x1, ref x2, ref x3, width, ref b, bRow, step, ref s0, ref s1, ref s2, ref s3, height);
                }
                q += count;
            }
        }
    }

    /// <summary>Copies one sample into its window: <c>window[c, h, w] = x[c, h − PadTop, w − PadLeft]</c> inside the input; the rest is left as it is (0).</summary>
    private static void CopyWindow(ReadOnlySpan<float> x, Span<float> window, in ConvGeometry g)
    {
        int rows = PlaneRows(g), width = WindowWidth(g), plane = g.Height * g.Width;
        int top = Math.Min(rows, g.PadTop), bottom = Math.Min(rows, g.PadTop + g.Height);
        int left = Math.Min(width, g.PadLeft), right = Math.Min(width, g.PadLeft + g.Width);
        if (left >= right) return;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float w0 = ref MemoryMarshal.GetReference(window);
        for (int c = 0; c < g.Channels; c++)
        {
            for (int h = top; h < bottom; h++)
            {
                Copy(ref Unsafe.Add(ref x0, c * plane + (h - g.PadTop) * g.Width + left - g.PadLeft), ref Unsafe.Add(ref w0, (c * rows + h) * width + left), right - left);
            }
        }
    }

    /// <summary>A compile-time flag for a generic kernel.</summary>
    private interface IFlag
    {
        static abstract bool Value { get; }
    }

    private readonly struct Yes : IFlag { public static bool Value => true; }

    private readonly struct No : IFlag { public static bool Value => false; }

    /// <summary>A compile-time count for a generic kernel.</summary>
    private interface ICount
    {
        static abstract int Value { get; }
    }

    private readonly struct One : ICount { public static int Value => 1; }

    private readonly struct Two : ICount { public static int Value => 2; }

    private readonly struct Four : ICount { public static int Value => 4; }

    /// <summary>
    /// One chunk of 8 output pixels for a 3 × 3 kernel: adds to the sums of rows (q, kⱼ), kⱼ &lt; K, of up to 4 input-row groups q
    /// (<typeparamref name="TGroups"/>) the products over every output row, the 8 output gradient vectors of a row in registers and each input
    /// value broadcast once for the up to K products it takes part in. Each sum takes its terms in the order of the pixels.
    /// </summary>
    private static void RowChunk3<T, TGroups>(ref float x0, ref float x1, ref float x2, ref float x3, int xRow, ref float b, int bRow, nuint step, ref float s0, ref float s1, ref float s2, ref float s3, int rows)
        where T : struct, IVector<T> where TGroups : struct, ICount
    {
        T a00 = T.Load(ref s0, 0 * step), a01 = T.Load(ref s0, 1 * step), a02 = T.Load(ref s0, 2 * step);
        T a10 = TGroups.Value > 1 ? T.Load(ref s1, 0 * step) : T.Zero, a11 = TGroups.Value > 1 ? T.Load(ref s1, 1 * step) : T.Zero, a12 = TGroups.Value > 1 ? T.Load(ref s1, 2 * step) : T.Zero;
        T a20 = TGroups.Value > 2 ? T.Load(ref s2, 0 * step) : T.Zero, a21 = TGroups.Value > 2 ? T.Load(ref s2, 1 * step) : T.Zero, a22 = TGroups.Value > 2 ? T.Load(ref s2, 2 * step) : T.Zero;
        T a30 = TGroups.Value > 3 ? T.Load(ref s3, 0 * step) : T.Zero, a31 = TGroups.Value > 3 ? T.Load(ref s3, 1 * step) : T.Zero, a32 = TGroups.Value > 3 ? T.Load(ref s3, 2 * step) : T.Zero;
        for (int i = 0; i < rows; i++)
        {
            ref float bi = ref Unsafe.Add(ref b, i * bRow);
            T b0 = T.Load(ref bi, 0 * step), b1 = T.Load(ref bi, 1 * step), b2 = T.Load(ref bi, 2 * step), b3 = T.Load(ref bi, 3 * step), b4 = T.Load(ref bi, 4 * step), b5 = T.Load(ref bi, 5 * step), b6 = T.Load(ref bi, 6 * step), b7 = T.Load(ref bi, 7 * step);
            ref float r0 = ref Unsafe.Add(ref x0, i * xRow), r1 = ref Unsafe.Add(ref x1, i * xRow), r2 = ref Unsafe.Add(ref x2, i * xRow), r3 = ref Unsafe.Add(ref x3, i * xRow);
            T v;
            v = T.Create(Unsafe.Add(ref r0, 0)); T.MultiplyAddTo(ref a00, v, b0);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 0)); T.MultiplyAddTo(ref a10, v, b0); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 0)); T.MultiplyAddTo(ref a20, v, b0); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 0)); T.MultiplyAddTo(ref a30, v, b0); }
            v = T.Create(Unsafe.Add(ref r0, 1)); T.MultiplyAddTo(ref a00, v, b1); T.MultiplyAddTo(ref a01, v, b0);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 1)); T.MultiplyAddTo(ref a10, v, b1); T.MultiplyAddTo(ref a11, v, b0); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 1)); T.MultiplyAddTo(ref a20, v, b1); T.MultiplyAddTo(ref a21, v, b0); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 1)); T.MultiplyAddTo(ref a30, v, b1); T.MultiplyAddTo(ref a31, v, b0); }
            v = T.Create(Unsafe.Add(ref r0, 2)); T.MultiplyAddTo(ref a00, v, b2); T.MultiplyAddTo(ref a01, v, b1); T.MultiplyAddTo(ref a02, v, b0);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 2)); T.MultiplyAddTo(ref a10, v, b2); T.MultiplyAddTo(ref a11, v, b1); T.MultiplyAddTo(ref a12, v, b0); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 2)); T.MultiplyAddTo(ref a20, v, b2); T.MultiplyAddTo(ref a21, v, b1); T.MultiplyAddTo(ref a22, v, b0); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 2)); T.MultiplyAddTo(ref a30, v, b2); T.MultiplyAddTo(ref a31, v, b1); T.MultiplyAddTo(ref a32, v, b0); }
            v = T.Create(Unsafe.Add(ref r0, 3)); T.MultiplyAddTo(ref a00, v, b3); T.MultiplyAddTo(ref a01, v, b2); T.MultiplyAddTo(ref a02, v, b1);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 3)); T.MultiplyAddTo(ref a10, v, b3); T.MultiplyAddTo(ref a11, v, b2); T.MultiplyAddTo(ref a12, v, b1); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 3)); T.MultiplyAddTo(ref a20, v, b3); T.MultiplyAddTo(ref a21, v, b2); T.MultiplyAddTo(ref a22, v, b1); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 3)); T.MultiplyAddTo(ref a30, v, b3); T.MultiplyAddTo(ref a31, v, b2); T.MultiplyAddTo(ref a32, v, b1); }
            v = T.Create(Unsafe.Add(ref r0, 4)); T.MultiplyAddTo(ref a00, v, b4); T.MultiplyAddTo(ref a01, v, b3); T.MultiplyAddTo(ref a02, v, b2);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 4)); T.MultiplyAddTo(ref a10, v, b4); T.MultiplyAddTo(ref a11, v, b3); T.MultiplyAddTo(ref a12, v, b2); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 4)); T.MultiplyAddTo(ref a20, v, b4); T.MultiplyAddTo(ref a21, v, b3); T.MultiplyAddTo(ref a22, v, b2); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 4)); T.MultiplyAddTo(ref a30, v, b4); T.MultiplyAddTo(ref a31, v, b3); T.MultiplyAddTo(ref a32, v, b2); }
            v = T.Create(Unsafe.Add(ref r0, 5)); T.MultiplyAddTo(ref a00, v, b5); T.MultiplyAddTo(ref a01, v, b4); T.MultiplyAddTo(ref a02, v, b3);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 5)); T.MultiplyAddTo(ref a10, v, b5); T.MultiplyAddTo(ref a11, v, b4); T.MultiplyAddTo(ref a12, v, b3); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 5)); T.MultiplyAddTo(ref a20, v, b5); T.MultiplyAddTo(ref a21, v, b4); T.MultiplyAddTo(ref a22, v, b3); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 5)); T.MultiplyAddTo(ref a30, v, b5); T.MultiplyAddTo(ref a31, v, b4); T.MultiplyAddTo(ref a32, v, b3); }
            v = T.Create(Unsafe.Add(ref r0, 6)); T.MultiplyAddTo(ref a00, v, b6); T.MultiplyAddTo(ref a01, v, b5); T.MultiplyAddTo(ref a02, v, b4);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 6)); T.MultiplyAddTo(ref a10, v, b6); T.MultiplyAddTo(ref a11, v, b5); T.MultiplyAddTo(ref a12, v, b4); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 6)); T.MultiplyAddTo(ref a20, v, b6); T.MultiplyAddTo(ref a21, v, b5); T.MultiplyAddTo(ref a22, v, b4); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 6)); T.MultiplyAddTo(ref a30, v, b6); T.MultiplyAddTo(ref a31, v, b5); T.MultiplyAddTo(ref a32, v, b4); }
            v = T.Create(Unsafe.Add(ref r0, 7)); T.MultiplyAddTo(ref a00, v, b7); T.MultiplyAddTo(ref a01, v, b6); T.MultiplyAddTo(ref a02, v, b5);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 7)); T.MultiplyAddTo(ref a10, v, b7); T.MultiplyAddTo(ref a11, v, b6); T.MultiplyAddTo(ref a12, v, b5); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 7)); T.MultiplyAddTo(ref a20, v, b7); T.MultiplyAddTo(ref a21, v, b6); T.MultiplyAddTo(ref a22, v, b5); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 7)); T.MultiplyAddTo(ref a30, v, b7); T.MultiplyAddTo(ref a31, v, b6); T.MultiplyAddTo(ref a32, v, b5); }
            v = T.Create(Unsafe.Add(ref r0, 8)); T.MultiplyAddTo(ref a01, v, b7); T.MultiplyAddTo(ref a02, v, b6);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 8)); T.MultiplyAddTo(ref a11, v, b7); T.MultiplyAddTo(ref a12, v, b6); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 8)); T.MultiplyAddTo(ref a21, v, b7); T.MultiplyAddTo(ref a22, v, b6); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 8)); T.MultiplyAddTo(ref a31, v, b7); T.MultiplyAddTo(ref a32, v, b6); }
            v = T.Create(Unsafe.Add(ref r0, 9)); T.MultiplyAddTo(ref a02, v, b7);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 9)); T.MultiplyAddTo(ref a12, v, b7); }
            if (TGroups.Value > 2) { v = T.Create(Unsafe.Add(ref r2, 9)); T.MultiplyAddTo(ref a22, v, b7); }
            if (TGroups.Value > 3) { v = T.Create(Unsafe.Add(ref r3, 9)); T.MultiplyAddTo(ref a32, v, b7); }
        }
        T.Store(a00, ref s0, 0 * step); T.Store(a01, ref s0, 1 * step); T.Store(a02, ref s0, 2 * step);
        if (TGroups.Value > 1) { T.Store(a10, ref s1, 0 * step); T.Store(a11, ref s1, 1 * step); T.Store(a12, ref s1, 2 * step); }
        if (TGroups.Value > 2) { T.Store(a20, ref s2, 0 * step); T.Store(a21, ref s2, 1 * step); T.Store(a22, ref s2, 2 * step); }
        if (TGroups.Value > 3) { T.Store(a30, ref s3, 0 * step); T.Store(a31, ref s3, 1 * step); T.Store(a32, ref s3, 2 * step); }
    }

    /// <summary><see cref="RowChunk3"/> for a 5 × 5 kernel, up to 2 groups.</summary>
    private static void RowChunk5<T, TGroups>(ref float x0, ref float x1, int xRow, ref float b, int bRow, nuint step, ref float s0, ref float s1, int rows)
        where T : struct, IVector<T> where TGroups : struct, ICount
    {
        T a00 = T.Load(ref s0, 0 * step), a01 = T.Load(ref s0, 1 * step), a02 = T.Load(ref s0, 2 * step), a03 = T.Load(ref s0, 3 * step), a04 = T.Load(ref s0, 4 * step);
        T a10 = TGroups.Value > 1 ? T.Load(ref s1, 0 * step) : T.Zero, a11 = TGroups.Value > 1 ? T.Load(ref s1, 1 * step) : T.Zero, a12 = TGroups.Value > 1 ? T.Load(ref s1, 2 * step) : T.Zero, a13 = TGroups.Value > 1 ? T.Load(ref s1, 3 * step) : T.Zero, a14 = TGroups.Value > 1 ? T.Load(ref s1, 4 * step) : T.Zero;
        for (int i = 0; i < rows; i++)
        {
            ref float bi = ref Unsafe.Add(ref b, i * bRow);
            T b0 = T.Load(ref bi, 0 * step), b1 = T.Load(ref bi, 1 * step), b2 = T.Load(ref bi, 2 * step), b3 = T.Load(ref bi, 3 * step), b4 = T.Load(ref bi, 4 * step), b5 = T.Load(ref bi, 5 * step), b6 = T.Load(ref bi, 6 * step), b7 = T.Load(ref bi, 7 * step);
            ref float r0 = ref Unsafe.Add(ref x0, i * xRow), r1 = ref Unsafe.Add(ref x1, i * xRow);
            T v;
            v = T.Create(Unsafe.Add(ref r0, 0)); T.MultiplyAddTo(ref a00, v, b0);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 0)); T.MultiplyAddTo(ref a10, v, b0); }
            v = T.Create(Unsafe.Add(ref r0, 1)); T.MultiplyAddTo(ref a00, v, b1); T.MultiplyAddTo(ref a01, v, b0);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 1)); T.MultiplyAddTo(ref a10, v, b1); T.MultiplyAddTo(ref a11, v, b0); }
            v = T.Create(Unsafe.Add(ref r0, 2)); T.MultiplyAddTo(ref a00, v, b2); T.MultiplyAddTo(ref a01, v, b1); T.MultiplyAddTo(ref a02, v, b0);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 2)); T.MultiplyAddTo(ref a10, v, b2); T.MultiplyAddTo(ref a11, v, b1); T.MultiplyAddTo(ref a12, v, b0); }
            v = T.Create(Unsafe.Add(ref r0, 3)); T.MultiplyAddTo(ref a00, v, b3); T.MultiplyAddTo(ref a01, v, b2); T.MultiplyAddTo(ref a02, v, b1); T.MultiplyAddTo(ref a03, v, b0);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 3)); T.MultiplyAddTo(ref a10, v, b3); T.MultiplyAddTo(ref a11, v, b2); T.MultiplyAddTo(ref a12, v, b1); T.MultiplyAddTo(ref a13, v, b0); }
            v = T.Create(Unsafe.Add(ref r0, 4)); T.MultiplyAddTo(ref a00, v, b4); T.MultiplyAddTo(ref a01, v, b3); T.MultiplyAddTo(ref a02, v, b2); T.MultiplyAddTo(ref a03, v, b1); T.MultiplyAddTo(ref a04, v, b0);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 4)); T.MultiplyAddTo(ref a10, v, b4); T.MultiplyAddTo(ref a11, v, b3); T.MultiplyAddTo(ref a12, v, b2); T.MultiplyAddTo(ref a13, v, b1); T.MultiplyAddTo(ref a14, v, b0); }
            v = T.Create(Unsafe.Add(ref r0, 5)); T.MultiplyAddTo(ref a00, v, b5); T.MultiplyAddTo(ref a01, v, b4); T.MultiplyAddTo(ref a02, v, b3); T.MultiplyAddTo(ref a03, v, b2); T.MultiplyAddTo(ref a04, v, b1);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 5)); T.MultiplyAddTo(ref a10, v, b5); T.MultiplyAddTo(ref a11, v, b4); T.MultiplyAddTo(ref a12, v, b3); T.MultiplyAddTo(ref a13, v, b2); T.MultiplyAddTo(ref a14, v, b1); }
            v = T.Create(Unsafe.Add(ref r0, 6)); T.MultiplyAddTo(ref a00, v, b6); T.MultiplyAddTo(ref a01, v, b5); T.MultiplyAddTo(ref a02, v, b4); T.MultiplyAddTo(ref a03, v, b3); T.MultiplyAddTo(ref a04, v, b2);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 6)); T.MultiplyAddTo(ref a10, v, b6); T.MultiplyAddTo(ref a11, v, b5); T.MultiplyAddTo(ref a12, v, b4); T.MultiplyAddTo(ref a13, v, b3); T.MultiplyAddTo(ref a14, v, b2); }
            v = T.Create(Unsafe.Add(ref r0, 7)); T.MultiplyAddTo(ref a00, v, b7); T.MultiplyAddTo(ref a01, v, b6); T.MultiplyAddTo(ref a02, v, b5); T.MultiplyAddTo(ref a03, v, b4); T.MultiplyAddTo(ref a04, v, b3);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 7)); T.MultiplyAddTo(ref a10, v, b7); T.MultiplyAddTo(ref a11, v, b6); T.MultiplyAddTo(ref a12, v, b5); T.MultiplyAddTo(ref a13, v, b4); T.MultiplyAddTo(ref a14, v, b3); }
            v = T.Create(Unsafe.Add(ref r0, 8)); T.MultiplyAddTo(ref a01, v, b7); T.MultiplyAddTo(ref a02, v, b6); T.MultiplyAddTo(ref a03, v, b5); T.MultiplyAddTo(ref a04, v, b4);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 8)); T.MultiplyAddTo(ref a11, v, b7); T.MultiplyAddTo(ref a12, v, b6); T.MultiplyAddTo(ref a13, v, b5); T.MultiplyAddTo(ref a14, v, b4); }
            v = T.Create(Unsafe.Add(ref r0, 9)); T.MultiplyAddTo(ref a02, v, b7); T.MultiplyAddTo(ref a03, v, b6); T.MultiplyAddTo(ref a04, v, b5);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 9)); T.MultiplyAddTo(ref a12, v, b7); T.MultiplyAddTo(ref a13, v, b6); T.MultiplyAddTo(ref a14, v, b5); }
            v = T.Create(Unsafe.Add(ref r0, 10)); T.MultiplyAddTo(ref a03, v, b7); T.MultiplyAddTo(ref a04, v, b6);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 10)); T.MultiplyAddTo(ref a13, v, b7); T.MultiplyAddTo(ref a14, v, b6); }
            v = T.Create(Unsafe.Add(ref r0, 11)); T.MultiplyAddTo(ref a04, v, b7);
            if (TGroups.Value > 1) { v = T.Create(Unsafe.Add(ref r1, 11)); T.MultiplyAddTo(ref a14, v, b7); }
        }
        T.Store(a00, ref s0, 0 * step); T.Store(a01, ref s0, 1 * step); T.Store(a02, ref s0, 2 * step); T.Store(a03, ref s0, 3 * step); T.Store(a04, ref s0, 4 * step);
        if (TGroups.Value > 1) { T.Store(a10, ref s1, 0 * step); T.Store(a11, ref s1, 1 * step); T.Store(a12, ref s1, 2 * step); T.Store(a13, ref s1, 3 * step); T.Store(a14, ref s1, 4 * step); }
    }

}
