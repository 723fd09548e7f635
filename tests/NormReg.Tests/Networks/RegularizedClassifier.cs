using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>The regularization rows together: noise on the input, dropout after the activation, max-norm with it.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(6), ZScore]
[GaussianNoise(0.1)]
[Dense(16), L2(1e-4)]
[ReLU]
[Dropout(0.3)]
[Dense(3), MaxNorm(2)]
public partial class RegularizedClassifier;
