using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>A network that is one pass in floats but gets an inference pass of its own for its bfloat16 row (100 inputs, 7000 weights).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(100)]
[Dense(70)]
[Tanh]
[Dense(2)]
public partial class WidePlainRegressor;
