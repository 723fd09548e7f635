using System;
using System.Runtime.CompilerServices;

namespace NormReg.Kernels;

/// <summary>Per-thread blocks the kernels borrow for the length of one call; each grows to the largest request and is kept.</summary>
internal static class Scratch
{
    /// <summary>Bytes of a cache line: where a block's aligned requests start.</summary>
    private const int Line = 64;

    [ThreadStatic]
    private static float[]? _floats;

    [ThreadStatic]
    private static float[]? _aligned;

    /// <summary><paramref name="count"/> floats of this thread's block, not cleared; valid until the thread's next request.</summary>
    public static Span<float> Floats(int count)
    {
        float[]? block = _floats;
        if (block is null || block.Length < count) _floats = block = new float[Math.Max(count, 1024)];
        return block.AsSpan(0, count);
    }

    /// <summary>
    /// The first of <paramref name="count"/> floats, not cleared, that start a cache line: from a second block of this thread, pinned so
    /// that the line it starts on never moves. Valid until the thread's next request for aligned floats.
    /// </summary>
    public static unsafe ref float Aligned(int count)
    {
        const int slack = Line / sizeof(float);
        float[]? block = _aligned;
        if (block is null || block.Length < count + slack) _aligned = block = GC.AllocateUninitializedArray<float>(Math.Max(count + slack, 1024), pinned: true);
        ref float first = ref block[0];
        int skip = (int)((Line - ((nuint)Unsafe.AsPointer(ref first) & (Line - 1))) & (Line - 1)) / sizeof(float);
        return ref Unsafe.Add(ref first, skip);
    }
}
