using NormReg;

namespace Broken;

// A line that ends in an expectation comment must get exactly the NRG diagnostics it lists from the packaged generator and analyzers; other lines none.

/// <summary>Sizes computed by hand, wrongly.</summary>
[Network]
[Input(8)]
[Dense(0)] // expect: NRG007
[Dense(3)]
public partial class ZeroWidthClassifier;

/// <summary>Named layers, one name pasted twice, one a keyword.</summary>
[Network]
[Input(8)]
[Dense(16, Name = "Encoder")]
[ReLU]
[Dense(16, Name = "Encoder")] // expect: NRG008
[ReLU]
[Dense(3, Name = "out")] // expect: NRG009
public partial class NamedClassifier;

/// <summary>"Drop everything": a dropout rate of 1 keeps nothing.</summary>
[Network]
[Input(8)]
[Dense(16)]
[ReLU]
[Dropout(1.0)] // expect: NRG011
[Dense(3)]
public partial class AllDroppedClassifier;

/// <summary>A penalty on an activation, which has no weights to penalize.</summary>
[Network]
[Input(8)]
[Dense(16)]
[ReLU, L2(1e-4)] // expect: NRG012
[Dense(3)]
public partial class PenalizedActivationClassifier;

/// <summary>L1 and L2 as two modifiers instead of one [L1L2].</summary>
[Network]
[Input(8)]
[Dense(16), L1(1e-5), L2(1e-4)] // expect: NRG013
[ReLU]
[Dense(3)]
public partial class TwoPenaltiesClassifier;
