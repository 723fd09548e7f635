namespace NormReg;

/// <summary>The precision in which inference reads the weights of the large Dense rows; see <see cref="INetwork.InferencePrecision"/>.</summary>
public enum WeightPrecision
{
    /// <summary>The weights as trained, 32-bit floats. The default.</summary>
    Float32,

    /// <summary>
    /// A copy of the weights rounded to bfloat16 (the upper 16 bits of a float, to nearest, ties to even): half the bytes to read,
    /// a relative error of at most 2⁻⁸ per weight; the products are still summed in 32-bit floats.
    /// </summary>
    BFloat16,
}
