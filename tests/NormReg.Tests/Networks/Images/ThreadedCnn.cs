namespace NormReg.Tests.Networks.Images;

/// <summary>
/// A CNN whose rows treat every sample on its own (no BatchNorm, nothing drawn), so one forward pass serves every mode and a
/// large batch is split by samples in training too: z-scored input, padded convolution, max pooling (its argmax kept per sample),
/// a second convolution, LayerNorm over C·H·W, GELU and a classifier.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(3, 16, 16), ZScore]
[Conv2D(8, 3, Padding = Padding.Same)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(16, 3)]
[LayerNorm]
[GELU]
[Flatten]
[Dense(4)]
public partial class ThreadedCnn;
