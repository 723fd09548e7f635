using System;
using System.ComponentModel;

namespace NormReg.Kernels;

/// <summary>
/// bfloat16 values as their bits: the upper 16 bits of a float (sign, 8 exponent bits, 7 mantissa bits), so a bfloat16 widens to a
/// float exactly by a shift of 16.
/// </summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users set the generated network's <c>InferencePrecision</c>.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BFloat16
{
    /// <summary>The bfloat16 nearest <paramref name="value"/>, ties to even; infinities stay infinite, a NaN stays a NaN (quiet, its sign kept).</summary>
    public static ushort Round(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040); // the dropped bits may have been its only mantissa bits
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>Rounds each of <paramref name="source"/> to bfloat16 (<see cref="Round(float)"/>) into <paramref name="destination"/>, of the same length.</summary>
    public static void Round(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length != source.Length)
        {
            throw new ArgumentException($"destination must hold as many values as source, {source.Length}; got {destination.Length}.", nameof(destination));
        }
        for (int i = 0; i < source.Length; i++) destination[i] = Round(source[i]);
    }

    /// <summary>The float <paramref name="bits"/> stands for, exactly.</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
