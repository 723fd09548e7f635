using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace NormReg.Benchmarks;

/// <summary>
/// <c>NormReg.Benchmarks verify [--out FILE]</c>: checks that the three runtimes compute the same networks before they
/// are timed. For each network, NormReg's Predict and ONNX Runtime on PyTorch's reference batch against PyTorch's
/// eval-mode outputs; for networks without dropout, one NormReg TrainStep (SGD with momentum) against PyTorch's loss
/// and the state after PyTorch's step; and the bytes each Predict and TrainStep allocates, counted exactly on the
/// calling thread. Prints one line per check, writes them as JSON, and exits 1 if one fails.
/// </summary>
public static class Verify
{
    private sealed record Check(string Network, string What, double Error, double Tolerance)
    {
        public bool Ok => Error <= Tolerance;
    }

    public static int Run(string[] args)
    {
        string? output = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length) output = args[++i];
        }
        var checks = new List<Check>();
        checks.AddRange(Network(new MnistMlp(8, 5), BenchData.Load(nameof(MnistMlp))));
        checks.AddRange(Network(new TabularMlp(8, 5), BenchData.Load(nameof(TabularMlp))));
        checks.AddRange(Network(new WideMlp(8, 5), BenchData.Load(nameof(WideMlp))));
        checks.AddRange(Network(new LeNet(8, 5), BenchData.Load(nameof(LeNet))));
        checks.AddRange(Allocations(nameof(MnistMlp), new MnistMlp(128, 5), minimumTrainBatch: 2));
        checks.AddRange(Allocations(nameof(TabularMlp), new TabularMlp(128, 5), minimumTrainBatch: 1));
        checks.AddRange(Allocations(nameof(WideMlp), new WideMlp(128, 5), minimumTrainBatch: 1));
        checks.AddRange(Allocations(nameof(LeNet), new LeNet(128, 5), minimumTrainBatch: 1));
        foreach (Check c in checks)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(c.Ok ? "ok  " : "FAIL")} {c.Network,-11} {c.What,-44} {c.Error,10:G3} (tolerance {c.Tolerance:G3})"));
        }
        if (output is not null)
        {
            var json = checks.Select(c => new Dictionary<string, object>
            {
                ["network"] = c.Network,
                ["check"] = c.What,
                ["error"] = c.Error,
                ["tolerance"] = c.Tolerance,
                ["ok"] = c.Ok,
            });
            File.WriteAllText(output, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        }
        return checks.All(c => c.Ok) ? 0 : 1;
    }

    private static IEnumerable<Check> Network(INetwork net, NetworkData data)
    {
        int batch = data.ReferenceBatch;
        float[] expected = data.ReferenceEvalOutputs;
        double tolerance = 1e-4 + 1e-3 * expected.Max(Math.Abs);

        net.RestoreState(data.State);
        var outputs = new float[batch * data.OutputSize];
        net.Predict(data.ReferenceInputs, outputs, batch);
        yield return new Check(data.Name, "NormReg Predict vs PyTorch eval", MaxDifference(outputs, expected), tolerance);

        var ortOutputs = new float[batch * data.OutputSize];
        using (var ort = new OrtPeer(BenchData.OnnxModel(data, () => net), (float[])data.ReferenceInputs.Clone(), ortOutputs, batch))
        {
            ort.Run();
        }
        yield return new Check(data.Name, "ORT Predict vs PyTorch eval", MaxDifference(ortOutputs, expected), tolerance);

        if (data.ReferenceTrainTargets is { } targets && data.StateAfterStep is { } after && data.ReferenceTrainLoss is { } expectedLoss)
        {
            net.RestoreState(data.State);
            var optimizer = new Sgd(data.LearningRate, momentum: data.Momentum);
            float loss = net switch
            {
                IClassifier c => c.TrainStep(data.ReferenceInputs, targets.Select(t => (int)t).ToArray(), batch, optimizer),
                IRegressor r => r.TrainStep(data.ReferenceInputs, targets, batch, optimizer),
                _ => throw new InvalidOperationException(data.Name + " is neither a classifier nor a regressor."),
            };
            yield return new Check(data.Name, "NormReg TrainStep loss vs PyTorch", Math.Abs(loss - expectedLoss), 1e-5 + 1e-4 * Math.Abs(expectedLoss));

            var state = new float[net.StateLength];
            net.CopyState(state);
            double largestUpdate = 0;
            for (int i = 0; i < after.Length; i++) largestUpdate = Math.Max(largestUpdate, Math.Abs(after[i] - data.State[i]));
            yield return new Check(data.Name, "NormReg state after step vs PyTorch", MaxDifference(state, after), 1e-6 + 1e-2 * largestUpdate);
        }
    }

    /// <summary>
    /// Bytes allocated per Predict and per TrainStep, the most over batch 1, 8, 32 and 128, counted on this thread
    /// (<c>GC.GetAllocatedBytesForCurrentThread</c>) over 20 calls after 30. BenchmarkDotNet's MemoryDiagnoser counts the
    /// whole process, so the tiered JIT's background thread can add a few bytes per operation to a slow benchmark
    /// (BenchmarkDotNet issue #1542); this count is exact.
    /// </summary>
    private static IEnumerable<Check> Allocations(string name, INetwork net, int minimumTrainBatch)
    {
        double predict = 0, train = 0;
        var optimizer = new Sgd(0.001, momentum: 0.9);
        foreach (int batch in new[] { 1, 8, 32, 128 })
        {
            float[] inputs = BenchData.Gaussian(batch * net.InputSize, batch);
            var outputs = new float[batch * net.OutputSize];
            predict = Math.Max(predict, BytesPerCall(() => net.Predict(inputs, outputs, batch)));

            int n = Math.Max(batch, minimumTrainBatch);
            float[] trainInputs = BenchData.Gaussian(n * net.InputSize, n + 1);
            int[] labels = BenchData.Labels(n, net.OutputSize, n);
            float[] targets = BenchData.Gaussian(n * net.OutputSize, n + 2);
            Action step = net switch
            {
                IClassifier c => () => c.TrainStep(trainInputs, labels, n, optimizer),
                IRegressor r => () => r.TrainStep(trainInputs, targets, n, optimizer),
                _ => throw new InvalidOperationException(name + " is neither a classifier nor a regressor."),
            };
            train = Math.Max(train, BytesPerCall(step));
        }
        yield return new Check(name, "NormReg Predict bytes allocated per call", predict, 0);
        yield return new Check(name, "NormReg TrainStep bytes allocated per call", train, 0);
    }

    private static double BytesPerCall(Action operation)
    {
        for (int i = 0; i < 30; i++) operation();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) operation();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / 20.0;
    }

    private static double MaxDifference(float[] actual, float[] expected)
    {
        if (actual.Length != expected.Length) return double.PositiveInfinity;
        double max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(d)) return double.PositiveInfinity;
            max = Math.Max(max, d);
        }
        return max;
    }
}
