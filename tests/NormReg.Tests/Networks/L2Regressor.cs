using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>The network of regularized_training.json with Keras-style L2(0.01) on both weight matrices.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4)]
[Dense(5), L2(0.01)]
[Tanh]
[Dense(3), L2(0.01)]
public partial class L2Regressor;
