namespace NormReg.Tests.Networks;

/// <summary>
/// Wide enough for every parallel path of a dense network at batch 130: Predict split by samples (its inference pass folds the
/// BatchNorm and reads the first row's weights in bfloat16 when asked), and the training products split by their outputs.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(600), ZScore]
[Dense(512, UseBias = false), L2(1e-4)]
[BatchNorm]
[ReLU]
[Dropout(0.2)]
[Dense(128)]
[ReLU]
[Dense(5)]
public partial class ThreadedClassifier;
