using System;
using System.ComponentModel;

namespace NormReg.Kernels;

/// <summary>
/// Training-time image augmentation on NCHW batches: random flips (Keras <c>RandomFlip</c>, torchvision <c>RandomHorizontalFlip</c> /
/// <c>RandomVerticalFlip</c>), rotations (Keras <c>RandomRotation(factor)</c>, torchvision <c>RandomRotation</c> with bilinear
/// interpolation) and whole-pixel translations (torchvision <c>RandomAffine(degrees=0, translate=…)</c>, Keras <c>RandomTranslation</c>).
/// Each random form writes what it drew per sample to <c>drawn</c>, and its backward applies the exact transpose of that map, so
/// gradients reach layers before the augmentation. The deterministic single-image primitives below do the work.
/// </summary>
/// <remarks>For generated code; hidden from completion lists.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Augmentation
{
    /// <summary>
    /// Flips each image left–right with probability ½ if <paramref name="horizontal"/>, then top–bottom with probability ½ if
    /// <paramref name="vertical"/>, each drawn on its own. <paramref name="drawn"/>[s] = 1 (left–right) + 2 (top–bottom) for what was applied.
    /// </summary>
    public static void RandomFlip(ReadOnlySpan<float> x, Span<float> y, Span<float> drawn, bool horizontal, bool vertical, ref SeededRandom random, int n, int channels, int height, int width)
    {
        int length = Check(x.Length, y.Length, drawn.Length, n, 1, channels, height, width, nameof(x), nameof(y));
        for (int s = 0; s < n; s++)
        {
            bool h = horizontal && random.NextUInt32() < 0x8000_0000u;
            bool v = vertical && random.NextUInt32() < 0x8000_0000u;
            drawn[s] = (h ? 1 : 0) + (v ? 2 : 0);
            Flip(x.Slice(s * length, length), y.Slice(s * length, length), h, v, channels, height, width);
        }
    }

    /// <summary>The transpose of <see cref="RandomFlip"/>'s map: a flip is its own transpose, so the same flips applied to <paramref name="dy"/>.</summary>
    public static void RandomFlipBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> drawn, Span<float> dx, int n, int channels, int height, int width)
    {
        int length = Check(dy.Length, dx.Length, drawn.Length, n, 1, channels, height, width, nameof(dy), nameof(dx));
        for (int s = 0; s < n; s++)
        {
            int d = (int)drawn[s];
            Flip(dy.Slice(s * length, length), dx.Slice(s * length, length), (d & 1) != 0, (d & 2) != 0, channels, height, width);
        }
    }

    /// <summary>
    /// Rotates each image by an angle drawn uniformly from [−factor·2π, factor·2π] (Keras' <c>RandomRotation(factor)</c>), as
    /// <see cref="Rotate"/>; <paramref name="drawn"/>[s] receives the angle in radians.
    /// </summary>
    public static void RandomRotation(ReadOnlySpan<float> x, Span<float> y, Span<float> drawn, float factor, ref SeededRandom random, int n, int channels, int height, int width)
    {
        int length = Check(x.Length, y.Length, drawn.Length, n, 1, channels, height, width, nameof(x), nameof(y));
        for (int s = 0; s < n; s++)
        {
            float angle = (float)((2.0 * random.NextSingle() - 1.0) * factor * 2 * Math.PI);
            drawn[s] = angle;
            Rotate(x.Slice(s * length, length), y.Slice(s * length, length), angle, channels, height, width);
        }
    }

    /// <summary>The exact transpose of <see cref="RandomRotation"/>'s bilinear maps, by <see cref="RotateAdjoint"/> with the angles drawn.</summary>
    public static void RandomRotationBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> drawn, Span<float> dx, int n, int channels, int height, int width)
    {
        int length = Check(dy.Length, dx.Length, drawn.Length, n, 1, channels, height, width, nameof(dy), nameof(dx));
        for (int s = 0; s < n; s++) RotateAdjoint(dy.Slice(s * length, length), dx.Slice(s * length, length), drawn[s], channels, height, width);
    }

    /// <summary>
    /// Shifts each image by whole pixels, as torchvision's <c>RandomAffine(degrees=0, translate=(widthFactor, heightFactor))</c>:
    /// columns <c>round(U(−widthFactor·W, widthFactor·W))</c>, rows <c>round(U(−heightFactor·H, heightFactor·H))</c> (halves to even, as
    /// Python's <c>round</c>), applied by <see cref="Translate"/>. <paramref name="drawn"/>[2s] and [2s + 1] receive the rows and columns.
    /// </summary>
    public static void RandomTranslation(ReadOnlySpan<float> x, Span<float> y, Span<float> drawn, float heightFactor, float widthFactor, ref SeededRandom random, int n, int channels, int height, int width)
    {
        int length = Check(x.Length, y.Length, drawn.Length, n, 2, channels, height, width, nameof(x), nameof(y));
        for (int s = 0; s < n; s++)
        {
            int columns = Shift(widthFactor * (double)width, ref random), rows = Shift(heightFactor * (double)height, ref random);
            drawn[2 * s] = rows;
            drawn[2 * s + 1] = columns;
            Translate(x.Slice(s * length, length), y.Slice(s * length, length), rows, columns, channels, height, width);
        }
    }

    /// <summary>The transpose of <see cref="RandomTranslation"/>'s shifts: each image shifted back, by <see cref="TranslateAdjoint"/>.</summary>
    public static void RandomTranslationBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> drawn, Span<float> dx, int n, int channels, int height, int width)
    {
        int length = Check(dy.Length, dx.Length, drawn.Length, n, 2, channels, height, width, nameof(dy), nameof(dx));
        for (int s = 0; s < n; s++)
        {
            TranslateAdjoint(dy.Slice(s * length, length), dx.Slice(s * length, length), (int)drawn[2 * s], (int)drawn[2 * s + 1], channels, height, width);
        }
    }

    /// <summary>
    /// One C × H × W image mirrored: left–right if <paramref name="horizontal"/> (torchvision <c>F.hflip</c>), top–bottom if
    /// <paramref name="vertical"/> (<c>F.vflip</c>). <paramref name="output"/> must not overlap <paramref name="image"/>.
    /// </summary>
    public static void Flip(ReadOnlySpan<float> image, Span<float> output, bool horizontal, bool vertical, int channels, int height, int width)
    {
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < height; i++)
            {
                ReadOnlySpan<float> from = image.Slice((c * height + (vertical ? height - 1 - i : i)) * width, width);
                Span<float> to = output.Slice((c * height + i) * width, width);
                from.CopyTo(to);
                if (horizontal) to.Reverse();
            }
        }
    }

    /// <summary>
    /// One C × H × W image rotated by <paramref name="radians"/> counter-clockwise as displayed (row 0 at the top) about its centre
    /// ((W − 1)/2, (H − 1)/2), sampled bilinearly, reading 0 outside the image: output pixel (i, j) reads the input at
    /// column <c>cos θ·(j − cx) − sin θ·(i − cy) + cx</c>, row <c>sin θ·(j − cx) + cos θ·(i − cy) + cy</c>. The same as torchvision's
    /// <c>F.rotate(img, degrees, InterpolationMode.BILINEAR)</c> with no fill (<c>grid_sample</c> with zero padding).
    /// </summary>
    public static void Rotate(ReadOnlySpan<float> image, Span<float> output, float radians, int channels, int height, int width)
    {
        int plane = height * width;
        var map = new Rotation(radians, height, width);
        for (int i = 0; i < height; i++)
        {
            for (int j = 0; j < width; j++)
            {
                Bilinear b = map.At(i, j);
                for (int c = 0; c < channels; c++)
                {
                    ReadOnlySpan<float> input = image.Slice(c * plane, plane);
                    float v = 0;
                    if (b.Top) v += b.W00 * (b.Left ? input[b.Index] : 0) + b.W01 * (b.Right ? input[b.Index + 1] : 0);
                    if (b.Bottom) v += b.W10 * (b.Left ? input[b.Index + width] : 0) + b.W11 * (b.Right ? input[b.Index + width + 1] : 0);
                    output[c * plane + i * width + j] = v;
                }
            }
        }
    }

    /// <summary>The transpose of <see cref="Rotate"/>: each output gradient added back to the four pixels it was interpolated from, with the same weights. Overwrites <paramref name="input"/>.</summary>
    public static void RotateAdjoint(ReadOnlySpan<float> output, Span<float> input, float radians, int channels, int height, int width)
    {
        int plane = height * width;
        input.Slice(0, channels * plane).Clear();
        var map = new Rotation(radians, height, width);
        for (int i = 0; i < height; i++)
        {
            for (int j = 0; j < width; j++)
            {
                Bilinear b = map.At(i, j);
                for (int c = 0; c < channels; c++)
                {
                    Span<float> to = input.Slice(c * plane, plane);
                    float g = output[c * plane + i * width + j];
                    if (b.Top && b.Left) to[b.Index] += b.W00 * g;
                    if (b.Top && b.Right) to[b.Index + 1] += b.W01 * g;
                    if (b.Bottom && b.Left) to[b.Index + width] += b.W10 * g;
                    if (b.Bottom && b.Right) to[b.Index + width + 1] += b.W11 * g;
                }
            }
        }
    }

    /// <summary>
    /// One C × H × W image shifted by whole pixels, <paramref name="rows"/> down and <paramref name="columns"/> right (negative: up,
    /// left), vacated pixels 0: <c>output[c, i, j] = image[c, i − rows, j − columns]</c>. torchvision's
    /// <c>F.affine(img, angle=0, translate=[columns, rows], scale=1, shear=0)</c>.
    /// </summary>
    public static void Translate(ReadOnlySpan<float> image, Span<float> output, int rows, int columns, int channels, int height, int width)
    {
        int plane = height * width;
        output.Slice(0, channels * plane).Clear();
        int lo = Math.Max(0, columns), hi = Math.Min(width, width + columns);
        if (lo >= hi) return;
        for (int c = 0; c < channels; c++)
        {
            for (int i = Math.Max(0, rows); i < Math.Min(height, height + rows); i++)
            {
                image.Slice(c * plane + (i - rows) * width + lo - columns, hi - lo).CopyTo(output.Slice(c * plane + i * width + lo, hi - lo));
            }
        }
    }

    /// <summary>The transpose of <see cref="Translate"/>: the shift back, <c>input[c, i, j] = output[c, i + rows, j + columns]</c> (0 past the edge).</summary>
    public static void TranslateAdjoint(ReadOnlySpan<float> output, Span<float> input, int rows, int columns, int channels, int height, int width) =>
        Translate(output, input, -rows, -columns, channels, height, width);

    /// <summary><c>round(U(−limit, limit))</c>, halves to even.</summary>
    private static int Shift(double limit, ref SeededRandom random) => (int)Math.Round((2.0 * random.NextSingle() - 1.0) * limit, MidpointRounding.ToEven);

    /// <summary>Checks the batch's spans; returns the values per image, C·H·W.</summary>
    private static int Check(int inputs, int outputs, int drawn, int n, int drawsPerImage, int channels, int height, int width, string inputName, string outputName)
    {
        Lengths.Positive(n, nameof(n), minimum: 0);
        Lengths.Positive(channels, nameof(channels));
        Lengths.Positive(height, nameof(height));
        Lengths.Positive(width, nameof(width));
        int length = channels * height * width;
        Lengths.AtLeast(inputs, n * length, inputName);
        Lengths.AtLeast(outputs, n * length, outputName);
        Lengths.AtLeast(drawn, n * drawsPerImage, nameof(drawn));
        return length;
    }

    /// <summary>The source coordinates of a rotation, in double, from the centre as <c>grid_sample</c> with <c>align_corners=False</c> places it.</summary>
    private readonly struct Rotation(float radians, int height, int width)
    {
        private readonly double _cos = Math.Cos(radians), _sin = Math.Sin(radians), _cx = (width - 1) / 2.0, _cy = (height - 1) / 2.0;
        private readonly int _height = height, _width = width;

        public Bilinear At(int i, int j)
        {
            double u = j - _cx, v = i - _cy;
            double column = _cos * u - _sin * v + _cx, row = _sin * u + _cos * v + _cy;
            double left = Math.Floor(column), top = Math.Floor(row);
            float fx = (float)(column - left), fy = (float)(row - top);
            // Clamped far outside so the integer conversion stays defined; such corners are flagged outside anyway.
            int x0 = (int)Math.Clamp(left, -2, _width), y0 = (int)Math.Clamp(top, -2, _height);
            return new Bilinear(
                y0 * _width + x0,
                y0 >= 0 && y0 < _height, y0 + 1 >= 0 && y0 + 1 < _height, x0 >= 0 && x0 < _width, x0 + 1 >= 0 && x0 + 1 < _width,
                (1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy);
        }
    }

    /// <summary>The top-left corner's index, which of the four corners lie inside the image, and their weights.</summary>
    private readonly record struct Bilinear(int Index, bool Top, bool Bottom, bool Left, bool Right, float W00, float W01, float W10, float W11);
}
