using System;
using System.ComponentModel;

namespace NormReg.Kernels;

/// <summary>
/// The shape of one <see cref="Pooling"/> layer: <paramref name="Channels"/> × <paramref name="Height"/> × <paramref name="Width"/>
/// inputs (NCHW), <paramref name="Size"/> × <paramref name="Size"/> windows moved <paramref name="Stride"/> pixels at a time, no
/// padding, windows that would run past the input dropped (PyTorch <c>ceil_mode=False</c>, Keras <c>padding="valid"</c>), so the
/// output is <paramref name="OutHeight"/> = ⌊(H − Size)/Stride⌋ + 1 by <paramref name="OutWidth"/> likewise.
/// </summary>
/// <param name="Channels">Channels C (pooled each on its own).</param>
/// <param name="Height">Input height H.</param>
/// <param name="Width">Input width W.</param>
/// <param name="Size">Window size, both ways.</param>
/// <param name="Stride">Stride, both ways.</param>
/// <param name="OutHeight">Output height.</param>
/// <param name="OutWidth">Output width.</param>
/// <remarks>For generated code; hidden from completion lists.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct PoolGeometry(int Channels, int Height, int Width, int Size, int Stride, int OutHeight, int OutWidth)
{
    /// <summary>Values in one input sample, C·H·W.</summary>
    public int InputLength => Channels * Height * Width;

    /// <summary>Values in one output sample, C·OutHeight·OutWidth.</summary>
    public int OutputLength => Channels * OutHeight * OutWidth;

    /// <summary>The floor-mode geometry of <c>nn.MaxPool2d(size, stride)</c> / Keras <c>MaxPooling2D(size, strides)</c> on a C × H × W input.</summary>
    public static PoolGeometry Create(int channels, int height, int width, int size, int stride)
    {
        if (channels < 1 || size < 1 || stride < 1 || height < size || width < size)
        {
            throw new ArgumentException($"Pooling needs positive channels, size and stride and an input at least size × size; got {channels} channels of {height} × {width}, size {size}, stride {stride}.");
        }
        return new PoolGeometry(channels, height, width, size, stride, (height - size) / stride + 1, (width - size) / stride + 1);
    }

    /// <summary>Checks that every window lies inside the input.</summary>
    internal void Validate()
    {
        if (Channels < 1 || Size < 1 || Stride < 1 || OutHeight < 1 || OutWidth < 1 || (OutHeight - 1) * Stride + Size > Height || (OutWidth - 1) * Stride + Size > Width)
        {
            throw new ArgumentException($"Invalid pooling geometry {this}: sizes must be positive and every window inside the input.", "g");
        }
    }
}
