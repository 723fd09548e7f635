using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>Dropout alone, so its output and gradient can be read directly.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(8)]
#pragma warning disable NRG104 // dropout alone on purpose, to read its mask
[Dropout(0.5)]
#pragma warning restore NRG104
public partial class DropoutProbe;
