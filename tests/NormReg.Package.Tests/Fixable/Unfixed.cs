using NormReg;

namespace Fixable;

/// <summary>A warning no code fix repairs (NRG103, a penalty on a BatchNorm row): it must survive the fixes, on the same line.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(8, UseBias = false)]
[BatchNorm, L2(1e-3)]
[ReLU]
[Dense(1)]
public partial class UnfixedNet;
