using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>
/// Per-channel z-score input, a strided same-padded convolution without bias folded with BatchNorm2d, average pooling,
/// a second convolution with an L2 penalty and max-norm, LayerNorm over C·H·W, global average pooling and a regression head.
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3, 8, 9), ZScore]
[Conv2D(4, 3, Stride = 2, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Tanh]
[AvgPool2D(2, Stride = 1)]
[Conv2D(5, 2), L2(0.01), MaxNorm(3)]
[LayerNorm]
[GlobalAvgPool]
[Dense(2)]
public partial class NormalizedCnn;
