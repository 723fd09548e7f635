using NormReg;

namespace NormReg.Tests.TrainingLoop;

/// <summary>A regressor with an L2 row on its first dense layer, so that <see cref="EpochResult.Penalty"/> is not 0.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(4)]
[L2(0.01)]
[Tanh]
[Dense(2)]
public partial class PenalizedRegressor;
