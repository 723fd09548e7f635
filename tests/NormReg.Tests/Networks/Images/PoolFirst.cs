using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>Pooling straight on the input: average pooling, then global average pooling into a classifier.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(3, 4, 4)]
[AvgPool2D(2)]
[GlobalAvgPool]
[Dense(2)]
public partial class PoolFirst;
