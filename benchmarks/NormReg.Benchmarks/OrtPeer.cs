using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace NormReg.Benchmarks;

/// <summary>
/// ONNX Runtime measured as a user who cares about speed would run it: one intra-op and one inter-op thread,
/// every graph optimization, and the input and output tensors bound once (I/O binding over pinned arrays), so a
/// timed call is <c>RunWithBinding</c> alone, with no tensor created or copied per call. With the environment variable
/// <c>NORMREG_BENCH_ORT_THREADS=default</c> (a job of its own in <see cref="Program"/>) the thread counts are left to ONNX
/// Runtime, as a user who sets none runs it.
/// </summary>
public sealed class OrtPeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;

    /// <summary>
    /// A session on the ONNX <paramref name="model"/>, its <c>input</c> and <c>output</c> bound to
    /// <paramref name="inputs"/> and <paramref name="outputs"/> in the shapes the model declares ([batch, features] or
    /// [batch, channels, height, width]) with <paramref name="batch"/> samples.
    /// </summary>
    public OrtPeer(byte[] model, float[] inputs, float[] outputs, int batch)
    {
        using var options = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (Environment.GetEnvironmentVariable("NORMREG_BENCH_ORT_THREADS") != "default")
        {
            options.IntraOpNumThreads = 1;
            options.InterOpNumThreads = 1;
        }
        _session = new InferenceSession(model, options);
        _input = OrtValue.CreateTensorValueFromMemory(inputs, Shape("input", _session.InputMetadata, batch, inputs.Length));
        _output = OrtValue.CreateTensorValueFromMemory(outputs, Shape("output", _session.OutputMetadata, batch, outputs.Length));
        _binding = _session.CreateIoBinding();
        _binding.BindInput("input", _input);
        _binding.BindOutput("output", _output);
    }

    /// <summary>Runs the network on the bound input, writing the bound output array.</summary>
    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>The declared shape of <paramref name="name"/> with <paramref name="batch"/> as its first dimension, checked against the array's length.</summary>
    private static long[] Shape(string name, IReadOnlyDictionary<string, NodeMetadata> metadata, int batch, int length)
    {
        long[] shape = [batch, .. metadata[name].Dimensions.Skip(1).Select(d => (long)d)];
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (count != length)
        {
            throw new ArgumentException($"The model's {name} is [{string.Join(", ", metadata[name].Dimensions)}], {count} values at batch {batch}; the array holds {length}.");
        }
        return shape;
    }
}
