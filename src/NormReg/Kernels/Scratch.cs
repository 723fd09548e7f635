using System;

namespace NormReg.Kernels;

/// <summary>A per-thread block the kernels borrow for the length of one call; it grows to the largest request and is kept.</summary>
internal static class Scratch
{
    [ThreadStatic]
    private static float[]? _floats;

    /// <summary><paramref name="count"/> floats of this thread's block, not cleared; valid until the thread's next request.</summary>
    public static Span<float> Floats(int count)
    {
        float[]? block = _floats;
        if (block is null || block.Length < count) _floats = block = new float[Math.Max(count, 1024)];
        return block.AsSpan(0, count);
    }
}
