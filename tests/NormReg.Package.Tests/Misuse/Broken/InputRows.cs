using NormReg;

namespace Broken;

// A line that ends in an expectation comment must get exactly the NRG diagnostics it lists from the packaged generator and analyzers; other lines none.

/// <summary>Forgot the input row.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)] // expect: NRG001
[Dense(16)]
[ReLU]
[Dense(3)]
public partial class NoInputClassifier;

/// <summary>Two feature sets, declared as two inputs.</summary>
[Network]
[Input(8)]
[Input(4)] // expect: NRG002
[Dense(3)]
public partial class TwoInputsClassifier;

/// <summary>The input row written after the first layer.</summary>
[Network]
[Dense(16)]
[Input(8)] // expect: NRG003
[Dense(3)]
public partial class LateInputClassifier;

/// <summary>Only an input row: nothing to compute.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(8), ZScore] // expect: NRG010
public partial class EmptyRegressor;
