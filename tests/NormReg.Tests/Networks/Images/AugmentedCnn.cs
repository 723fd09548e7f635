using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>Every training-only image row: flips, rotation, translation before the convolution, spatial dropout after it.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 8, 8), MinMax]
[RandomFlip(FlipMode.Horizontal)]
[RandomRotation(0.05)]
[RandomTranslation(0.1, 0.1)]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[SpatialDropout(0.25)]
[MaxPool2D(2)]
[Flatten]
[Dropout(0.2)]
[Dense(3)]
public partial class AugmentedCnn;
