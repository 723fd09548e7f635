using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NormReg.Runtime;

/// <summary>
/// Floats whose first value lies on a 64-byte boundary (one cache line, one 512-bit vector) for as long as they live: an array in the
/// pinned object heap, which the collector never moves, entered up to 15 floats past its start. A network's parameters, gradients,
/// packed inference weights and optimizer state are held so, and with them every weight row of a width that is a multiple of 16: the
/// kernels' vector loads and stores then never straddle two lines. Left where the collector put them (8-byte boundaries), MnistMlp's training step at
/// batch 2 took 11–19 % longer, the alignment, and with it the time, differing between the JIT and Native AOT.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct AlignedFloats
{
    private const int LineFloats = 64 / sizeof(float);
    private readonly float[] _array;
    private readonly int _origin;

    /// <summary>Allocates <paramref name="length"/> zeros.</summary>
    public AlignedFloats(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        if (length == 0)
        {
            _array = [];
            return;
        }
        _array = GC.AllocateArray<float>(length + LineFloats - 1, pinned: true);
        _origin = (int)(-(long)Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0) & 63) / sizeof(float);
    }

    /// <summary>How many floats it holds.</summary>
    public int Length { get; }

    /// <summary>Every value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> AsSpan() => new(_array ?? [], _origin, Length);

    /// <summary><paramref name="length"/> values from <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> AsSpan(int start, int length) => AsSpan().Slice(start, length);

    /// <summary>Copies every value to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<float> destination) => AsSpan().CopyTo(destination);

    /// <summary>Every value.</summary>
    public static implicit operator Span<float>(AlignedFloats floats) => floats.AsSpan();

    /// <summary>Every value.</summary>
    public static implicit operator ReadOnlySpan<float>(AlignedFloats floats) => floats.AsSpan();
}
