using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NormReg.Kernels;

/// <summary>
/// Two-dimensional convolution (cross-correlation, as every framework computes it) on NCHW batches: PyTorch's
/// <c>nn.Conv2d(C, F, K, stride, padding)</c> with dilation 1 and groups 1, Keras' <c>Conv2D(F, K, strides, padding)</c>
/// (whose kernel is [K × K × C × F]: transpose it to [F × C × K × K]). Weights are [F × C·K·K] row-major, PyTorch's layout.
/// </summary>
/// <remarks>
/// <para>
/// Every pass is a matrix product over the patches of one sample. The forward pass and the input gradient use the im2col matrix,
/// one row per (c, kᵢ, kⱼ) and one column per output pixel, so the product has the long dimension (pixels) where its register tiles
/// need it and all F filters share each patch load; at stride 1 the forward reads those rows as windows into K shifted copies of each channel
/// (<see cref="ColumnPlanes"/>), a 1 × 1 kernel the input in place, and the input gradient's col2im is a gather that sums each input row
/// in registers (<see cref="Gather"/>). At stride 1 with at least 8 filters the weight gradient is <c>Σ_s patches_s·dy_sᵀ</c> on the same
/// planes, a tile of dW kept in registers across every sample and pixel, so each dW element is one chain of multiply-adds (samples, then
/// pixels) at every width, however a batch is split (<see cref="PlaneWeightGradients"/>). At other strides it is the same chain over patch rows,
/// one row per pixel; below 8 filters, or from 256 pixels, each sample's dW is instead a dot product over its im2col patches, the samples'
/// results added in order. At stride 1 with a 3 × 3 or 5 × 5 kernel, output rows a multiple of 8 wide and filters a multiple of 16, dW is
/// instead taken from the input rows themselves, each input value broadcast once for its K products (<see cref="RowWeightGradients"/>);
/// a valid convolution with output rows of 8 stores its patch gradient placed as input rows, so col2im needs no masks (<see cref="PlacedInputGradients"/>);
/// at stride 1 with at least 6 channels and rows wide against the kernel, the input gradient is instead a forward correlation of the padded output
/// gradient with the weights transposed, depth F·K·K, with no patch gradient at all (<see cref="WideInputGradients"/>).
/// </para>
/// <para>Scratch is <see cref="ConvGeometry.ScratchLength"/> floats: the patches [C·K·K × pixels] (with the gather's margins), or the transposed weights,
/// padded output gradient and wide input gradient of the correlation, or for the weight
/// gradient the column planes, dyᵀ and the sums [C·K·K × F], or the patch rows [pixels × C·K·K rounded up to 8] and the sums [F × the same].
/// No call relies on what another left there.</para>
/// For generated code; hidden from completion lists.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Conv2D
{
    /// <summary>
    /// <c>y[s, f, i, j] = b[f] + Σ_{c,kᵢ,kⱼ} W[f, c, kᵢ, kⱼ]·x[s, c, i·S + kᵢ − PadTop, j·S + kⱼ − PadLeft]</c>, zero outside the input.
    /// An empty <paramref name="bias"/> means no bias. Overwrites <paramref name="y"/> [n × F × OutHeight × OutWidth].
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, Span<float> scratch, int n, in ConvGeometry g)
    {
        Check(x.Length, weights.Length, scratch.Length, n, g, nameof(x));
        Lengths.AtLeast(y.Length, n * g.OutputLength, nameof(y));
        if (!bias.IsEmpty) Lengths.AtLeast(bias.Length, g.Filters, nameof(bias));
        int patch = g.PatchSize, pixels = g.OutPixels;
        Span<float> columns = scratch.Slice(0, patch * pixels);
        ref float w0 = ref MemoryMarshal.GetReference(weights);
        TiledProduct.BiasBy biasBy = bias.IsEmpty ? TiledProduct.BiasBy.None : TiledProduct.BiasBy.Row;
        if (g.Stride == 1 && !g.IsPointwise && patch <= MostListedRows)
        {
            Span<int> rowAt = stackalloc int[patch];
            ListPlaneRows(rowAt, g);
            for (int s = 0; s < n; s++)
            {
                ColumnPlanes(x.Slice(s * g.InputLength, g.InputLength), columns, g);
                TiledProduct.Multiply(ref w0, patch, ref MemoryMarshal.GetReference(columns), ref MemoryMarshal.GetReference(rowAt),
                    ref MemoryMarshal.GetReference(y.Slice(s * g.OutputLength, g.OutputLength)), pixels, g.Filters, pixels, patch, ref MemoryMarshal.GetReference(bias), biasBy);
            }
            return;
        }
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> sample = x.Slice(s * g.InputLength, g.InputLength);
            ReadOnlySpan<float> patches = g.IsPointwise ? sample : Patches(sample, columns, g);
            TiledProduct.Multiply(ref w0, patch, 1, ref MemoryMarshal.GetReference(patches), pixels, ref MemoryMarshal.GetReference(y.Slice(s * g.OutputLength, g.OutputLength)), pixels,
                g.Filters, pixels, patch, ref MemoryMarshal.GetReference(bias), biasBy);
        }
    }

    /// <summary>
    /// The weight and bias gradients from the output gradient <paramref name="dy"/>, summed over the batch:
    /// <c>dW[f, c, kᵢ, kⱼ] = Σ_{s,i,j} dy[s, f, i, j]·x[s, c, i·S + kᵢ − PadTop, j·S + kⱼ − PadLeft]</c> and <c>db[f] = Σ_{s,i,j} dy[s, f, i, j]</c>,
    /// overwriting <paramref name="weightGradients"/> and <paramref name="biasGradients"/> (empty: no bias). With a non-empty
    /// <paramref name="penalized"/> (the weights) adds <c>l1·sign(w) + 2·l2·w</c> to each weight gradient. Recomputes its patches
    /// from <paramref name="x"/>. Returns whether every gradient written is finite.
    /// </summary>
    public static bool BackwardParameters(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradients, Span<float> biasGradients, Span<float> scratch, int n, in ConvGeometry g,
        ReadOnlySpan<float> penalized = default, float l1 = 0, float l2 = 0)
    {
        CheckParameters(x, dy, weightGradients, biasGradients, scratch, n, g, penalized);
        bool finite = WeightGradientRows(x, dy, weightGradients, scratch, n, g, 0, g.PatchSize, penalized, l1, l2);
        return biasGradients.IsEmpty ? finite : BiasGradients(dy, biasGradients, n, g, 0, g.Filters) & finite;
    }

    /// <summary>Checks the spans of <see cref="BackwardParameters"/>, on the calling thread when the pass runs in parts.</summary>
    internal static void CheckParameters(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradients, Span<float> biasGradients, Span<float> scratch, int n,
        in ConvGeometry g, ReadOnlySpan<float> penalized)
    {
        Check(x.Length, weightGradients.Length, scratch.Length, n, g, nameof(x), nameof(weightGradients));
        Lengths.AtLeast(dy.Length, n * g.OutputLength, nameof(dy));
        if (!biasGradients.IsEmpty) Lengths.AtLeast(biasGradients.Length, g.Filters, nameof(biasGradients));
        if (!penalized.IsEmpty) Lengths.AtLeast(penalized.Length, g.Filters * g.PatchSize, nameof(penalized));
    }

    /// <summary>
    /// Columns [<paramref name="first"/>, <paramref name="end"/>) of every filter's weight gradient (patch rows (c, kᵢ, kⱼ)), with their penalty;
    /// returns whether they are finite. Only the whole row, or a range of <see cref="GradientRowGrain"/>s where that is not 0, which computes
    /// each element with the same chain of multiply-adds as the whole.
    /// </summary>
    internal static bool WeightGradientRows(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradients, Span<float> scratch, int n, in ConvGeometry g,
        int first, int end, ReadOnlySpan<float> penalized, float l1, float l2)
    {
        int patch = g.PatchSize, pixels = g.OutPixels, filters = g.Filters, padded = g.PaddedPatch;
        bool whole = first == 0 && end == patch;
        Span<float> dw = weightGradients.Slice(0, filters * patch);
        if (n == 0)
        {
            for (int f = 0; f < filters; f++) dw.Slice(f * patch + first, end - first).Clear();
        }
        if (RowGradients(g))
        {
            RowWeightGradients(x, dy, dw, scratch, n, g, first, end);
        }
        else if (PlaneGradients(g))
        {
            PlaneWeightGradients(x, dy, dw, scratch, n, g);
        }
        else if (filters < FilterTile || pixels >= LongDot)
        {
            // Too few filters to fill a register tile of dW rows, or dot products long enough for the dot-product kernel: each sample's
            // dW on that kernel over its im2col patches, the samples' results added in order.
            DotWeightGradients(x, dy, dw, scratch, n, g, first, end);
        }
        else
        {
            // dW = Σ_s dy_s[F × pixels]·rows_s[pixels × C·K·K]: the patches one row per pixel, so a dW row is the vector the product's tiles
            // keep and each dy value is broadcast. Every dW element is one chain of multiply-adds over the samples, then the pixels, at any width.
            Span<float> rows = scratch.Slice(0, pixels * padded);
            Span<float> sums = padded == patch ? dw : scratch.Slice(pixels * padded, filters * padded);
            ref float sums0 = ref MemoryMarshal.GetReference(sums);
            for (int s = 0; s < n; s++)
            {
                PatchRows(x.Slice(s * g.InputLength, g.InputLength), rows, padded, g);
                TiledProduct.Multiply(ref MemoryMarshal.GetReference(dy.Slice(s * g.OutputLength, g.OutputLength)), pixels, 1, ref MemoryMarshal.GetReference(rows), padded,
                    ref sums0, padded, filters, padded, pixels, ref sums0, TiledProduct.BiasBy.None, accumulate: s > 0);
            }
            if (n > 0 && padded != patch)
            {
                for (int f = 0; f < filters; f++) sums.Slice(f * padded, patch).CopyTo(dw.Slice(f * patch, patch));
            }
        }
        if (whole) return penalized.IsEmpty ? Guard.AllFinite(dw) : Regularization.AddGradient(penalized.Slice(0, dw.Length), dw, l1, l2);
        bool finite = true;
        for (int f = 0; f < filters; f++)
        {
            Span<float> row = dw.Slice(f * patch + first, end - first);
            finite &= penalized.IsEmpty ? Guard.AllFinite(row) : Regularization.AddGradient(penalized.Slice(f * patch + first, end - first), row, l1, l2);
        }
        return finite;
    }

    /// <summary>
    /// Patch rows per unit of a range of <see cref="WeightGradientRows"/>: a register tile's input-row groups on <see cref="RowWeightGradients"/>,
    /// one row on the dot-product kernel over more than 64 pixels (which computes any range of its columns alike); 0 on the other paths, which
    /// compute only the whole.
    /// </summary>
    internal static int GradientRowGrain(in ConvGeometry g)
    {
        if (RowGradients(g)) return g.Kernel * RowGroups(g.Kernel, Simd.Width == 512);
        if (PlaneGradients(g)) return 0;
        return (g.Filters < FilterTile || g.OutPixels >= LongDot) && g.OutPixels > DotDepth ? 1 : 0;
    }

    /// <summary>
    /// The bias gradients of filters [<paramref name="first"/>, <paramref name="end"/>), <c>db[f] = Σ_{s,i,j} dy[s, f, i, j]</c>, the samples added
    /// in order; returns whether they are finite.
    /// </summary>
    internal static bool BiasGradients(ReadOnlySpan<float> dy, Span<float> biasGradients, int n, in ConvGeometry g, int first, int end)
    {
        int pixels = g.OutPixels;
        Span<float> db = biasGradients.Slice(first, end - first);
        db.Clear();
        for (int s = 0; s < n; s++)
        {
            for (int f = first; f < end; f++) db[f - first] += Simd.FixedOrderSum(dy.Slice(s * g.OutputLength + f * pixels, pixels));
        }
        return Guard.AllFinite(db);
    }

    /// <summary>
    /// The weight gradient's columns [<paramref name="first"/>, <paramref name="end"/>) as each sample's dot products over its im2col patches
    /// (only those rows unfolded), the samples' results added in order. A range is summed in scratch and stored once at the end: its rows
    /// share cache lines with the other parts' columns, which every sample's store would pass back and forth between the cores.
    /// </summary>
    private static void DotWeightGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> scratch, int n, in ConvGeometry g, int first, int end)
    {
        int patch = g.PatchSize, pixels = g.OutPixels, filters = g.Filters, length = filters * patch;
        bool whole = first == 0 && end == patch;
        Span<float> columns = scratch.Slice(0, patch * pixels), partial = scratch.Slice(pixels * g.PaddedPatch, length);
        Span<float> sums = whole ? dw : scratch.Slice(pixels * g.PaddedPatch + length, length);
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> sample = x.Slice(s * g.InputLength, g.InputLength), a = dy.Slice(s * g.OutputLength, g.OutputLength);
            ReadOnlySpan<float> patches = g.IsPointwise ? sample : Patches(sample, columns, g, first, end);
            Span<float> target = s == 0 ? sums : partial;
            if (whole) Gemm.MultiplyTransposed(a, patches, target, filters, patch, pixels);
            else Gemm.MultiplyTransposed(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(patches), ref MemoryMarshal.GetReference(target), filters, patch, pixels, first, end);
            if (s == 0) continue;
            if (whole) TensorPrimitives.Add(dw, partial, dw);
            else for (int f = 0; f < filters; f++) TensorPrimitives.Add(sums.Slice(f * patch + first, end - first), partial.Slice(f * patch + first, end - first), sums.Slice(f * patch + first, end - first));
        }
        if (whole || n == 0) return;
        for (int f = 0; f < filters; f++) sums.Slice(f * patch + first, end - first).CopyTo(dw.Slice(f * patch + first, end - first));
    }

    /// <summary>
    /// The input gradient, <c>dx[s, c, i', j'] = Σ dy[s, f, i, j]·W[f, c, kᵢ, kⱼ]</c> over every output pixel whose patch reads
    /// (i', j') through (kᵢ, kⱼ): the patch gradient <c>Wᵀ·dy</c> scattered back onto the input (col2im). Overwrites <paramref name="dx"/>.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> weights, Span<float> dx, Span<float> scratch, int n, in ConvGeometry g)
    {
        Check(dx.Length, weights.Length, scratch.Length, n, g, nameof(dx));
        Lengths.AtLeast(dy.Length, n * g.OutputLength, nameof(dy));
        if (g.PlacesPatchGradient)
        {
            PlacedInputGradients(dy, weights, dx, scratch, n, g);
            return;
        }
        if (WideGradients(g))
        {
            WideInputGradients(dy, weights, dx, scratch, n, g);
            return;
        }
        int patch = g.PatchSize, pixels = g.OutPixels;
        bool gathers = Gathers(g);
        // The gather reads up to K values before the patch gradient (and past its end, within ScratchLength).
        Span<float> columns = scratch.Slice(gathers ? g.Kernel : 0, patch * pixels);
        ref float w0 = ref MemoryMarshal.GetReference(weights);
        for (int s = 0; s < n; s++)
        {
            // The patch gradient Wᵀ·dy [C·K·K × pixels]: A(i, f) = W[f, i]; a pointwise kernel's is the input gradient itself.
            Span<float> sample = dx.Slice(s * g.InputLength, g.InputLength), target = g.IsPointwise ? sample : columns;
            TiledProduct.Multiply(ref w0, 1, patch, ref MemoryMarshal.GetReference(dy.Slice(s * g.OutputLength, g.OutputLength)), pixels, ref MemoryMarshal.GetReference(target), pixels,
                patch, pixels, g.Filters, ref w0, TiledProduct.BiasBy.None);
            if (gathers) Gather(ref MemoryMarshal.GetReference(columns), sample, g);
            else if (!g.IsPointwise) Scatter(columns, sample, g);
        }
    }

    /// <summary>Checks the geometry and the spans every pass shares.</summary>
    private static void Check(int samples, int weights, int scratch, int n, in ConvGeometry g, string samplesName, string weightsName = "weights")
    {
        g.Validate();
        Lengths.Positive(n, nameof(n), minimum: 0);
        Lengths.AtLeast(samples, n * g.InputLength, samplesName);
        Lengths.AtLeast(weights, g.Filters * g.PatchSize, weightsName);
        Lengths.AtLeast(scratch, g.ScratchLength(n), nameof(scratch));
    }

    /// <summary>
    /// im2col of one sample: <c>columns[r·OutPixels + i·OutWidth + j]</c> for patch row r = (c, kᵢ, kⱼ) gets
    /// <c>x[c, i·S + kᵢ − PadTop, j·S + kⱼ − PadLeft]</c>, or 0 in the padding; only rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) are written. Returns <paramref name="columns"/>.
    /// </summary>
    /// <remarks>
    /// Bounds are checked once per call (<see cref="Check"/>); the rows are copied through references, since a
    /// span copy per output row (16 values at 16 × 16) cost as much as a third of the product.
    /// </remarks>
    private static Span<float> Patches(ReadOnlySpan<float> x, Span<float> columns, scoped in ConvGeometry g, int firstRow = 0, int endRow = int.MaxValue)
    {
        int width = g.OutPixels, k = g.Kernel, stride = g.Stride, outWidth = g.OutWidth, plane = g.Height * g.Width;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float c0 = ref MemoryMarshal.GetReference(columns);
        int r = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            for (int ki = 0; ki < k; ki++)
            {
                for (int kj = 0; kj < k; kj++, r++)
                {
                    if (r < firstRow || r >= endRow) continue;
                    ref float row = ref Unsafe.Add(ref c0, r * width);
                    int shift = kj - g.PadLeft;
                    (int lo, int hi) = Valid(shift, stride, g.Width, outWidth);
                    // Output rows [top, bottom) read input rows inside the image; the others lie in the padding.
                    int last = g.Height - 1 + g.PadTop - ki;
                    int top = Math.Min(g.OutHeight, Math.Max(0, (g.PadTop - ki + stride - 1) / stride));
                    int bottom = lo >= hi || last < 0 ? top : Math.Max(top, Math.Min(g.OutHeight, last / stride + 1));
                    Clear(ref row, 0, top * outWidth);
                    Clear(ref row, bottom * outWidth, g.OutHeight * outWidth);
                    int first = c * plane + (ki - g.PadTop) * g.Width + shift, step = stride * g.Width; // x offset of output (0, 0), may lie outside
                    if (stride == 1 && lo == 0 && hi == outWidth)
                    {
                        // No padding across: each output row is one segment of an input row.
                        for (int i = top; i < bottom; i++) Copy(ref Unsafe.Add(ref x0, first + i * step), ref Unsafe.Add(ref row, i * outWidth), outWidth);
                        continue;
                    }
                    for (int i = top; i < bottom; i++)
                    {
                        ref float to = ref Unsafe.Add(ref row, i * outWidth);
                        int at = first + i * step;
                        Clear(ref to, 0, lo);
                        Clear(ref to, hi, outWidth);
                        if (stride == 1) Copy(ref Unsafe.Add(ref x0, at + lo), ref Unsafe.Add(ref to, lo), hi - lo);
                        else for (int j = lo; j < hi; j++) Unsafe.Add(ref to, j) = Unsafe.Add(ref x0, at + j * stride);
                    }
                }
            }
        }
        return columns;
    }

    /// <summary>col2im, the adjoint of <see cref="Patches"/>: clears <paramref name="dx"/> (one sample) and adds every patch value back where it was read.</summary>
    private static void Scatter(ReadOnlySpan<float> columns, Span<float> dx, in ConvGeometry g)
    {
        dx.Slice(0, g.InputLength).Clear();
        int width = g.OutPixels, k = g.Kernel, stride = g.Stride, outWidth = g.OutWidth, plane = g.Height * g.Width;
        ref float c0 = ref MemoryMarshal.GetReference(columns);
        ref float x0 = ref MemoryMarshal.GetReference(dx);
        int r = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            for (int ki = 0; ki < k; ki++)
            {
                for (int kj = 0; kj < k; kj++, r++)
                {
                    ref float row = ref Unsafe.Add(ref c0, r * width);
                    int shift = kj - g.PadLeft;
                    (int lo, int hi) = Valid(shift, stride, g.Width, outWidth);
                    if (lo >= hi) continue;
                    for (int i = 0; i < g.OutHeight; i++)
                    {
                        int target = i * stride + ki - g.PadTop;
                        if (target < 0 || target >= g.Height) continue;
                        ref float from = ref Unsafe.Add(ref row, i * outWidth);
                        ref float to = ref Unsafe.Add(ref x0, c * plane + target * g.Width + shift);
                        if (stride == 1) Add(ref Unsafe.Add(ref from, lo), ref Unsafe.Add(ref to, lo), hi - lo);
                        else for (int j = lo; j < hi; j++) Unsafe.Add(ref to, j * stride) += Unsafe.Add(ref from, j);
                    }
                }
            }
        }
    }

    private static void Clear(ref float to, int from, int end)
    {
        for (int j = from; j < end; j++) Unsafe.Add(ref to, j) = 0;
    }

    /// <summary>
    /// Copies <paramref name="count"/> floats a vector at a time; the last vector ends at <paramref name="count"/> and may overlap the one
    /// before, which writes the same values again, so no segment (8 floats at LeNet's 8 × 8, 5 in a 5 × 5 patch row) leaves a scalar tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(ref float from, ref float to, int count)
    {
        if (count >= 8 && Vector256.IsHardwareAccelerated)
        {
            for (int j = 0; j < count - 8; j += 8) Vector256.LoadUnsafe(ref from, (nuint)j).StoreUnsafe(ref to, (nuint)j);
            Vector256.LoadUnsafe(ref from, (nuint)(count - 8)).StoreUnsafe(ref to, (nuint)(count - 8));
            return;
        }
        if (count >= 4 && Vector128.IsHardwareAccelerated)
        {
            for (int j = 0; j < count - 4; j += 4) Vector128.LoadUnsafe(ref from, (nuint)j).StoreUnsafe(ref to, (nuint)j);
            Vector128.LoadUnsafe(ref from, (nuint)(count - 4)).StoreUnsafe(ref to, (nuint)(count - 4));
            return;
        }
        for (int j = 0; j < count; j++) Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j);
    }

    private static void Add(ref float from, ref float to, int count)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + Lanes <= count; j += Lanes) (Vector256.LoadUnsafe(ref to, (nuint)j) + Vector256.LoadUnsafe(ref from, (nuint)j)).StoreUnsafe(ref to, (nuint)j);
        }
        for (; j < count; j++) Unsafe.Add(ref to, j) += Unsafe.Add(ref from, j);
    }

    /// <summary>
    /// Filters from which the weight gradient runs on <see cref="TiledProduct"/>'s tiles; below, a tile of 6 rows by one vector spent
    /// 1.8 times as long on LeNet's first layer (6 filters, 576 pixels) as the dot-product kernel.
    /// </summary>
    private const int FilterTile = 8;

    /// <summary>
    /// Output pixels from which each sample's weight gradient runs on the dot-product kernel: at 256 (16 × 16 × 16 → 32 filters, 3 × 3)
    /// it took 0.8 times as long as the tiles with their patch rows; at 64 (LeNet's second layer) 1.9 times as long at batch 1.
    /// </summary>
    private const int LongDot = 256;

    /// <summary>Pixels above which <see cref="Gemm.MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> runs on the dot-product kernel.</summary>
    private const int DotDepth = 64;

    private const int Lanes = 8;


    /// <summary>The output columns [lo, hi) whose input column <c>j·S + shift</c> lies inside [0, size).</summary>
    private static (int Lo, int Hi) Valid(int shift, int stride, int size, int outSize)
    {
        int lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        int last = size - 1 - shift;
        int hi = last < 0 ? 0 : Math.Min(outSize, last / stride + 1);
        return (Math.Min(lo, outSize), hi);
    }
}
