using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>Depth 1: logistic regression over four classes.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(5)]
[Dense(4)]
public partial class LinearClassifier;
