namespace NormReg.Tests.Networks.Images;

/// <summary>
/// A CNN with BatchNorm2d and dropout, so training has a pass of its own: at batch 80 each convolution's forward and input gradient
/// is split by samples by itself (Conv2DBatch), and inference, with the BatchNorm folded, is split by samples as a whole.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 16, 16)]
[Conv2D(8, 3, UseBias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Conv2D(16, 3)]
[ReLU]
[Flatten]
[Dropout(0.2)]
[Dense(4)]
public partial class ThreadedBatchNormCnn;
