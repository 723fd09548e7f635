using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>Gaussian noise alone, so its draws can be read directly.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(8)]
#pragma warning disable NRG104 // noise alone on purpose, to read its draws
[GaussianNoise(0.5)]
#pragma warning restore NRG104
public partial class NoiseProbe;
