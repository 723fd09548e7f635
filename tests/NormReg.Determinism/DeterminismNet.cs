using NormReg;

namespace NormReg.Determinism;

/// <summary>Every row whose arithmetic could differ between runtimes: input scaling, noise, Dense with L2, BatchNorm, dropout, LayerNorm, GELU.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(10), ZScore]
[GaussianNoise(0.1)]
[Dense(48, UseBias = false), L2(1e-3)]
[BatchNorm]
[ReLU]
[Dropout(0.2)]
[Dense(24)]
[LayerNorm]
[GELU]
[Dense(16), L2(1e-4)]
[Tanh]
[Dense(3)]
public partial class DeterminismNet;
