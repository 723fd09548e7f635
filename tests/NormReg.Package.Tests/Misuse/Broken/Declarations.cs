using NormReg;

namespace Broken;

// A line that ends in an expectation comment must get exactly the NRG diagnostics it lists from the packaged generator and analyzers; other lines none.

/// <summary>Missing the partial modifier, so the generator has nowhere to put the network.</summary>
[Network]
[Input(8)]
[Dense(3)]
public class SealedOffClassifier; // expect: NRG004

/// <summary>A shared block of rows meant to be "reused", but rows only mean something on a [Network] class.</summary>
[Dense(32)] // expect: NRG006
[ReLU] // expect: NRG006
[Dropout(0.2)] // expect: NRG006
public partial class HiddenBlock;

/// <summary>A primary constructor, which the generated constructor could not call.</summary>
[Network]
[Input(8)]
[Dense(3)]
public partial class ConfiguredClassifier(int width) // expect: NRG014
{
    internal int Width => width;
}
