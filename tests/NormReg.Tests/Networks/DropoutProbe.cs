using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>Dropout alone, so its output and gradient can be read directly.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(8)]
[Dropout(0.5)]
public partial class DropoutProbe;
