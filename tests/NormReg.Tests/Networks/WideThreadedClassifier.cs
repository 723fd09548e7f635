namespace NormReg.Tests.Networks;

/// <summary>
/// A layer whose weights do not stay in a core's cache (134 K, over BatchSplit's 128 K), so its training passes are not split by
/// samples: at 32 samples Dense2's input gradient (32 × 420 from 320 outputs, three panels of 128 weight rows, the last short) is
/// split by its depth, on two threads and on three, and its forward and weight gradient by its weight rows. No larger than
/// that: every sample network goes through properties that visit each parameter.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(16)]
[Dense(420)]
[ReLU]
[Dense(320), L2(1e-4)]
[ReLU]
[Dense(4)]
public partial class WideThreadedClassifier;
