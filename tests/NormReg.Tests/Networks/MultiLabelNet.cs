using NormReg;

namespace NormReg.Tests.Networks;

/// <summary>Depth 2: three independent yes/no outputs through a leaky ReLU.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(4)]
[Dense(6)]
[LeakyReLU(0.2)]
[Dense(3)]
public partial class MultiLabelNet;
