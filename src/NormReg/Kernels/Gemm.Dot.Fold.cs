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
    /// <summary>
    /// Whether the tiles at <typeparamref name="T"/> fold in registers: one pass covers every lane, and AVX-512 has the shuffles. Intrinsics
    /// only, so that it is a constant as soon as a method using it is imported (see <see cref="DotTile"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FoldsInRegisters<T>() where T : struct, IVector<T> => Unsafe.SizeOf<T>() == VirtualLanes * sizeof(float) && Avx512F.IsSupported;

    /// <summary>
    /// The sums of one column of a tile in rows 0 to 3 folded to four lanes each, <c>[x0 | x1 | x2 | x3]</c> (128 bits a row); with
    /// <paramref name="rows"/> under three the last two are left zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FoldFour<T, TAlign>(T x0, T x1, T x2, T x3, int rows, Vector512<int> order) where T : struct, IVector<T> where TAlign : struct, IAlignment
    {
        Vector512<float> low = Halves(Lanes<T, TAlign>(x0, order), Lanes<T, TAlign>(x1, order));
        Vector512<float> high = rows > 2 ? Halves(Lanes<T, TAlign>(x2, order), Lanes<T, TAlign>(x3, order)) : Vector512<float>.Zero;
        // From [x0 lanes 0-3 | x0 lanes 4-7 | x1 …] and the same for x2, x3: lane l + lane l + 4.
        return Avx512F.Shuffle4x128(low, high, 0b10_00_10_00) + Avx512F.Shuffle4x128(low, high, 0b11_01_11_01);
    }

    /// <summary>The sixteen lanes of a sum, lane <c>l</c> holding the steps <c>p ≡ l (mod 16)</c>: put back in that order when <see cref="Rotated"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Lanes<T, TAlign>(T sum, Vector512<int> order) where T : struct, IVector<T> where TAlign : struct, IAlignment =>
        TAlign.IsRotated ? Avx512F.PermuteVar16x32(Unsafe.BitCast<T, Vector512<float>>(sum), order) : Unsafe.BitCast<T, Vector512<float>>(sum);

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

    /// <summary>How the tiles load <c>a</c> and <c>b</c>: where they are (<see cref="InPlace"/>), or shifted to start cache lines (<see cref="Rotated"/>).</summary>
    private interface IAlignment
    {
        static abstract bool IsRotated { get; }
    }

    /// <summary>Loads from the first step of every row, wherever it is.</summary>
    private readonly struct InPlace : IAlignment
    {
        public static bool IsRotated => false;
    }

    /// <summary>
    /// At 512 bits, for rows of <c>b</c> that all start <c>shift</c> weights into a cache line (<c>k</c> a multiple of 16, the rows of <c>a</c>
    /// copied to start as far into one): loads from <c>shift</c> steps before each row, so every load of either starts a line. Lane
    /// <c>l</c> then holds the steps <c>p ≡ l − shift (mod 16)</c>, in order, and is put back in lane <c>(l − shift) mod 16</c> before the fold:
    /// the same sums in the same order as <see cref="InPlace"/>. The first load's lanes before the row and the last one's past it are
    /// masked to +0 and meet the −0 written around each copied row of <c>a</c>: their product, −0, leaves every sum as it was.
    /// </summary>
    private readonly struct Rotated : IAlignment
    {
        public static bool IsRotated => true;

        /// <summary>The lanes of the first load that are in the row: <c>shift</c> and above.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T First<T>(int shift) where T : struct, IVector<T> =>
            Unsafe.BitCast<Vector512<int>, T>(Vector512.GreaterThanOrEqual(Indices, Vector512.Create(shift)));

        /// <summary>The lanes of the last load that are in the row: below <c>shift</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Last<T>(int shift) where T : struct, IVector<T> =>
            Unsafe.BitCast<Vector512<int>, T>(Vector512.LessThan(Indices, Vector512.Create(shift)));

        /// <summary>For each lane <c>l</c> of the folded order, the loaded lane that holds its steps: <c>(l + shift) mod 16</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Order(int shift) => (Indices + Vector512.Create(shift)) & Vector512.Create(VirtualLanes - 1);

        private static Vector512<int> Indices
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        }
    }
}
