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
/// Every pass is a matrix product on <see cref="Gemm"/> over an im2col matrix: the patches of a few samples, one row per
/// (c, kᵢ, kⱼ) and one column per output pixel. The product then has the long dimension (pixels) where the register tiles
/// need it, all F filters share each patch load, and the tuned kernels carry over; direct loops over 7 nested indices reach a
/// fraction of that. Samples are taken <see cref="ConvGeometry.SamplesPerProduct"/> at a time (one sample at 16 × 16 and up;
/// several for small outputs), so the patch matrix stays in L2 rather than spanning the batch. A 1 × 1 kernel at stride 1 reads
/// the input in place: it is its own patch matrix.
/// </para>
/// <para>Scratch is <see cref="ConvGeometry.ScratchLength"/> floats: [patches: C·K·K × columns][filter rows: F × columns][F × C·K·K].
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
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> sample = x.Slice(s * g.InputLength, g.InputLength);
            ReadOnlySpan<float> patches = g.IsPointwise ? sample : Patches(sample, columns, pixels, 0, g);
            Product(ref w0, patch, 1, ref MemoryMarshal.GetReference(patches), pixels, ref MemoryMarshal.GetReference(y.Slice(s * g.OutputLength, g.OutputLength)), pixels,
                g.Filters, pixels, patch, ref MemoryMarshal.GetReference(bias), !bias.IsEmpty);
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
        Check(x.Length, weightGradients.Length, scratch.Length, n, g, nameof(x), nameof(weightGradients));
        Lengths.AtLeast(dy.Length, n * g.OutputLength, nameof(dy));
        if (!biasGradients.IsEmpty) Lengths.AtLeast(biasGradients.Length, g.Filters, nameof(biasGradients));
        if (!penalized.IsEmpty) Lengths.AtLeast(penalized.Length, g.Filters * g.PatchSize, nameof(penalized));
        int patch = g.PatchSize, pixels = g.OutPixels, filters = g.Filters, group = g.SamplesPerProduct(n);
        Split(scratch, g, group, out Span<float> columns, out Span<float> rows, out Span<float> partial);
        Span<float> dw = weightGradients.Slice(0, filters * patch);
        if (n == 0) dw.Clear();
        // dW = Σ over groups of dy[F × columns]·patches[C·K·K × columns]ᵀ: the first group writes dW, later ones add theirs.
        for (int s0 = 0; s0 < n; s0 += group)
        {
            int count = Math.Min(group, n - s0), width = count * pixels;
            ReadOnlySpan<float> patches, gradients;
            if (count == 1)
            {
                ReadOnlySpan<float> sample = x.Slice(s0 * g.InputLength, g.InputLength);
                patches = g.IsPointwise ? sample : Patches(sample, columns, width, 0, g);
                gradients = dy.Slice(s0 * g.OutputLength, g.OutputLength);
            }
            else
            {
                for (int s = 0; s < count; s++) Patches(x.Slice((s0 + s) * g.InputLength, g.InputLength), columns, width, s * pixels, g);
                Gather(dy.Slice(s0 * g.OutputLength), rows, count, g);
                patches = columns;
                gradients = rows;
            }
            Span<float> target = s0 == 0 ? dw : partial;
            Gemm.MultiplyTransposed(gradients, patches, target, filters, patch, width);
            if (s0 > 0) TensorPrimitives.Add(dw, partial, dw);
        }
        bool finite = penalized.IsEmpty ? Guard.AllFinite(dw) : Regularization.AddGradient(penalized.Slice(0, dw.Length), dw, l1, l2);
        if (biasGradients.IsEmpty) return finite;
        Span<float> db = biasGradients.Slice(0, filters);
        db.Clear();
        for (int s = 0; s < n; s++)
        {
            for (int f = 0; f < filters; f++) db[f] += Simd.FixedOrderSum(dy.Slice(s * g.OutputLength + f * pixels, pixels));
        }
        return finite && Guard.AllFinite(db);
    }

    /// <summary>
    /// The input gradient, <c>dx[s, c, i', j'] = Σ dy[s, f, i, j]·W[f, c, kᵢ, kⱼ]</c> over every output pixel whose patch reads
    /// (i', j') through (kᵢ, kⱼ): the patch gradient <c>Wᵀ·dy</c> scattered back onto the input (col2im). Overwrites <paramref name="dx"/>.
    /// </summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> weights, Span<float> dx, Span<float> scratch, int n, in ConvGeometry g)
    {
        Check(dx.Length, weights.Length, scratch.Length, n, g, nameof(dx));
        Lengths.AtLeast(dy.Length, n * g.OutputLength, nameof(dy));
        int patch = g.PatchSize, pixels = g.OutPixels;
        Span<float> columns = scratch.Slice(0, patch * pixels);
        ref float w0 = ref MemoryMarshal.GetReference(weights);
        for (int s = 0; s < n; s++)
        {
            // The patch gradient Wᵀ·dy [C·K·K × pixels]: A(i, f) = W[f, i]; a pointwise kernel's is the input gradient itself.
            Span<float> target = g.IsPointwise ? dx.Slice(s * g.InputLength, g.InputLength) : columns;
            Product(ref w0, 1, patch, ref MemoryMarshal.GetReference(dy.Slice(s * g.OutputLength, g.OutputLength)), pixels, ref MemoryMarshal.GetReference(target), pixels,
                patch, pixels, g.Filters, ref w0, false);
            if (!g.IsPointwise) Scatter(columns, pixels, 0, dx.Slice(s * g.InputLength, g.InputLength), g);
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

    /// <summary>The scratch regions: patches [C·K·K × columns], filter rows [F × columns], one partial weight gradient [F × C·K·K].</summary>
    private static void Split(Span<float> scratch, scoped in ConvGeometry g, int group, out Span<float> columns, out Span<float> rows, out Span<float> partial)
    {
        int width = group * g.OutPixels, patchValues = g.PatchSize * width, rowValues = g.Filters * width;
        columns = scratch.Slice(0, patchValues);
        rows = scratch.Slice(patchValues, rowValues);
        partial = scratch.Slice(patchValues + rowValues, g.Filters * g.PatchSize);
    }

    /// <summary>
    /// im2col of one sample: <c>columns[r·width + offset + i·OutWidth + j]</c> for patch row r = (c, kᵢ, kⱼ) gets
    /// <c>x[c, i·S + kᵢ − PadTop, j·S + kⱼ − PadLeft]</c>, or 0 in the padding. Returns <paramref name="columns"/>.
    /// </summary>
    /// <remarks>
    /// Bounds are checked once per call (<see cref="Check"/>, <see cref="Split"/>); the rows are copied through references, since a
    /// span copy per output row (16 values at 16 × 16) cost as much as a third of the product.
    /// </remarks>
    private static Span<float> Patches(ReadOnlySpan<float> x, Span<float> columns, int width, int offset, scoped in ConvGeometry g)
    {
        int k = g.Kernel, stride = g.Stride, outWidth = g.OutWidth, plane = g.Height * g.Width;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float c0 = ref MemoryMarshal.GetReference(columns);
        int r = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            for (int ki = 0; ki < k; ki++)
            {
                for (int kj = 0; kj < k; kj++, r++)
                {
                    ref float row = ref Unsafe.Add(ref c0, r * width + offset);
                    int shift = kj - g.PadLeft;
                    (int lo, int hi) = Valid(shift, stride, g.Width, outWidth);
                    for (int i = 0; i < g.OutHeight; i++)
                    {
                        ref float to = ref Unsafe.Add(ref row, i * outWidth);
                        int source = i * stride + ki - g.PadTop;
                        if (source < 0 || source >= g.Height || lo >= hi)
                        {
                            Clear(ref to, 0, outWidth);
                            continue;
                        }
                        Clear(ref to, 0, lo);
                        Clear(ref to, hi, outWidth);
                        ref float from = ref Unsafe.Add(ref x0, c * plane + source * g.Width + shift);
                        if (stride == 1) Copy(ref Unsafe.Add(ref from, lo), ref Unsafe.Add(ref to, lo), hi - lo);
                        else for (int j = lo; j < hi; j++) Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j * stride);
                    }
                }
            }
        }
        return columns;
    }

    /// <summary>col2im, the adjoint of <see cref="Patches"/>: clears <paramref name="dx"/> (one sample) and adds every patch value back where it was read.</summary>
    private static void Scatter(ReadOnlySpan<float> columns, int width, int offset, Span<float> dx, in ConvGeometry g)
    {
        dx.Slice(0, g.InputLength).Clear();
        int k = g.Kernel, stride = g.Stride, outWidth = g.OutWidth, plane = g.Height * g.Width;
        ref float c0 = ref MemoryMarshal.GetReference(columns);
        ref float x0 = ref MemoryMarshal.GetReference(dx);
        int r = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            for (int ki = 0; ki < k; ki++)
            {
                for (int kj = 0; kj < k; kj++, r++)
                {
                    ref float row = ref Unsafe.Add(ref c0, r * width + offset);
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

    private static void Copy(ref float from, ref float to, int count)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + Lanes <= count; j += Lanes) Vector256.LoadUnsafe(ref from, (nuint)j).StoreUnsafe(ref to, (nuint)j);
        }
        for (; j < count; j++) Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j);
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

    private const int Lanes = 8;

    /// <summary>The output columns [lo, hi) whose input column <c>j·S + shift</c> lies inside [0, size).</summary>
    private static (int Lo, int Hi) Valid(int shift, int stride, int size, int outSize)
    {
        int lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        int last = size - 1 - shift;
        int hi = last < 0 ? 0 : Math.Min(outSize, last / stride + 1);
        return (Math.Min(lo, outSize), hi);
    }

    /// <summary>The output gradients of <paramref name="count"/> samples side by side: <c>rows[f·width + s·pixels + p] = dy[s, f, p]</c>.</summary>
    private static void Gather(ReadOnlySpan<float> dy, Span<float> rows, int count, in ConvGeometry g)
    {
        int pixels = g.OutPixels, width = count * pixels;
        for (int s = 0; s < count; s++)
        {
            for (int f = 0; f < g.Filters; f++) dy.Slice(s * g.OutputLength + f * pixels, pixels).CopyTo(rows.Slice(f * width + s * pixels, pixels));
        }
    }
}
