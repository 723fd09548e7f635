using NormReg;

namespace Misuse;

// A line that ends in an expectation comment must get exactly the NRG diagnostics it lists from the packaged analyzers; other lines none.

/// <summary>Customer churn (stays, downgrades, leaves) from 12 account features. A sound design: no warning of its own.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(12), ZScore]
[Dense(64, UseBias = false), L2(1e-4)]
[BatchNorm]
[ReLU]
[Dropout(0.3)]
[Dense(3)]
public partial class ChurnClassifier;

/// <summary>Probability of default from 20 credit features, with the design mistakes people copy from old notebooks.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(20), MinMax]
[Dense(32)]                 // expect: NRG102
[BatchNorm]
[ReLU]
[GaussianNoise(0.05)]       // expect: NRG101
[BatchNorm, L2(1e-3)]       // expect: NRG103
[Dense(1)]
[Sigmoid]                   // expect: NRG105
public partial class DefaultRiskModel;

/// <summary>Next week's demand from 6 features of the last weeks.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(6), ZScore]
[Dense(32)]
[Tanh]
[Dense(32)]
[LayerNorm, L1(1e-4)]       // expect: NRG103
[Dense(1)]
[Dropout(0.1)]              // expect: NRG104
public partial class DemandForecaster;

/// <summary>8×8 handwritten digits.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(64), MinMax(0, 1)]
[Dense(128), MaxNorm(3)]
[ReLU]
[Dropout(0.5)]
[Dense(10)]
[Softmax]                   // expect: NRG105
public partial class DigitClassifier;
