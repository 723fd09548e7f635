using System;
using System.ComponentModel;

namespace NormReg.Kernels;

/// <summary>
/// The shape of one <see cref="Conv2D"/> layer: <paramref name="Channels"/> × <paramref name="Height"/> × <paramref name="Width"/>
/// inputs (channel-major, NCHW), <paramref name="Filters"/> square <paramref name="Kernel"/> × <paramref name="Kernel"/> filters moved
/// <paramref name="Stride"/> pixels at a time, <paramref name="PadTop"/> and <paramref name="PadLeft"/> zero rows and columns before
/// the input, and an <paramref name="OutHeight"/> × <paramref name="OutWidth"/> output. The bottom and right padding are whatever the
/// output size implies, so TensorFlow's asymmetric "same" padding (one more row below than above) needs no extra fields.
/// </summary>
/// <param name="Channels">Input channels C.</param>
/// <param name="Height">Input height H.</param>
/// <param name="Width">Input width W.</param>
/// <param name="Filters">Output channels F.</param>
/// <param name="Kernel">Kernel size K (K × K).</param>
/// <param name="Stride">Stride S, both ways.</param>
/// <param name="PadTop">Zero rows above the input.</param>
/// <param name="PadLeft">Zero columns left of the input.</param>
/// <param name="OutHeight">Output height.</param>
/// <param name="OutWidth">Output width.</param>
/// <remarks>For generated code; hidden from completion lists.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct ConvGeometry(int Channels, int Height, int Width, int Filters, int Kernel, int Stride, int PadTop, int PadLeft, int OutHeight, int OutWidth)
{
    /// <summary>Values in one patch, C·K·K: the columns of a filter's weight row.</summary>
    public int PatchSize => Channels * Kernel * Kernel;

    /// <summary>Output pixels per channel, OutHeight·OutWidth.</summary>
    public int OutPixels => OutHeight * OutWidth;

    /// <summary>Values in one input sample, C·H·W.</summary>
    public int InputLength => Channels * Height * Width;

    /// <summary>Values in one output sample, F·OutHeight·OutWidth.</summary>
    public int OutputLength => Filters * OutPixels;

    /// <summary>
    /// The geometry PyTorch's <c>nn.Conv2d(C, F, K, stride, padding=0)</c> and Keras' <c>Conv2D(F, K, strides, padding="valid")</c> have
    /// (<paramref name="same"/> false: output ⌊(In − K)/S⌋ + 1), or Keras' <c>padding="same"</c> (<paramref name="same"/> true: output
    /// ⌈In/S⌉, padding total <c>max((Out − 1)·S + K − In, 0)</c>, the smaller half above and left).
    /// </summary>
    public static ConvGeometry Create(int channels, int height, int width, int filters, int kernel, int stride, bool same)
    {
        if (channels < 1 || height < 1 || width < 1 || filters < 1 || kernel < 1 || stride < 1)
        {
            throw new ArgumentException($"Channels, height, width, filters, kernel and stride must all be at least 1; got {channels}, {height}, {width}, {filters}, {kernel}, {stride}.");
        }
        if (!same && (kernel > height || kernel > width))
        {
            throw new ArgumentException($"A {kernel} × {kernel} kernel without padding needs an input at least that large; got {height} × {width}.");
        }
        int outHeight = same ? (height + stride - 1) / stride : (height - kernel) / stride + 1;
        int outWidth = same ? (width + stride - 1) / stride : (width - kernel) / stride + 1;
        int padTop = same ? Math.Max((outHeight - 1) * stride + kernel - height, 0) / 2 : 0;
        int padLeft = same ? Math.Max((outWidth - 1) * stride + kernel - width, 0) / 2 : 0;
        return new ConvGeometry(channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
    }

    /// <summary>
    /// Floats of scratch one convolution layer needs for batches up to <paramref name="maxBatchSize"/> samples, in any of
    /// <see cref="Conv2D.Forward"/>, <see cref="Conv2D.BackwardParameters"/> and <see cref="Conv2D.BackwardInput"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The scratch would not fit one .NET array; the message names the sizes.</exception>
    public int ScratchLength(int maxBatchSize)
    {
        // The same for every batch: each pass unfolds one sample at a time, so a part of a batch never needs more than the whole.
        // The input gradient's gather reads up to K values before its patch gradient and Width + PadLeft + 16 past the end.
        long columns = (long)PatchSize * OutPixels + Kernel + Width + PadLeft + 16, rows = ((long)OutPixels + Filters) * (((long)PatchSize + 7) / 8 * 8), length = Math.Max(columns, rows);
        // The weight gradient on the dot-product kernel in a part of a split pass: after the patches and their partial dW, the part's running sums.
        length = Math.Max(length, (long)OutPixels * (((long)PatchSize + 7) / 8 * 8) + 2L * Filters * PatchSize);
        // The weight gradient at stride 1: the column planes, the output gradient transposed, the sums.
        long planes = (long)Channels * Kernel * (OutHeight + Kernel - 1) * OutWidth + ((long)OutPixels + PatchSize) * Filters;
        length = Math.Max(length, planes);
        // The weight gradient from the input rows: the padded input window, the output gradient transposed, the sums.
        long window = (long)Channels * (OutHeight + Kernel - 1) * (OutWidth + Kernel - 1) + ((long)OutPixels + PatchSize) * Filters;
        length = Math.Max(length, window);
        // The input gradient's placed patch gradient: K − 1 zeros, then a row of (OutHeight + 2·(K − 1)) input rows per patch row of a block of channels.
        // The input gradient as a forward correlation of the output gradient: the flipped weights, the padded planes, the wide input gradient.
        if (Conv2D.WideGradients(this)) length = Math.Max(length, Conv2D.WideScratchLength(this));
        if (PlacesPatchGradient) length = Math.Max(length, Kernel - 1 + (long)PlacedBlockRows * (OutHeight + 2 * (Kernel - 1)) * Width);
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize,
                $"A {Channels}×{Height}×{Width} → {Filters}×{OutHeight}×{OutWidth} convolution with a {Kernel}×{Kernel} kernel needs {length} floats of scratch for its unfolded patches, more than a .NET array holds.");
        }
        return (int)length;
    }

    /// <summary>
    /// A valid convolution at stride 1 with output rows of 8 pixels, whose input gradient stores the patch gradient placed as input rows
    /// (<c>Conv2D.PlacedInputGradients</c>): no padding, and the input exactly the rows and columns the output reads.
    /// </summary>
    internal bool PlacesPatchGradient => Stride == 1 && Kernel > 1 && OutWidth == 8 && PadTop == 0 && PadLeft == 0 && Height == OutHeight + Kernel - 1 && Width == OutWidth + Kernel - 1;

    /// <summary>Patch rows of one block of channels of the placed patch gradient: as many whole channels as fit in 64 rows, at least one.</summary>
    internal int PlacedBlockRows => Math.Min(PatchSize, Math.Max(1, 64 / (Kernel * Kernel)) * Kernel * Kernel);

    /// <summary>A 1 × 1 kernel at stride 1 without padding: a sample's input is its own patch matrix, [C × H·W].</summary>
    internal bool IsPointwise => Kernel == 1 && Stride == 1 && PadTop == 0 && PadLeft == 0 && OutHeight == Height && OutWidth == Width;

    /// <summary>
    /// <see cref="PatchSize"/> rounded up to a multiple of 8: the row length of the weight gradient's patch rows and sums, so that
    /// their last columns take a vector too (150 at LeNet's second layer would leave two columns to scalar chains).
    /// </summary>
    internal int PaddedPatch => (PatchSize + 7) / 8 * 8;

    /// <summary>Checks the geometry once per call: every size positive, the output no larger than the padded input allows.</summary>
    internal void Validate()
    {
        if (Channels < 1 || Height < 1 || Width < 1 || Filters < 1 || Kernel < 1 || Stride < 1 || PadTop < 0 || PadLeft < 0 || OutHeight < 1 || OutWidth < 1)
        {
            throw new ArgumentException($"Invalid convolution geometry {this}: every size must be positive and the padding non-negative.", "g");
        }
    }
}
