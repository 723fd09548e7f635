using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>
/// Two Dense rows large enough (at least 16384 weights) for TrainStep's fused update at small batches: the first with a bias and
/// an L1L2 penalty, 203 inputs (a vector tail at every width) and 131 outputs (rows past the last group of four); the second
/// without bias, with L2, before a BatchNorm and dropout. The classifier head stays unfused.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(203)]
[Dense(131), L1L2(1e-4, 1e-3)]
[ReLU]
[Dense(150, UseBias = false), L2(1e-3)]
[BatchNorm]
[ReLU]
[Dropout(0.1)]
[Dense(4)]
public partial class FusedClassifier;
