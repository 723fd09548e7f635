using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NormReg.Kernels;

/// <summary>
/// The dot-product kernel's fold at 512 bits, in registers: the sixteen lanes of a tile's sums folded by shuffling them together,
/// in exactly the tree of <c>DotTail.Fold</c> and <see cref="Simd.Sum4"/> (lane <c>l</c> + lane <c>l + 8</c>, then + lane <c>l + 4</c>,
/// then <c>(e0 + e1) + (e2 + e3)</c>), so every width still gives the same bits. The narrower widths keep the lanes of their passes in
/// memory and fold them there.
/// </summary>
internal static partial class Gemm
{
    /// <summary>Whether the tiles at <typeparamref name="T"/> fold in registers: one pass covers every lane, and AVX-512 has the shuffles.</summary>
    private static bool FoldsInRegisters<T>() where T : struct, IVector<T> => T.Count == VirtualLanes && Avx512F.IsSupported;

    /// <summary>
    /// The sums of one column of a tile in rows 0 to 3 folded to four lanes each, <c>[x0 | x1 | x2 | x3]</c> (128 bits a row); with
    /// <paramref name="rows"/> under three the last two are left zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FoldFour<T>(T x0, T x1, T x2, T x3, int rows) where T : struct, IVector<T>
    {
        Vector512<float> low = Halves(Unsafe.BitCast<T, Vector512<float>>(x0), Unsafe.BitCast<T, Vector512<float>>(x1));
        Vector512<float> high = rows > 2 ? Halves(Unsafe.BitCast<T, Vector512<float>>(x2), Unsafe.BitCast<T, Vector512<float>>(x3)) : Vector512<float>.Zero;
        // From [x0 lanes 0-3 | x0 lanes 4-7 | x1 …] and the same for x2, x3: lane l + lane l + 4.
        return Avx512F.Shuffle4x128(low, high, 0b10_00_10_00) + Avx512F.Shuffle4x128(low, high, 0b11_01_11_01);
    }

    /// <summary>Lane <c>l</c> + lane <c>l + 8</c> of <paramref name="x"/> and of <paramref name="y"/>: <c>[x (8 lanes) | y (8 lanes)]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Halves(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle4x128(x, y, 0b01_00_01_00) + Avx512F.Shuffle4x128(x, y, 0b11_10_11_10);

    /// <summary>
    /// The four columns of rows 0 to 3, each folded by <see cref="FoldFour"/>, summed as <see cref="Simd.Sum4"/> sums:
    /// lane <c>4·row + column</c> holds the total of that row and column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SumFour(Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3) =>
        PairSums(PairSums(c0, c1), PairSums(c2, c3));

    /// <summary>Within each 128 bits, <c>[x0 + x1, x2 + x3, y0 + y1, y2 + y3]</c>, as SSE3's horizontal add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairSums(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle(x, y, 0b10_00_10_00) + Avx512F.Shuffle(x, y, 0b11_01_11_01);
}
