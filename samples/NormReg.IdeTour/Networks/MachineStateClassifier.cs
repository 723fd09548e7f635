using NormReg;

namespace IdeTour;

// A sound design draws no diagnostic; tests/NormReg.Package.Tests/IdeTourBuildTests.cs checks that none is reported here.

/// <summary>The machine's state (idle, running, faulty) from its 8 sensor readings. Well declared: no diagnostic.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(8), ZScore]                          // standardized with the mean and deviation FitNormalization measures
[Dense(32, UseBias = false), L2(1e-4)]      // no bias: the BatchNorm below subtracts the mean, and its β is the bias
[BatchNorm]                                 // batch statistics in training; folded into the Dense above at inference
[ReLU]
[Dropout(0.2)]                              // after the normalization, before the last Dense; the identity at inference
[Dense(3)]                                  // logits: SoftmaxCrossEntropy applies the softmax itself
public partial class MachineStateClassifier;
