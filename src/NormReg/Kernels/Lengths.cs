using System;

namespace NormReg.Kernels;

/// <summary>The span-length checks of the image kernels, which then index without further checks.</summary>
internal static class Lengths
{
    /// <summary>Throws unless <paramref name="length"/> ≥ <paramref name="needed"/>, naming the argument and both counts.</summary>
    public static void AtLeast(int length, int needed, string name)
    {
        if (length < needed) throw new ArgumentException($"{name} must hold at least {needed} values; got {length}.", name);
    }

    /// <summary>Throws unless <paramref name="value"/> ≥ <paramref name="minimum"/>.</summary>
    public static void Positive(int value, string name, int minimum = 1)
    {
        if (value < minimum) throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum}; got {value}.");
    }
}
