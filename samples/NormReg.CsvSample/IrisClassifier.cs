using NormReg;

namespace CsvSample;

/// <summary>Four measurements in, standardized with statistics fitted on the training rows; three species out.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(4), ZScore]
[Dense(16)]
[ReLU]
[Dense(3)]
public partial class IrisClassifier;
