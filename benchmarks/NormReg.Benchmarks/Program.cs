using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace NormReg.Benchmarks;

/// <summary>
/// <c>NormReg.Benchmarks verify [--out FILE]</c> checks the networks against PyTorch and ONNX Runtime;
/// <c>NormReg.Benchmarks [--profile quick|full] [BenchmarkDotNet options, e.g. --filter *Mnist*]</c> times them.
/// benchmarks/run.sh runs both; see benchmarks/README.md.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "verify") return Verify.Run(args[1..]);

        string profile = "full";
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--profile" && i + 1 < args.Length) profile = args[++i];
            else rest.Add(args[i]);
        }
        if (!rest.Contains("--filter")) rest.AddRange(["--filter", "*"]);

        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], Config(profile));
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }

    /// <summary>The large dense layer shapes also timed without Dynamic PGO (see <see cref="Config"/>).</summary>
    public static readonly string[] NoPgoShapes = ["784x256", "256x128", "1024x1024"];

    /// <summary>
    /// The kernel paths below the widest, each a job whose process has instruction sets switched off as KernelPathTests does:
    /// 256-bit (AVX-512 off), 128-bit with FMA (and a preferred width of 128), 128-bit without FMA (AVX2 off, which takes FMA
    /// with it). Each runs the dense kernels on <see cref="NoPgoShapes"/> at batch 128 (see <see cref="Config"/>).
    /// </summary>
    public static readonly (string Id, string[] Settings)[] KernelPaths =
    [
        ("Path256", ["DOTNET_EnableAVX512F=0", "DOTNET_EnableAVX512=0"]),
        ("Path128", ["DOTNET_EnableAVX512F=0", "DOTNET_EnableAVX512=0", "DOTNET_PreferredVectorBitWidth=128"]),
        ("Path128NoFma", ["DOTNET_EnableAVX2=0"]),
    ];

    /// <summary>The batch sizes at which ONNX Runtime is also timed at its default thread counts (see <see cref="Config"/>).</summary>
    public static readonly int[] OrtDefaultThreadBatches = [8, 32, 128];

    /// <summary>
    /// One job for every benchmark, short enough that run.sh finishes in about ten minutes on two cores: a fixed number
    /// of warm-up and measured iterations (BenchmarkDotNet picks the calls per iteration to fill the iteration time),
    /// one process per benchmark, no overhead evaluation (the calls take microseconds; the harness adds nanoseconds).
    /// Each global setup first brings its operation to steady state (<see cref="SteadyState"/>). The report reads the median.
    /// A second job runs <c>Dense.Forward</c> on the large <see cref="DenseKernelBenchmarks"/> shapes with <c>DOTNET_TieredPGO=0</c>: the code a
    /// process gets without Dynamic PGO (ReadyToRun or Native AOT code, or PGO turned off), to show how much a kernel
    /// depends on it. A third job runs <c>OrtPredict</c> at <see cref="OrtDefaultThreadBatches"/> with ONNX Runtime's default thread
    /// counts (<c>NORMREG_BENCH_ORT_THREADS=default</c>, see <see cref="OrtPeer"/>). One job per path of <see cref="KernelPaths"/> runs the
    /// dense kernels on the large shapes at batch 128.
    /// </summary>
    private static IConfig Config(string profile)
    {
        (int warmup, int iterations, int milliseconds) = profile switch
        {
            "quick" => (1, 5, 50),
            "full" => (4, 15, 150),
            _ => throw new ArgumentException($"--profile is quick or full, not '{profile}'."),
        };
        Job job = Job.Default
            .WithId(profile)
            .WithLaunchCount(1)
            .WithWarmupCount(warmup)
            .WithIterationCount(iterations)
            .WithIterationTime(TimeInterval.FromMilliseconds(milliseconds))
            .WithEvaluateOverhead(false);
        Job noPgo = job
            .WithEnvironmentVariable("DOTNET_TieredPGO", "0")
            .WithId(profile + "-NoPGO");
        Job ortDefaultThreads = job
            .WithEnvironmentVariable("NORMREG_BENCH_ORT_THREADS", "default")
            .WithId(profile + "-OrtDefaultThreads");
        Job[] paths = KernelPaths.Select(path => path.Settings.Aggregate(job.WithId($"{profile}-{path.Id}"), (j, setting) =>
            j.WithEnvironmentVariable(setting.Split('=')[0], setting.Split('=')[1]))).ToArray();
        return DefaultConfig.Instance
            .AddJob(job)
            .AddJob(noPgo)
            .AddJob(ortDefaultThreads)
            .AddJob(paths)
            .AddFilter(new SimpleFilter(b => b.Job.Id == job.Id
                || (paths.Any(p => p.Id == b.Job.Id) && b.Descriptor.Type == typeof(DenseKernelBenchmarks)
                    && NoPgoShapes.Contains(b.Parameters["Shape"] as string) && (int)b.Parameters["Batch"] == 128)
                || (b.Job.Id == noPgo.Id && b.Descriptor.WorkloadMethod.Name == nameof(DenseKernelBenchmarks.DenseForward)
                    && NoPgoShapes.Contains(b.Parameters["Shape"] as string))
                || (b.Job.Id == ortDefaultThreads.Id && b.Descriptor.WorkloadMethod.Name == nameof(NetworkBenchmark.OrtPredict)
                    && OrtDefaultThreadBatches.Contains((int)b.Parameters["Batch"]))))
            .AddColumn(StatisticColumn.Median)
            .AddExporter(JsonExporter.Full)
            .WithOptions(ConfigOptions.JoinSummary);
    }
}
