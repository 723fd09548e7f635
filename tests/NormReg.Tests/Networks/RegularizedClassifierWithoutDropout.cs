using NormReg;

namespace NormReg.Tests.Networks;

/// <summary><c>RegularizedClassifier</c> with its dropout row removed: the same parameters, for comparing inference.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(6), ZScore]
[GaussianNoise(0.1)]
[Dense(16), L2(1e-4)]
[ReLU]
[Dense(3), MaxNorm(2)]
public partial class RegularizedClassifierWithoutDropout;
