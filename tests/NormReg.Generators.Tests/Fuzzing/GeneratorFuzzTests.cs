using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>
/// Seeded property test of the generator and analyzers over random declarations (see <see cref="DeclarationGenerator"/>):
/// nothing throws; every accepted declaration compiles with its generated code without a diagnostic and its
/// gradients pass a finite-difference spot check; every rejected one is rejected by an NRG diagnostic inside it.
/// The seed is fixed; <c>NORMREG_FUZZ_SEED</c> overrides it, <c>NORMREG_FUZZ_COUNT</c> the number of declarations,
/// and <c>NORMREG_FUZZ_ONLY</c> runs the one declaration of that index, as a failure message says.
/// </summary>
public sealed class GeneratorFuzzTests(ITestOutputHelper output)
{
    public const string SeedVariable = "NORMREG_FUZZ_SEED";
    public const string CountVariable = "NORMREG_FUZZ_COUNT";
    public const string OnlyVariable = "NORMREG_FUZZ_ONLY";
    private const int DefaultSeed = 8;
    private const int DefaultCount = 600;

    private sealed record Verdict(FuzzDeclaration Declaration, Outcome Outcome, SpotCheck Spot, IReadOnlyList<string> Failures);

    [Fact]
    public void Random_declarations_are_generated_correctly_or_rejected_in_place()
    {
        int seed = Setting(SeedVariable) ?? DefaultSeed;
        int? only = Setting(OnlyVariable);
        int[] indices = only is { } index ? [index] : [.. Enumerable.Range(0, Setting(CountVariable) ?? DefaultCount)];
        var clock = Stopwatch.StartNew();

        var verdicts = new Verdict[indices.Length];
        Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => verdicts[i] = Try(seed, indices[i]));

        int accepted = verdicts.Count(v => v.Outcome == Outcome.Accepted), rejected = verdicts.Count(v => v.Outcome == Outcome.Rejected);
        SpotCheck[] spots = [.. verdicts.Select(v => v.Spot).Where(s => s.Ran)];
        output.WriteLine($"seed {seed}: {verdicts.Length} declarations tried, {accepted} accepted, {rejected} rejected, "
            + $"{verdicts.Count(v => v.Outcome == Outcome.CompilerRejected)} rejected by the compiler itself, in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"  built valid {Count(verdicts, Expectation.Accepted)}, built with mistakes {Count(verdicts, Expectation.Rejected)}, chaotic {Count(verdicts, Expectation.Unknown)}");
        output.WriteLine($"  finite-difference spot check on {spots.Length} networks: {spots.Sum(s => s.Compared)} gradients compared, "
            + $"{spots.Sum(s => s.Inconclusive)} near a kink left out, worst error {spots.Select(s => s.WorstError).DefaultIfEmpty().Max():F3} of the tolerance"
            + (spots.Length > 0 ? $" (#{verdicts.MaxBy(v => v.Spot.WorstError)!.Declaration.Index})" : ""));

        Verdict[] failed = [.. verdicts.Where(v => v.Failures.Count > 0)];
        foreach (var kind in failed.SelectMany(v => v.Failures.Select(Kind).Distinct().Select(k => (Kind: k, v.Declaration.Index))).GroupBy(k => k.Kind).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {kind.Count()} × {kind.Key} (first: #{kind.First().Index})");
        }
        foreach (Verdict v in failed.Take(5)) output.WriteLine($"\nFAILED {v.Declaration}\n  {string.Join("\n  ", v.Failures)}");
        Assert.True(failed.Length == 0,
            $"{failed.Length} of {verdicts.Length} declarations broke a property (seed {seed}; reproduce one with {SeedVariable}={seed} {OnlyVariable}=<index>):\n"
            + string.Join("\n\n", failed.Take(3).Select(v => $"{v.Declaration}\n  {string.Join("\n  ", v.Failures)}")));

        if (only is null)
        {
            // The property must not hold vacuously.
            Assert.True(verdicts.Length >= 500, $"only {verdicts.Length} declarations tried");
            Assert.True(accepted >= 100, $"only {accepted} declarations accepted");
            Assert.True(rejected >= 100, $"only {rejected} declarations rejected");
            Assert.True(spots.Length >= 100, $"only {spots.Length} networks spot-checked");
            Assert.True(spots.Sum(s => s.Inconclusive) <= spots.Sum(s => s.Compared) / 10, "too many gradients near a kink");
        }
    }

    private static Verdict Try(int seed, int index)
    {
        FuzzDeclaration declaration = DeclarationGenerator.Create(seed, index);
        try
        {
            CheckResult result = DeclarationChecker.Check(declaration);
            SpotCheck spot = result is { Outcome: Outcome.Accepted, Output: { } compilation, Network: { } network }
                ? FiniteDifferenceCheck.Run(compilation, network, seed ^ index)
                : SpotCheck.Skipped;
            return new Verdict(declaration, result.Outcome, spot, [.. result.Failures, .. spot.Failures.Select(f => "spot check: " + f)]);
        }
        catch (Exception e)
        {
            // Keep the declaration that broke the check itself attributable.
            return new Verdict(declaration, Outcome.CompilerRejected, SpotCheck.Skipped, ["the check threw " + e]);
        }
    }

    /// <summary>A failure without its particulars, to count failures of one kind.</summary>
    private static string Kind(string failure)
    {
        string[] ids = [.. Regex.Matches(failure, @"(?:error|warning) (\w+\d+)").Select(m => m.Groups[1].Value).Distinct()];
        string head = failure.Split(':')[0];
        return ids.Length > 0 ? head + ": " + string.Join(", ", ids) : head;
    }

    private static int Count(Verdict[] verdicts, Expectation expected) => verdicts.Count(v => v.Declaration.Expected == expected);

    private static int? Setting(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;
}
