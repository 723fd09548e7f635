using NormReg;

namespace NormReg.Demo;

/// <summary>Softmax regression: a straight-line boundary per class, for comparison.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(2)]
[Dense(3)]
public partial class LinearBaseline;
