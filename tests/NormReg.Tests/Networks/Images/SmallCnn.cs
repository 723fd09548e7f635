using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>Convolution with bias, valid padding, max pooling, Flatten, then a classifier: the plain CNN.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(2, 7, 6)]
[Conv2D(3, 3)]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(4)]
public partial class SmallCnn;
