using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>BatchNorm straight after the standardized input, then after an activation.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(4), ZScore]
[BatchNorm]
[Dense(5)]
[Tanh]
[BatchNorm(Momentum = 0.3, Epsilon = 1e-3)]
[Dense(3)]
public partial class BatchNormFirst;
