using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using System.Threading;
using NormReg.Benchmarks;

namespace NormReg.Deploy;

/// <summary>
/// <c>NormReg.Deploy --mode NAME --out FILE [--repetitions N] [--block-ms M] [--networks A,B] [--batches 1,8]</c> times Predict
/// and TrainStep of the benchmark networks (all four unless <c>--networks</c> names some), with the weights pytorch_bench.py wrote,
/// at batch 1, 8, 32 and 128 (or those <c>--batches</c> names), and writes the medians as JSON. The same
/// program is published under the JIT, ReadyToRun and Native AOT by benchmarks/run.sh; see benchmarks/README.md.
/// </summary>
public static class Program
{
    private static readonly int[] Batches = [1, 8, 32, 128];
    private const int Pool = 8;

    private static readonly (string Name, Func<int, INetwork> Create)[] Networks =
    [
        (nameof(MnistMlp), n => new MnistMlp(n, 5)),
        (nameof(TabularMlp), n => new TabularMlp(n, 5)),
        (nameof(WideMlp), n => new WideMlp(n, 5)),
        (nameof(LeNet), n => new LeNet(n, 5)),
    ];

    public static int Main(string[] args)
    {
        string? mode = null, output = null;
        int repetitions = 11;
        double blockMilliseconds = 20;
        string[]? networks = null;
        int[] batches = Batches;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--mode": mode = value; break;
                case "--out": output = value; break;
                case "--repetitions": repetitions = int.Parse(value); break;
                case "--block-ms": blockMilliseconds = double.Parse(value); break;
                case "--networks": networks = value.Split(','); break;
                case "--batches": batches = Array.ConvertAll(value.Split(','), int.Parse); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}': expected --mode, --out, --repetitions, --block-ms, --networks or --batches.");
            }
            i++;
        }
        if (mode is null || output is null) throw new ArgumentException("--mode NAME and --out FILE are required.");
        if (repetitions < 1 || blockMilliseconds <= 0)
        {
            throw new ArgumentException($"--repetitions must be at least 1 and --block-ms above 0; got {repetitions} and {blockMilliseconds}.");
        }

        using var stream = File.Create(output);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("mode", mode);
        json.WriteBoolean("dynamic_code", RuntimeFeature.IsDynamicCodeSupported);
        json.WriteNumber("threads", Parallelism.MaxThreads);
        json.WriteString("widest_vector", Vector512.IsHardwareAccelerated ? "512" : Vector256.IsHardwareAccelerated ? "256" : Vector128.IsHardwareAccelerated ? "128" : "none");
        json.WriteBoolean("fma", Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);
        json.WriteNumber("repetitions", repetitions);
        json.WriteNumber("block_ms", blockMilliseconds);
        json.WriteStartArray("rows");
        foreach ((string name, Func<int, INetwork> create) in Networks)
        {
            if (networks is not null && Array.IndexOf(networks, name) < 0) continue;
            NetworkData data = BenchData.Load(name);
            int minimumTrainingBatch = create(1).MinimumTrainingBatch;
            foreach (int batch in batches)
            {
                double roundTrip = RoundTripNanoseconds();
                Row(json, name, "predict", batch, batch, TimePredict(data, create, batch, repetitions, blockMilliseconds), roundTrip);
                int trainBatch = Math.Max(batch, minimumTrainingBatch);
                roundTrip = RoundTripNanoseconds();
                Row(json, name, "train", batch, trainBatch, TimeTrainStep(data, create, trainBatch, repetitions, blockMilliseconds), roundTrip);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        return 0;
    }

    private static void Row(Utf8JsonWriter json, string network, string kind, int batch, int used, double nanoseconds, double roundTrip)
    {
        Console.WriteLine($"  {network,-11} {kind,-7} batch {used,3}: {nanoseconds / 1e3,10:F2} us  (cores' round trip {roundTrip:F0} ns)");
        json.WriteStartObject();
        json.WriteString("network", network);
        json.WriteString("kind", kind);
        json.WriteNumber("batch", batch);
        json.WriteNumber("batch_used", used);
        json.WriteNumber("median_ns", nanoseconds);
        json.WriteNumber("round_trip_ns", Math.Round(roundTrip));
        json.WriteEndObject();
    }

    /// <summary>
    /// How long a cache line takes to go from this thread to another and back, median of 9 blocks of 2000 round trips: on a virtual
    /// machine it depends on where the host runs the virtual cores at the time (80–90 ns and 370–410 ns in two phases of the 2-core VM
    /// the README's figures come from), and it bounds what a second thread can gain.
    /// </summary>
    private static double RoundTripNanoseconds()
    {
        const int Flag = 16, Trips = 2000;
        long[] line = new long[2 * Flag];
        var other = new Thread(() =>
        {
            for (long i = 1; i < 2 * 9 * Trips; i += 2)
            {
                while (Volatile.Read(ref line[Flag]) != i) { }
                Volatile.Write(ref line[Flag], i + 1);
            }
        }) { IsBackground = true };
        other.Start();
        var blocks = new double[9];
        long value = 0;
        for (int b = 0; b < blocks.Length; b++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < Trips; r++)
            {
                Volatile.Write(ref line[Flag], value + 1);
                while (Volatile.Read(ref line[Flag]) != value + 2) { }
                value += 2;
            }
            blocks[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Trips;
        }
        other.Join();
        Array.Sort(blocks);
        return blocks[blocks.Length / 2];
    }

    private static double TimePredict(NetworkData data, Func<int, INetwork> create, int batch, int repetitions, double blockMilliseconds)
    {
        INetwork network = create(batch);
        network.RestoreState(data.State);
        float[] inputs = BenchData.Gaussian(batch * data.InputSize, 1);
        float[] outputs = new float[batch * data.OutputSize];
        return Median(() => network.Predict(inputs, outputs, batch), repetitions, blockMilliseconds);
    }

    private static double TimeTrainStep(NetworkData data, Func<int, INetwork> create, int batch, int repetitions, double blockMilliseconds)
    {
        INetwork network = create(batch);
        network.RestoreState(data.State);
        var optimizer = new Sgd(data.LearningRate, momentum: data.Momentum);
        float[] inputs = BenchData.Gaussian(Pool * batch * data.InputSize, 2);
        int[] labels = BenchData.Labels(Pool * batch, data.OutputSize, 3);
        float[] targets = BenchData.Gaussian(Pool * batch * data.OutputSize, 4);
        int step = 0;
        Action trainStep = network switch
        {
            IClassifier classifier => () =>
            {
                int k = step++ & (Pool - 1);
                classifier.TrainStep(inputs.AsSpan(k * batch * data.InputSize, batch * data.InputSize), labels.AsSpan(k * batch, batch), batch, optimizer);
            },
            IRegressor regressor => () =>
            {
                int k = step++ & (Pool - 1);
                regressor.TrainStep(inputs.AsSpan(k * batch * data.InputSize, batch * data.InputSize), targets.AsSpan(k * batch * data.OutputSize, batch * data.OutputSize), batch, optimizer);
            },
            _ => throw new InvalidOperationException($"{data.Name} is neither an IClassifier nor an IRegressor."),
        };
        return Median(trainStep, repetitions, blockMilliseconds);
    }

    /// <summary>
    /// Brings <paramref name="operation"/> to steady state, then times <paramref name="repetitions"/> blocks of as many calls as fill
    /// <paramref name="blockMilliseconds"/> (counted once, after the warm-up) and returns the median time per call in nanoseconds.
    /// </summary>
    private static double Median(Action operation, int repetitions, double blockMilliseconds)
    {
        SteadyState.Reach(operation);
        long calls = 0;
        var probe = Stopwatch.StartNew();
        do
        {
            operation();
            calls++;
        }
        while (probe.Elapsed.TotalMilliseconds < blockMilliseconds);
        var perCall = new List<double>(repetitions);
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (long c = 0; c < calls; c++) operation();
            perCall.Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls);
        }
        perCall.Sort();
        return perCall[repetitions / 2];
    }
}
