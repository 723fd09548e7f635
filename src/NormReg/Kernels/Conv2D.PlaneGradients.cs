using System;
using System.Runtime.InteropServices;

namespace NormReg.Kernels;

public static partial class Conv2D
{
    /// <summary>Whether the weight gradient reads its patches from <see cref="ColumnPlanes"/>: at stride 1, with a register tile of filters, when the row table fits on the stack.</summary>
    private static bool PlaneGradients(in ConvGeometry g) => g.Stride == 1 && g.Filters >= FilterTile && g.PatchSize <= MostListedRows;

    /// <summary>Floats of one sample's column planes: C·K planes of <see cref="PlaneRows"/> × OutWidth.</summary>
    private static int PlaneLength(in ConvGeometry g) => g.Channels * g.Kernel * PlaneRows(g) * g.OutWidth;

    /// <summary>
    /// The weight gradient at stride 1 as <c>dWᵀ = Σ_s patches_s·dy_sᵀ</c> [C·K·K × F]: each patch row is read in place from the forward pass's
    /// column planes (a 1 × 1 kernel's from the input itself), each output gradient transposed to one row of F values per pixel, so a tile keeps
    /// eight dW columns in registers by vectors of filters and broadcasts patch values. Every dW element is one chain of multiply-adds over the
    /// samples, then the pixels, at any width, as on the patch rows; the planes copy K times fewer values than those rows.
    /// </summary>
    /// <remarks>Scratch: the planes, then dyᵀ [pixels × F], then the sums [C·K·K × F], transposed into <paramref name="dw"/> at the end.</remarks>
    private static void PlaneWeightGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> scratch, int n, in ConvGeometry g)
    {
        int patch = g.PatchSize, pixels = g.OutPixels, filters = g.Filters, planes = g.IsPointwise ? 0 : PlaneLength(g);
        Span<int> rowAt = stackalloc int[patch];
        ListPlaneRows(rowAt, g);
        Span<float> columns = scratch.Slice(0, planes), transposed = scratch.Slice(planes, pixels * filters), sums = scratch.Slice(planes + pixels * filters, patch * filters);
        ref float sums0 = ref MemoryMarshal.GetReference(sums);
        ref float transposed0 = ref MemoryMarshal.GetReference(transposed);
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> sample = x.Slice(s * g.InputLength, g.InputLength);
            if (!g.IsPointwise) ColumnPlanes(sample, columns, g);
            Gemm.Transpose(ref MemoryMarshal.GetReference(dy.Slice(s * g.OutputLength, g.OutputLength)), ref transposed0, filters, pixels);
            TiledProduct.Multiply(ref MemoryMarshal.GetReference(g.IsPointwise ? sample : columns), ref MemoryMarshal.GetReference(rowAt), ref transposed0, filters,
                ref sums0, filters, patch, filters, pixels, accumulate: s > 0);
        }
        if (n > 0) Gemm.Transpose(ref sums0, ref MemoryMarshal.GetReference(dw), patch, filters);
    }
}
