using NormReg;

namespace NormReg.Demo.Networks;

// The image story's networks, on 1 × 20 × 20 glyphs in six classes. The MLP sees pixels as unrelated columns; the CNN shares
// 3 × 3 filters across the image: 8 and 16 filters, each convolution followed by 2 × 2 max pooling, then a Dense layer of 64.
// The CNN variants add one row family each: BatchNorm2d, spatial dropout, augmentation; the last adds them all.

/// <summary>A multilayer perceptron on the flattened pixels, 400 → 128 → 64 → 6.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 20, 20)]
[Flatten]
[Dense(128)]
[ReLU]
[Dense(64)]
[ReLU]
[Dense(6)]
public partial class GlyphMlp;

/// <summary>The plain CNN: two convolutions with max pooling, then a Dense classifier.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 20, 20)]
[Conv2D(8, 3, Padding = Padding.Same)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(16, 3, Padding = Padding.Same)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(64)]
[ReLU]
[Dense(6)]
public partial class GlyphCnn;

/// <summary>BatchNorm2d after each convolution (whose bias it makes redundant).</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 20, 20)]
[Conv2D(8, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(64)]
[ReLU]
[Dense(6)]
public partial class GlyphCnnBatchNorm;

/// <summary>Spatial dropout: 20 % of the feature maps dropped whole after each pooling, in training.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 20, 20)]
[Conv2D(8, 3, Padding = Padding.Same)]
[ReLU]
[MaxPool2D(2)]
[SpatialDropout(0.2)]
[Conv2D(16, 3, Padding = Padding.Same)]
[ReLU]
[MaxPool2D(2)]
[SpatialDropout(0.2)]
[Flatten]
[Dense(64)]
[ReLU]
[Dense(6)]
public partial class GlyphCnnSpatialDropout;

/// <summary>
/// Augmentation, in training only: each glyph mirrored either way with probability ½, rotated by up to ±29° (0.08 of a turn)
/// and shifted by up to 3 pixels (0.15 of 20), the views the transformed test set shows.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 20, 20)]
[RandomFlip(FlipMode.HorizontalAndVertical)]
[RandomRotation(0.08)]
[RandomTranslation(0.15, 0.15)]
[Conv2D(8, 3, Padding = Padding.Same)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(16, 3, Padding = Padding.Same)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(64)]
[ReLU]
[Dense(6)]
public partial class GlyphCnnAugmented;

/// <summary>Augmentation, BatchNorm2d and spatial dropout together, each as in its own variant.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 20, 20)]
[RandomFlip(FlipMode.HorizontalAndVertical)]
[RandomRotation(0.08)]
[RandomTranslation(0.15, 0.15)]
[Conv2D(8, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[SpatialDropout(0.2)]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[SpatialDropout(0.2)]
[Flatten]
[Dense(64)]
[ReLU]
[Dense(6)]
public partial class GlyphCnnRegularized;
