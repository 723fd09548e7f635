using System;

namespace NormReg;

/// <summary>
/// The first row of every network: the features of one sample, as a vector (<c>[Input(64)]</c>) or as an image
/// (<c>[Input(channels, height, width)]</c>). An image sample is passed flattened channel-major, NCHW as PyTorch and
/// ONNX lay it out: value <c>(c, i, j)</c> of sample <c>s</c> at <c>s·C·H·W + c·H·W + i·W + j</c>.
/// </summary>
/// <remarks>
/// PyTorch: the <c>in_features</c> of the first layer, or the <c>(C, H, W)</c> of an <c>N×C×H×W</c> batch.
/// Keras: <c>keras.Input(shape=(size,))</c>, or <c>keras.Input(shape=(C, H, W))</c> with <c>data_format="channels_first"</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares a vector input row.</summary>
    /// <param name="size">Features per sample; must be positive.</param>
    public InputAttribute(int size)
    {
        Size = size;
        Channels = size;
        Height = Width = 1;
    }

    /// <summary>Declares an image input row; each sample holds <c>channels × height × width</c> values, channel-major.</summary>
    /// <param name="channels">Channels (1 for grey, 3 for RGB); must be positive.</param>
    /// <param name="height">Rows of pixels; must be positive.</param>
    /// <param name="width">Columns of pixels; must be positive.</param>
    public InputAttribute(int channels, int height, int width)
    {
        Channels = channels;
        Height = height;
        Width = width;
        Size = channels * height * width;
        IsImage = true;
    }

    /// <summary>Values per sample: the size given, or <c>channels × height × width</c>.</summary>
    public int Size { get; }

    /// <summary>An image's channels; a vector's size.</summary>
    public int Channels { get; }

    /// <summary>An image's rows; 1 for a vector.</summary>
    public int Height { get; }

    /// <summary>An image's columns; 1 for a vector.</summary>
    public int Width { get; }

    /// <summary>Whether the row declares an image.</summary>
    public bool IsImage { get; }
}
