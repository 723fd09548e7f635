using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>Min-max scaling with clipping before one dense layer, which tests set to the identity to read the scaled input.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3), MinMax(-1, 1, Clip = true)]
[Dense(3)]
public partial class ScaledIdentity;
