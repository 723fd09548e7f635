using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>The network of regularized_training.json without penalty rows, for decoupled weight decay.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4)]
[Dense(5)]
[Tanh]
[Dense(3)]
public partial class TanhRegressor;
