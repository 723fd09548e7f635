using System.Collections.Generic;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>What the declaration generator built a declaration to be, when it knows.</summary>
internal enum Expectation
{
    /// <summary>Random rows in random order: only the general properties apply.</summary>
    Unknown,

    /// <summary>Built from valid rows in a valid order: the generator must accept it.</summary>
    Accepted,

    /// <summary>Built with at least one mistake the DSL forbids: it must be rejected.</summary>
    Rejected,
}

/// <summary>One fuzzed compilation unit: its source files, the type it is about and what it was built to be.</summary>
/// <param name="Index">Position in the run; with the seed it reproduces the declaration.</param>
/// <param name="Shape">How it was built: valid, mutated, chaotic or rows outside a network.</param>
/// <param name="Sources">The user's files; a split partial declaration may have a second one.</param>
/// <param name="TypeName">The name (as written, unescaped) of the network class, or of the class carrying rows outside a network.</param>
/// <param name="Mistakes">The mistakes put in on purpose, for the failure message.</param>
internal sealed record FuzzDeclaration(
    int Index, string Shape, IReadOnlyList<string> Sources, string TypeName, Expectation Expected, IReadOnlyList<string> Mistakes)
{
    public override string ToString() =>
        $"declaration #{Index} ({Shape}, expected {Expected}{(Mistakes.Count > 0 ? ": " + string.Join("; ", Mistakes) : "")})\n"
        + string.Join("\n// ---- next file ----\n", Sources);
}
