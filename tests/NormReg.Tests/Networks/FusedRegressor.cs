using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>One plain Dense row of 130 × 128 weights, just over the fused update's threshold, between the inputs and a tanh; mean squared error.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(130)]
[Dense(128)]
[Tanh]
[Dense(2)]
public partial class FusedRegressor;
