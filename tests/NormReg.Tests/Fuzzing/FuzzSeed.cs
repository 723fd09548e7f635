using System;
using System.Globalization;

namespace NormReg.Tests.Fuzzing;

/// <summary>The fuzzers' seed: fixed so a run repeats, overridden by the environment variable <c>NORMREG_FUZZ_SEED</c>.</summary>
internal static class FuzzSeed
{
    public const string Variable = "NORMREG_FUZZ_SEED";

    public const int Default = 20261125;

    public static int Value { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : Default;

    /// <summary>How to repeat a run, for failure messages.</summary>
    public static string Describe() => $"seed {Value} (set {Variable}={Value} to repeat)";
}
