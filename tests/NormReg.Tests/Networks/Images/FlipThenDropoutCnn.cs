using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>A flip before the convolution and dropout right before the linear head: the mean of sampled passes is the inference output.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 4, 4)]
[RandomFlip]
[Conv2D(2, 2)]
[ReLU]
[Flatten]
[Dropout(0.5)]
[Dense(2)]
public partial class FlipThenDropoutCnn;
