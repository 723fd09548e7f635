using NormReg;

namespace NormReg.Tests.Networks.Images;

/// <summary>An MLP on images: [Flatten] first (its gradient copied to the caller) and last (copied from the caller).</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2, 3, 3), MinMax]
[Flatten]
[Dense(4)]
[ReLU]
[Dense(2)]
[Flatten]
public partial class FlattenFirst;
