using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>Gaussian noise alone, so its draws can be read directly.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(8)]
[GaussianNoise(0.5)]
public partial class NoiseProbe;
