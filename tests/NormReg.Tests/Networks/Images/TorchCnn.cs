using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>
/// The CNN of the whole-network PyTorch fixture (cnn_training.json): per-channel z-score, a bias-free same convolution with
/// BatchNorm2d, max pooling, a strided same convolution with asymmetric padding and an L2 penalty, LayerNorm over C·H·W,
/// GELU, Flatten and a classifier.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(2, 9, 8), ZScore]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Conv2D(6, 3, Stride = 2, Padding = Padding.Same), L2(0.001)]
[LayerNorm]
[GELU]
[Flatten]
[Dense(3)]
public partial class TorchCnn;
