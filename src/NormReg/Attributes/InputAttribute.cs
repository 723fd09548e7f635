using System;

namespace NormReg;

/// <summary>
/// The first row of every network: the number of features per sample.
/// PyTorch: the <c>in_features</c> of the first layer. Keras: <c>keras.Input(shape=(size,))</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares the input row.</summary>
    /// <param name="size">Features per sample; must be positive.</param>
    public InputAttribute(int size) => Size = size;

    /// <summary>Features per sample.</summary>
    public int Size { get; }
}
