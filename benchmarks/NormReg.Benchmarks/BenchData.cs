using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace NormReg.Benchmarks;

/// <summary>One network as benchmarks/peers/pytorch_bench.py wrote it: weights, ONNX file and reference numbers.</summary>
public sealed class NetworkData
{
    public required string Name { get; init; }
    public required int InputSize { get; init; }
    public required int OutputSize { get; init; }
    public required bool Classifier { get; init; }
    public required double LearningRate { get; init; }
    public required double Momentum { get; init; }
    public required float[] State { get; init; }
    public required string OnnxPath { get; init; }

    /// <summary>Whether ONNX Runtime runs NormReg's own <c>ExportOnnx</c> of the weights (else PyTorch's file at <see cref="OnnxPath"/>).</summary>
    public required bool OnnxFromNormReg { get; init; }
    public required int ReferenceBatch { get; init; }
    public required float[] ReferenceInputs { get; init; }
    public required float[] ReferenceEvalOutputs { get; init; }

    /// <summary>For networks without dropout: the targets (or labels, as floats) of one SGD step, its loss, and the state after it.</summary>
    public float[]? ReferenceTrainTargets { get; init; }
    public double? ReferenceTrainLoss { get; init; }
    public float[]? StateAfterStep { get; init; }
}

/// <summary>Finds and reads the files of <c>pytorch_bench.py --models</c>, and makes benchmark inputs.</summary>
public static class BenchData
{
    /// <summary>
    /// <c>$NORMREG_BENCH_MODELS</c>, else the first <c>benchmarks/artifacts/models</c> above the working directory or the
    /// executable (BenchmarkDotNet runs each benchmark from a folder under bin/).
    /// </summary>
    public static string ModelDirectory
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("NORMREG_BENCH_MODELS");
            if (!string.IsNullOrEmpty(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
                {
                    string candidate = Path.Combine(d.FullName, "artifacts", "models");
                    if (d.Name == "benchmarks" && Directory.Exists(candidate)) return candidate;
                    candidate = Path.Combine(d.FullName, "benchmarks", "artifacts", "models");
                    if (Directory.Exists(candidate)) return candidate;
                }
            }
            throw new DirectoryNotFoundException(
                "No benchmarks/artifacts/models folder: run benchmarks/run.sh (or peers/pytorch_bench.py --models DIR and set NORMREG_BENCH_MODELS=DIR).");
        }
    }

    public static NetworkData Load(string name)
    {
        string directory = ModelDirectory;
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, name + ".json")));
        JsonElement root = manifest.RootElement;
        JsonElement reference = root.GetProperty("reference");
        float[] state = ReadFloats(Path.Combine(directory, name + ".state.bin"));
        int stateLength = root.GetProperty("state_length").GetInt32();
        if (state.Length != stateLength)
        {
            throw new InvalidDataException($"{name}.state.bin holds {state.Length} floats; its manifest says {stateLength}.");
        }
        string step1 = Path.Combine(directory, name + ".step1.bin");
        return new NetworkData
        {
            Name = name,
            InputSize = root.GetProperty("input_size").GetInt32(),
            OutputSize = root.GetProperty("output_size").GetInt32(),
            Classifier = root.GetProperty("loss").GetString() == "cross_entropy",
            LearningRate = root.GetProperty("learning_rate").GetDouble(),
            Momentum = root.GetProperty("momentum").GetDouble(),
            State = state,
            OnnxPath = Path.Combine(directory, name + ".onnx"),
            OnnxFromNormReg = root.TryGetProperty("onnx_exporter", out JsonElement exporter) && exporter.GetString() == "normreg",
            ReferenceBatch = reference.GetProperty("batch").GetInt32(),
            ReferenceInputs = Floats(reference.GetProperty("inputs")),
            ReferenceEvalOutputs = Floats(reference.GetProperty("eval_outputs")),
            ReferenceTrainTargets = reference.TryGetProperty("train_targets", out JsonElement t) ? Floats(t) : null,
            ReferenceTrainLoss = reference.TryGetProperty("train_loss", out JsonElement l) ? l.GetDouble() : null,
            StateAfterStep = File.Exists(step1) ? ReadFloats(step1) : null,
        };
    }

    /// <summary>
    /// The ONNX model ONNX Runtime runs for <paramref name="data"/>: PyTorch's file, or, for a network PyTorch wrote no file
    /// for, <c>ExportOnnx</c> of a network from <paramref name="create"/> after restoring <paramref name="data"/>'s weights into it.
    /// </summary>
    public static byte[] OnnxModel(NetworkData data, Func<INetwork> create)
    {
        if (!data.OnnxFromNormReg) return File.ReadAllBytes(data.OnnxPath);
        INetwork network = create();
        network.RestoreState(data.State);
        using var stream = new MemoryStream();
        network.ExportOnnx(stream);
        return stream.ToArray();
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    private static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length % 4 != 0) throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of floats.");
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return values;
    }

    /// <summary>Standard normal values (Box–Muller), as torch.randn gives the PyTorch side.</summary>
    public static float[] Gaussian(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
        }
        return values;
    }

    /// <summary>Labels uniform in [0, classes).</summary>
    public static int[] Labels(int count, int classes, int seed)
    {
        var random = new Random(seed);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = random.Next(classes);
        return labels;
    }
}
