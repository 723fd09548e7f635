using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary><c>AugmentedCnn</c> without its training-only rows (augmentation, spatial dropout, dropout): the same inference network.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 8, 8), MinMax]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(3)]
public partial class PlainCnnForAugmented;
