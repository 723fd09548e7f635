using System;
using Microsoft.ML.OnnxRuntime;

namespace NormReg.Benchmarks;

/// <summary>
/// ONNX Runtime measured as a user who cares about speed would run it: one intra-op and one inter-op thread,
/// every graph optimization, and the input and output tensors bound once (I/O binding over pinned arrays), so a
/// timed call is <c>RunWithBinding</c> alone, with no tensor created or copied per call.
/// </summary>
public sealed class OrtPeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;

    public OrtPeer(string onnxPath, float[] inputs, float[] outputs, int batch, int inputSize, int outputSize)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxPath, options);
        _input = OrtValue.CreateTensorValueFromMemory(inputs, new long[] { batch, inputSize });
        _output = OrtValue.CreateTensorValueFromMemory(outputs, new long[] { batch, outputSize });
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
}
