using NormReg;

namespace NormReg.Demo;

/// <summary>Three interleaved spirals in the plane: a small non-linear problem.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(2)]
[Dense(64)]
[ReLU]
[Dense(64)]
[ReLU]
[Dense(3)]
public partial class SpiralClassifier;
