using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.IO;
using System.Security.Cryptography;
using NormReg.Tests.Onnx;
using Xunit.Abstractions;

namespace NormReg.Tests.Fuzzing;

/// <summary>
/// Seeded property test of the runtime's bad-input contract (README, "Bad input") over every generated network in this assembly
/// (<see cref="SampleNetworks"/>, trained a little): each case makes one bad call to a public entry point and checks
/// the documented exception type, a message that names the network, what was expected and what came, that the whole
/// state (<c>CopyState</c>, gradients, the optimizer's steps, rate and moments) is bit-for-bit as before, and that valid
/// calls right after it (Backward of a pending training Forward, TrainStep, Predict) give exactly what they give on a
/// twin network that never saw the bad call. The seed is <see cref="FuzzSeed"/>.
/// </summary>
[Collection(FuzzingCollection.Name)]
public sealed class RuntimeFuzzTests(ITestOutputHelper output)
{
    private const int CasesPerNetwork = 130;
    private const int UnfittedCasesPerNetwork = 20;
    private const int MinimumCases = 2000;

    /// <summary>A network that sees the bad calls and its twin that sees only the valid ones.</summary>
    private sealed class Twins
    {
        public Twins(string fullName, int index, bool trained = true)
        {
            Fuzzed = new FuzzedNetwork(trained ? SampleNetworks.Trained(fullName) : SampleNetworks.Create(fullName), MakeOptimizer(index));
            Twin = new FuzzedNetwork(trained ? SampleNetworks.Trained(fullName) : SampleNetworks.Create(fullName), MakeOptimizer(index));
        }

        public FuzzedNetwork Fuzzed { get; }

        public FuzzedNetwork Twin { get; }

        public void Both(Action<FuzzedNetwork> action)
        {
            action(Fuzzed);
            action(Twin);
        }

        /// <summary>Adam, AdamW with clipping, SGD with Nesterov momentum: every network gets one, by its index.</summary>
        private static Optimizer MakeOptimizer(int index) => (index % 3) switch
        {
            0 => new Adam(1e-3),
            1 => new AdamW(1e-3) { ClipGlobalNorm = 1 },
            _ => new Sgd(1e-2, momentum: 0.9, nesterov: true),
        };
    }

    /// <summary>Calls that may be valid after all (huge inputs or gradients that did not overflow, a file of an equal fingerprint), by kind.</summary>
    private readonly SortedDictionary<string, int> _validAfterAll = new(StringComparer.Ordinal);

    /// <summary>One message per kind, printed for a reader to judge.</summary>
    private readonly SortedDictionary<string, string> _exampleMessages = new(StringComparer.Ordinal);

    /// <summary>Of those, the ones that left non-finite weights: reported, not failed.</summary>
    private int _nonFiniteAfterSuccess;

    [Fact]
    public void Every_bad_call_throws_the_documented_exception_and_changes_nothing()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(FuzzSeed.Value);
        var tried = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        string[] names = SampleNetworks.Types().Select(t => t.FullName!).ToArray();

        for (int n = 0; n < names.Length; n++)
        {
            var twins = new Twins(names[n], n);
            // One valid step binds each optimizer, so its moments and step count are there to compare.
            FollowUp(twins.Fuzzed, new Random(n), pendingBatch: 0);
            FollowUp(twins.Twin, new Random(n), pendingBatch: 0);
            var calls = new BadCalls(twins.Fuzzed, random);
            var kinds = calls.Kinds();
            for (int c = 0; c < CasesPerNetwork; c++)
            {
                (string kind, Func<FuzzCase> make) = kinds[random.Next(kinds.Count)];
                int caseSeed = random.Next();
                FuzzCase fuzzCase = make();
                tried[kind] = tried.GetValueOrDefault(kind) + 1;
                string? failure = Run(twins, fuzzCase, new Random(caseSeed));
                if (failure is null) continue;
                failures.Add($"{twins.Fuzzed.Name}, case {c}, {fuzzCase.Kind}: {fuzzCase.Description}\n    {failure}");
                twins = new Twins(names[n], n);   // start again in step
                FollowUp(twins.Fuzzed, new Random(n), pendingBatch: 0);
                FollowUp(twins.Twin, new Random(n), pendingBatch: 0);
                calls = new BadCalls(twins.Fuzzed, random);
            }
        }

        // Networks with input scaling, never fitted: everything that needs the statistics refuses, and nothing changes.
        for (int n = 0; n < names.Length; n++)
        {
            var twins = new Twins(names[n], n, trained: false);
            if (!twins.Fuzzed.HasScaling) continue;
            var calls = new BadCalls(twins.Fuzzed, random);
            for (int c = 0; c < UnfittedCasesPerNetwork; c++)
            {
                FuzzCase fuzzCase = calls.Unfitted();
                tried[fuzzCase.Kind] = tried.GetValueOrDefault(fuzzCase.Kind) + 1;
                if (Run(twins, fuzzCase, new Random(random.Next()), fitted: false) is string failure)
                {
                    failures.Add($"{twins.Fuzzed.Name} (unfitted), case {c}, {fuzzCase.Kind}: {fuzzCase.Description}\n    {failure}");
                    break;
                }
            }
        }

        int total = tried.Values.Sum(), rejected = total - _validAfterAll.Values.Sum();
        output.WriteLine($"{total} runtime cases ({rejected} rejected calls) on {names.Length} networks in {clock.Elapsed.TotalSeconds:F1} s, {FuzzSeed.Describe()}:");
        foreach ((string kind, int count) in tried) output.WriteLine($"  {count,5}  {kind}");
        output.WriteLine($"valid after all (replayed on the twin, not counted as rejected): {string.Join(", ", _validAfterAll.Select(p => $"{p.Key} {p.Value}"))}; "
            + $"{_nonFiniteAfterSuccess} of them left non-finite weights (must be 0: such a state fails the case)");
        output.WriteLine("a message of each kind:");
        foreach ((string kind, string message) in _exampleMessages) output.WriteLine($"  {kind}: {message}");
        foreach (string failure in failures.Take(40)) output.WriteLine(failure);

        Assert.True(failures.Count == 0, $"{failures.Count} of {total} cases failed, {FuzzSeed.Describe()}; the first:\n{string.Join("\n", failures.Take(15))}");
        Assert.True(rejected >= MinimumCases, $"only {rejected} of {total} cases were rejected calls");
    }

    /// <summary>Runs one case; returns what went wrong, or null.</summary>
    private string? Run(Twins twins, FuzzCase fuzzCase, Random random, bool fitted = true)
    {
        FuzzedNetwork fuzzed = twins.Fuzzed, twin = twins.Twin;
        INetwork net = fuzzed.Network;

        // A training Forward pending (its Backward must still work afterwards), or none (Predict came last).
        bool pending = fuzzCase.Pending switch { Pending.Required => true, Pending.None => false, _ => random.Next(2) == 0 };
        int pendingBatch = fuzzCase.PendingBatch > 0 ? fuzzCase.PendingBatch : random.Next(net.MinimumTrainingBatch, net.MaxBatchSize + 1);
        float[] preInputs = SampleNetworks.Features(random, pendingBatch, net.InputSize);
        try
        {
            twins.Both(side =>
            {
                float[] outputs = new float[pendingBatch * net.OutputSize];
                if (pending) side.Network.Forward(preInputs, outputs, pendingBatch, ForwardMode.Training);
                else side.Network.Predict(preInputs, outputs, pendingBatch);
            });
            if (fuzzCase.Prepare is not null) twins.Both(fuzzCase.Prepare);
        }
        catch (InvalidOperationException) when (!fitted)
        {
            // A network whose scaling was never fitted refuses both; the bad call still runs.
        }
        if (!pending) pendingBatch = 0;

        bool mustFail = fuzzCase.MustFail?.Invoke(fuzzed) ?? fuzzCase.Expected is not null;
        var before = new StateSnapshot(fuzzed);
        // A call that may succeed (huge inputs, a valid file after all) can leave extreme weights; both twins go back to this afterwards.
        byte[]? saved = null;
        if (fuzzCase.Expected is null)
        {
            var file = new MemoryStream();
            net.Save(file, fuzzed.Optimizer);
            saved = file.ToArray();
        }
        Exception? thrown = null;
        try
        {
            fuzzCase.Call(fuzzed);
        }
        catch (Exception e)
        {
            thrown = e;
        }

        if (fuzzCase.Expected is null && thrown is null)
        {
            if (mustFail) return "no exception (expected ArithmeticException)";
            // A valid call after all: the twin makes it too, and the parameters it leaves are finite.
            fuzzCase.Call(twin);
            List<string> apart = new StateSnapshot(twin).Differences(new StateSnapshot(fuzzed));
            if (apart.Count > 0) return $"the call succeeded but its twin's state differs: {string.Join("; ", apart)}";
            _validAfterAll[fuzzCase.Kind] = _validAfterAll.GetValueOrDefault(fuzzCase.Kind) + 1;
            if (!net.Parameters.ToArray().All(float.IsFinite)) _nonFiniteAfterSuccess++;
            // No call may leave a state that answers NaN later: the validator that guards Load is the oracle here.
            float[] state = new float[net.StateLength];
            net.CopyState(state);
            if (StateValidator.FindProblem(net.Architecture, state) is { } problem) return $"the call succeeded but left a state that {problem}";
            Optimizer optimizer = fuzzed.Optimizer;
            for (int b = 0; b < optimizer.StateBufferCount && optimizer.BoundLength > 0; b++)
            {
                if (!optimizer.StateBuffer(b).ToArray().All(float.IsFinite)) return $"the call succeeded but left a non-finite {optimizer.StateBufferName(b)}";
            }
            twins.Both(side => side.Network.Load(new MemoryStream(saved!), side.Optimizer));
        }
        else
        {
            Type expected = fuzzCase.Expected ?? typeof(ArithmeticException);
            if (thrown is null) return $"no exception (expected {expected.Name})";
            if (thrown.GetType() != expected) return $"{thrown.GetType().Name} instead of {expected.Name}: {thrown.Message}";
            string[] missing = fuzzCase.Fragments.Where(f => !thrown.Message.Contains(f, StringComparison.Ordinal)).ToArray();
            if (fuzzCase.NamesNetwork && !thrown.Message.Contains(fuzzed.Name, StringComparison.Ordinal)) missing = [.. missing, fuzzed.Name];
            if (fuzzCase.AnyOf.Length > 0 && !fuzzCase.AnyOf.Any(f => thrown.Message.Contains(f, StringComparison.Ordinal))) missing = [.. missing, $"one of: {string.Join(" | ", fuzzCase.AnyOf)}"];
            _exampleMessages.TryAdd(fuzzCase.Kind, $"{thrown.GetType().Name}: {thrown.Message.ReplaceLineEndings(" ")}");
            if (missing.Length > 0) return $"the message lacks \"{string.Join("\", \"", missing)}\": {thrown.Message}";
            if (thrown is ModelFileException file && fuzzCase.Reasons is { } reasons && !reasons.Contains(file.Reason))
            {
                return $"reason {file.Reason}, expected {string.Join(" or ", reasons)}: {thrown.Message}";
            }
            // An arithmetic failure ran the pass, so its gradients are spent; everything else must be as it was.
            List<string> changed = before.Differences(new StateSnapshot(fuzzed), includeGradients: fuzzCase.Expected is not null);
            if (changed.Count > 0) return $"{expected.Name} thrown ({thrown.Message}), but {string.Join("; ", changed)}";
            if (fuzzCase.RanTrainingPass)
            {
                // TrainStep overwrote the activations a pending Forward kept, as documented: the twin forgets its own.
                float[] state = new float[twin.Network.StateLength];
                twin.Network.CopyState(state);
                twin.Network.RestoreState(state);
                pendingBatch = 0;
            }
        }

        try
        {
            fuzzCase.ThenFuzzed?.Invoke(fuzzed);
            fuzzCase.ThenTwin?.Invoke(twin);
        }
        catch (Exception e)
        {
            return $"completing the case failed: {e.GetType().Name}: {e.Message}";
        }

        // Valid calls after the bad one: the same results, bit for bit, as on the twin.
        int seed = random.Next();
        string fuzzedOutcome = FollowUp(fuzzed, new Random(seed), pendingBatch);
        string twinOutcome = FollowUp(twin, new Random(seed), pendingBatch);
        if (fuzzedOutcome != twinOutcome) return $"valid calls afterwards differ from the twin's:\n      fuzzed: {fuzzedOutcome}\n      twin:   {twinOutcome}";
        List<string> drift = new StateSnapshot(twin).Differences(new StateSnapshot(fuzzed));
        return drift.Count > 0 ? $"after the valid calls the state differs from the twin's: {string.Join("; ", drift)}" : null;
    }

    /// <summary>Backward of the pending training Forward (or of none), one TrainStep and one Predict; their results as text.</summary>
    private static string FollowUp(FuzzedNetwork side, Random random, int pendingBatch)
    {
        INetwork net = side.Network;
        var outcome = new List<string>();
        int backwardBatch = pendingBatch > 0 ? pendingBatch : random.Next(1, net.MaxBatchSize + 1);
        float[] outputGradients = Enumerable.Range(0, backwardBatch * net.OutputSize).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        float[] inputGradients = new float[backwardBatch * net.InputSize];
        outcome.Add(Attempt(() =>
        {
            net.Backward(outputGradients, inputGradients, backwardBatch);
            return $"gradients {Hash(net.Gradients)}, input gradients {Hash(inputGradients)}";
        }));

        int batch = random.Next(net.MinimumTrainingBatch, net.MaxBatchSize + 1);
        float[] inputs = SampleNetworks.Features(random, batch, net.InputSize);
        int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(net.OutputSize)).ToArray();
        float[] targets = Enumerable.Range(0, batch * net.OutputSize).Select(_ => (float)random.Next(2)).ToArray();
        outcome.Add(Attempt(() =>
        {
            float loss = net is IClassifier classifier
                ? classifier.TrainStep(inputs, labels, batch, side.Optimizer)
                : ((IRegressor)net).TrainStep(inputs, targets, batch, side.Optimizer);
            return $"loss {BitConverter.SingleToInt32Bits(loss):X8}";
        }));

        float[] outputs = new float[batch * net.OutputSize];
        outcome.Add(Attempt(() =>
        {
            net.Predict(inputs, outputs, batch);
            return $"predictions {Hash(outputs)}";
        }));
        return string.Join(", ", outcome);
    }

    private static string Attempt(Func<string> call)
    {
        try
        {
            return call();
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static string Hash(ReadOnlySpan<float> values) => Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values)))[..16];
}
