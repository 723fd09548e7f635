using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary><c>ValidPaddedTwin</c> with same padding: every parameter and statistic in the same place.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 6, 6)]
[Conv2D(2, 3, Padding = Padding.Same)]
[GlobalAvgPool]
[Dense(2)]
public partial class SamePaddedTwin;
