using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>Depth 3: tanh, sigmoid and a softmax output fitted to target proportions by squared error.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(5)]
[Tanh]
[Dense(4)]
[Sigmoid]
[Dense(3)]
[Softmax]
public partial class MixtureRegressor;
