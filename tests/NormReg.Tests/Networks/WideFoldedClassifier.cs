using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>
/// Dense rows wide enough to be read in bfloat16 at <see cref="WeightPrecision.BFloat16"/>: the first with a BatchNorm folded into it,
/// the second plain; the last (64 inputs) stays in floats.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(100)]
[Dense(72, UseBias = false)]
[BatchNorm]
[ReLU]
[Dense(64)]
[ReLU]
[Dense(3)]
public partial class WideFoldedClassifier;
