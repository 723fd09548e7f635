using NormReg;

namespace IdeTour;

// The same task declared with the mistakes people copy from old notebooks. Each one is a warning (NRG101–NRG105); the
// networks are still generated and the build succeeds. A line that ends in an expectation comment must get exactly the
// NRG diagnostics it lists: put the caret on a squiggle and press Ctrl+. for the fix where one exists.

/// <summary>A classifier with four design mistakes.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(8), ZScore]
[Dense(32)]                 // expect: NRG102 — the BatchNorm below subtracts the mean, which cancels this bias; fix: UseBias = false
[BatchNorm, L2(1e-3)]       // expect: NRG103 — this penalty decays BatchNorm's γ, not weights; fix: move it to the Dense row
[ReLU]
[Dropout(0.3)]              // expect: NRG101 — the next BatchNorm learns its statistics under dropout, then runs without it; fix: move it after
[BatchNorm]
[Dense(3)]
[Softmax]                   // expect: NRG105 — SoftmaxCrossEntropy applies softmax again; fix: remove the row, Predict returns logits
public partial class MisusedClassifier;

/// <summary>Next hour's motor current from the readings, with noise put on the prediction instead of the features.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(8), ZScore]
[Dense(16)]
[Tanh]
[Dense(1)]
[GaussianNoise(0.1)]        // expect: NRG104 — noise after the last Dense jitters the outputs; fix: put it before [Dense(16)]
public partial class MisusedRegressor;
