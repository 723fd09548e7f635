using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>
/// Image rows at the edges: BatchNorm2d first, a same-padded strided convolution with asymmetric padding and an L1
/// penalty, overlapping max pooling, and a 1×1 convolution whose image is the output.
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 6, 5)]
[BatchNorm]
[Conv2D(3, 2, Stride = 2, Padding = Padding.Same), L1(0.001)]
[GELU]
[MaxPool2D(2, Stride = 1)]
[Conv2D(2, 1)]
public partial class ImageEdges;
