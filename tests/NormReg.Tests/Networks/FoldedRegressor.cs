using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>BatchNorm after Dense layers (folded at inference), the last one as the output row, with L2 on the weights.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4)]
#pragma warning disable NRG102 // a bias before BatchNorm on purpose: the fold must carry it
[Dense(6), L2(0.01)]
#pragma warning restore NRG102
[BatchNorm]
[ReLU]
[Dense(3, UseBias = false), L2(0.02)]
[BatchNorm]
public partial class FoldedRegressor;
