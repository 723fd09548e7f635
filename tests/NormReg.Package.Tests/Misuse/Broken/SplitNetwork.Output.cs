using NormReg;

namespace Broken;

// A line that ends in an expectation comment must get exactly the NRG diagnostics it lists from the packaged generator and analyzers; other lines none.

/// <summary>The output layer, on another partial declaration: the order of partial declarations is not defined.</summary>
[Dense(3)] // expect: NRG005
public partial class SplitNetwork
{
    public static string Describe() => "8 → 16 → 3";
}
