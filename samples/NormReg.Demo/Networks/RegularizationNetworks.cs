using NormReg;

namespace NormReg.Demo.Networks;

// The regularization story's networks: 12 → 256 → 256 → 2 with ReLUs, about 70,000 weights for 400 noisy training samples,
// so the plain one can memorize every label. Each variant adds one family of regularization; the last adds them all.
// Early stopping is not architecture: it is a FitOptions setting, used with SpiralPlain and SpiralRegularized.

/// <summary>No regularization.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(12)]
[Dense(256)]
[ReLU]
[Dense(256)]
[ReLU]
[Dense(2)]
public partial class SpiralPlain;

/// <summary>L2 weight penalty λ·Σw² on every Dense layer (Keras units).</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(12)]
[Dense(256), L2(1e-2)]
[ReLU]
[Dense(256), L2(1e-2)]
[ReLU]
[Dense(2), L2(1e-2)]
public partial class SpiralL2;

/// <summary>Dropout as Srivastava et al. (2014): 20 % of the inputs and 50 % of the hidden units in each training step.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(12)]
[Dropout(0.2)]
[Dense(256)]
[ReLU]
[Dropout(0.5)]
[Dense(256)]
[ReLU]
[Dropout(0.5)]
[Dense(2)]
public partial class SpiralDropout;

/// <summary>Batch normalization after each hidden Dense layer (whose bias it makes redundant).</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(12)]
[Dense(256, UseBias = false)]
[BatchNorm]
[ReLU]
[Dense(256, UseBias = false)]
[BatchNorm]
[ReLU]
[Dense(2)]
public partial class SpiralBatchNorm;

/// <summary>L2, dropout and batch normalization together, each as in its own variant.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(12)]
[Dropout(0.2)]
[Dense(256, UseBias = false), L2(1e-2)]
[BatchNorm]
[ReLU]
[Dropout(0.5)]
[Dense(256, UseBias = false), L2(1e-2)]
[BatchNorm]
[ReLU]
[Dropout(0.5)]
[Dense(2), L2(1e-2)]
public partial class SpiralRegularized;
