using System.Collections.Generic;
using System.Linq;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>One declaration of a <see cref="DeclarationSet"/>: the files it was written to and what it was built to be.</summary>
/// <param name="TypeName">The class name as the compiler sees it: no <c>@</c>, no formatting characters.</param>
/// <param name="Files">Indices of its files in the set's sources.</param>
internal sealed record SetMember(string TypeName, IReadOnlyList<int> Files, Expectation Expected, IReadOnlyList<string> Mistakes);

/// <summary>Declarations compiled together, built so that their generated file names collide or their classes meet.</summary>
/// <param name="Theme">What the declarations share: generic arity, nesting, case, accents, formatting characters, a base network…</param>
internal sealed record DeclarationSet(int Index, string Theme, IReadOnlyList<string> Sources, IReadOnlyList<SetMember> Members)
{
    public override string ToString() =>
        $"set #{Index} ({Theme}): "
        + string.Join("; ", Members.Select(m => $"{m.TypeName} expected {m.Expected}{(m.Mistakes.Count > 0 ? " (" + string.Join(", ", m.Mistakes) + ")" : "")}"))
        + "\n" + string.Join("\n// ---- next file ----\n", Sources);
}
