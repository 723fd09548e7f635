using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>A valid convolution then global pooling: the same state layout as <c>SamePaddedTwin</c>, another function.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 6, 6)]
[Conv2D(2, 3)]
[GlobalAvgPool]
[Dense(2)]
public partial class ValidPaddedTwin;
