namespace NormReg.Tests.Fuzzing;

/// <summary>
/// The fuzzers run alone, after the parallel tests. Run beside them, their thousands of calls made AllocationTests count
/// 1–4 KB on its own thread in 3 of 8 full runs (never alone; likely JIT tier-up moved into its measured loop).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzingCollection
{
    public const string Name = "Fuzzing, alone";
}
