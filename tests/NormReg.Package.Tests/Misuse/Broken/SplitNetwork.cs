using NormReg;

namespace Broken;

// A line that ends in an expectation comment must get exactly the NRG diagnostics it lists from the packaged generator and analyzers; other lines none.

/// <summary>The body of the network; its output layer was added in SplitNetwork.Output.cs.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(8)]
[Dense(16)]
[ReLU]
public partial class SplitNetwork;
