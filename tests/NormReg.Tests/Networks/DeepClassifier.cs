using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>Depth 3: ReLU and GELU, a named layer and a dense layer without bias.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(4)]
[Dense(8, Name = "Hidden")]
[ReLU]
[Dense(6, UseBias = false)]
[GELU]
[Dense(3)]
public partial class DeepClassifier;
