using System;

namespace NormReg;

/// <summary>Which flips <c>[RandomFlip]</c> draws.</summary>
public enum FlipMode
{
    /// <summary>Left–right, with probability ½ per image.</summary>
    Horizontal,

    /// <summary>Upside down, with probability ½ per image.</summary>
    Vertical,

    /// <summary>Each of the two drawn independently with probability ½ per image (so a quarter of the images get both).</summary>
    HorizontalAndVertical,
}

/// <summary>
/// Data augmentation for images, in training only: each image is flipped as drawn (per image, from the network's seeded
/// generator); at inference the identity. Augmentation regularizes by showing the network modified versions of the data.
/// The input gradient in training is the flip drawn, applied to the output gradient.
/// </summary>
/// <remarks>
/// Keras: <c>RandomFlip("horizontal" | "vertical" | "horizontal_and_vertical")</c>. torchvision: <c>RandomHorizontalFlip()</c>,
/// <c>RandomVerticalFlip()</c>, or both one after the other.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RandomFlipAttribute : LayerAttribute
{
    /// <summary>Declares a flip row.</summary>
    /// <param name="mode">Which flips to draw; Keras' default is both.</param>
    public RandomFlipAttribute(FlipMode mode = FlipMode.HorizontalAndVertical) => Mode = mode;

    /// <summary>Which flips are drawn.</summary>
    public FlipMode Mode { get; }
}

/// <summary>
/// Data augmentation for images, in training only: each image is rotated about its centre by an angle drawn uniformly from
/// <c>[−Factor·360°, Factor·360°]</c>, positive counter-clockwise as displayed (row 0 at the top), sampled bilinearly, with 0
/// where the rotated image leaves the frame. At inference the identity. The input gradient is the exact adjoint of the
/// rotation drawn.
/// </summary>
/// <remarks>
/// Keras: <c>RandomRotation(Factor, fill_mode="constant", fill_value=0.0, interpolation="bilinear")</c> (Keras' factor is a
/// fraction of a full turn, as here). torchvision: <c>RandomRotation(Factor·360, InterpolationMode.BILINEAR)</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RandomRotationAttribute : LayerAttribute
{
    /// <summary>Declares a rotation row.</summary>
    /// <param name="factor">The largest angle as a fraction of a full turn, in (0, 0.5]; 0.05 is ±18°.</param>
    public RandomRotationAttribute(double factor) => Factor = factor;

    /// <summary>The largest angle as a fraction of a full turn.</summary>
    public double Factor { get; }
}

/// <summary>
/// Data augmentation for images, in training only: each image is shifted by whole pixels, rows by
/// <c>round(U(−HeightFactor·H, HeightFactor·H))</c> and columns by <c>round(U(−WidthFactor·W, WidthFactor·W))</c>, positive
/// down and right, with 0 where the image moved away. At inference the identity. The input gradient shifts back.
/// </summary>
/// <remarks>
/// torchvision: <c>RandomAffine(degrees=0, translate=(WidthFactor, HeightFactor))</c>. Keras:
/// <c>RandomTranslation(HeightFactor, WidthFactor, fill_mode="constant", interpolation="nearest")</c>, except that Keras draws
/// fractional shifts and rounds them to the nearest pixel per value.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RandomTranslationAttribute : LayerAttribute
{
    /// <summary>Declares a translation row.</summary>
    /// <param name="heightFactor">The largest vertical shift as a fraction of the height, in [0, 1).</param>
    /// <param name="widthFactor">The largest horizontal shift as a fraction of the width, in [0, 1).</param>
    public RandomTranslationAttribute(double heightFactor, double widthFactor)
    {
        HeightFactor = heightFactor;
        WidthFactor = widthFactor;
    }

    /// <summary>The largest vertical shift as a fraction of the height.</summary>
    public double HeightFactor { get; }

    /// <summary>The largest horizontal shift as a fraction of the width.</summary>
    public double WidthFactor { get; }
}
