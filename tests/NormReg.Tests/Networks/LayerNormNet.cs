using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>LayerNorm first, between layers and last; min-max inputs; both penalties, one with the bias; BatchNorm after a bias-free Dense.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5), MinMax(-1, 1)]
[LayerNorm]
[Dense(6), L1L2(0.001, 0.01, IncludeBias = true)]
[GELU]
#pragma warning disable NRG103 // a penalty on γ on purpose: the gradient check covers it
[LayerNorm(Epsilon = 1e-3), L1(0.002)]
#pragma warning restore NRG103
[Dense(4, UseBias = false)]
[BatchNorm]
[Sigmoid]
[Dense(2)]
[LayerNorm]
public partial class LayerNormNet;
