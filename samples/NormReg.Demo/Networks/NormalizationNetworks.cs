using NormReg;

namespace NormReg.Demo.Networks;

// The normalization story's three networks: one architecture, 8 → 64 → 64 → 2 with leaky ReLUs, differing only in where
// the data is rescaled. Leaky ReLUs keep every unit trainable, so a raw network that is thrown far off still moves.

/// <summary>The raw network: badly scaled columns go straight into the first Dense layer.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(8)]
[Dense(64)]
[LeakyReLU]
[Dense(64)]
[LeakyReLU]
[Dense(2)]
public partial class TabularPlain;

/// <summary>Input normalization: each column standardized with statistics fitted on the training set (<c>FitNormalization</c>).</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(8), ZScore]
[Dense(64)]
[LeakyReLU]
[Dense(64)]
[LeakyReLU]
[Dense(2)]
public partial class TabularZScore;

/// <summary>Batch normalization of each hidden Dense layer's output; the raw columns still meet the first layer's weights.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(8)]
[Dense(64, UseBias = false)]
[BatchNorm]
[LeakyReLU]
[Dense(64, UseBias = false)]
[BatchNorm]
[LeakyReLU]
[Dense(2)]
public partial class TabularBatchNorm;
