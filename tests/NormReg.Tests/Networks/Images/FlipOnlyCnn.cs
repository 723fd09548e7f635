using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>Augmentation without dropout or noise: nothing to sample at inference, so sampling is inference.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 4, 4)]
[RandomFlip]
[Conv2D(2, 2)]
[Flatten]
[Dense(2)]
public partial class FlipOnlyCnn;
