using NormReg;

namespace NormReg.Tests.Onnx;

/// <summary>A hidden layer named like the exported graph's output, which the export must keep apart from it.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(4, Name = "output")]
[Tanh]
[Dense(2)]
public partial class OutputNamedNet;
