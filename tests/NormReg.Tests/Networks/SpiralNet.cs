using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>The spiral learner used by the training test.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(2)]
[Dense(64)]
[ReLU]
[Dense(64)]
[ReLU]
[Dense(3)]
public partial class SpiralNet;
