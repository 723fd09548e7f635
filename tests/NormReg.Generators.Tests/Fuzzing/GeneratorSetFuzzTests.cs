using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>
/// Seeded property test of the generator over sets of declarations compiled together (see
/// <see cref="DeclarationSetGenerator"/> and <see cref="DeclarationSetChecker"/>): colliding file names, names that
/// differ in case, accents or formatting characters, networks deriving from networks, user members and base classes.
/// <c>NORMREG_FUZZ_SEED</c> overrides the seed, <c>NORMREG_FUZZ_SETS</c> the number of sets, and
/// <c>NORMREG_FUZZ_ONLY_SET</c> runs the one set of that index.
/// </summary>
public sealed class GeneratorSetFuzzTests(ITestOutputHelper output)
{
    public const string CountVariable = "NORMREG_FUZZ_SETS";
    public const string OnlyVariable = "NORMREG_FUZZ_ONLY_SET";
    private const int DefaultSeed = 8;
    private const int DefaultCount = 105;

    [Fact]
    public void Sets_of_declarations_generate_side_by_side_or_are_refused_in_place()
    {
        int seed = Setting(GeneratorFuzzTests.SeedVariable) ?? DefaultSeed;
        int? only = Setting(OnlyVariable);
        int[] indices = only is { } index ? [index] : [.. Enumerable.Range(0, Setting(CountVariable) ?? DefaultCount)];
        var clock = Stopwatch.StartNew();

        var verdicts = new SetVerdict[indices.Length];
        Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            DeclarationSet set = DeclarationSetGenerator.Create(seed, indices[i]);
            try
            {
                verdicts[i] = DeclarationSetChecker.Check(set);
            }
            catch (Exception e)
            {
                verdicts[i] = new SetVerdict(set, true, [], ["the check threw " + e]);
            }
        });

        int declarations = verdicts.Sum(v => v.Set.Members.Count);
        int accepted = verdicts.Sum(v => v.Outcomes.Count(o => o == Outcome.Accepted)), refused = verdicts.Sum(v => v.Outcomes.Count(o => o == Outcome.Rejected));
        output.WriteLine($"seed {seed}: {verdicts.Length} sets, {declarations} declarations, {accepted} generated side by side, {refused} refused, in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var theme in verdicts.GroupBy(v => v.Set.Theme)) output.WriteLine($"  {theme.Key}: {theme.Count()} sets, {theme.Sum(v => v.Set.Members.Count)} declarations");
        SetVerdict[] failed = [.. verdicts.Where(v => v.Failures.Count > 0)];
        foreach (SetVerdict v in failed.Take(5)) output.WriteLine($"\nFAILED {v.Set}\n  {string.Join("\n  ", v.Failures)}");
        Assert.True(failed.Length == 0,
            $"{failed.Length} of {verdicts.Length} sets broke a property (seed {seed}; reproduce one with {OnlyVariable}=<index>):\n"
            + string.Join("\n\n", failed.Take(3).Select(v => $"{v.Set}\n  {string.Join("\n  ", v.Failures)}")));

        if (only is null)
        {
            // Not vacuous: every theme ran, and both outcomes occurred often.
            Assert.True(declarations >= 250, $"only {declarations} declarations in sets");
            Assert.Equal(DeclarationSetGenerator.Themes.Length, verdicts.Select(v => v.Set.Theme).Distinct().Count());
            Assert.True(accepted >= 100 && refused >= 50, $"{accepted} accepted, {refused} refused");
            Assert.DoesNotContain(verdicts, v => v.CompilerRejected);
        }
    }

    private static int? Setting(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;
}
