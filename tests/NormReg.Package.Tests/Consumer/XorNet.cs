using NormReg;

namespace PackageConsumer;

/// <summary>Classifies noisy XOR points; not linearly separable, so the hidden layer has to learn.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(2)]
[Dense(16)]
[ReLU]
[Dense(2)]
public partial class XorNet;
