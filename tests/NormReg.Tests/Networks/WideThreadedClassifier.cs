namespace NormReg.Tests.Networks;

/// <summary>
/// Wide layers at a small batch: at 9 samples Dense2's input gradient (9 × 1030 from 600 outputs, five panels of 128 weight rows,
/// the last short) is split by its depth, and the products of both wide layers by their weight rows, which the fused update then
/// updates on the same threads.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(300)]
[Dense(1030)]
[ReLU]
[Dense(600), L2(1e-4)]
[ReLU]
[Dense(4)]
public partial class WideThreadedClassifier;
