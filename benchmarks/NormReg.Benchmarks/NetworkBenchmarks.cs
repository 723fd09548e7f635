using System;
using BenchmarkDotNet.Attributes;

namespace NormReg.Benchmarks;

// One class per network, each timing at batch 1, 8, 32 and 128:
//   NormRegPredict    the generated Predict (inference: dropout off, BatchNorm folded into the Dense or Conv2D before it)
//   NormRegPredictBFloat16  (784 network only) the same at WeightPrecision.BFloat16
//   OrtPredict        ONNX Runtime on the same network and weights (exported by pytorch_bench.py; LeNet by NormReg's ExportOnnx)
//   NormRegTrainStep  the generated TrainStep (forward, loss, backward, L2 gradient, SGD momentum 0.9)
// The networks load the weights pytorch_bench.py wrote, so NormReg, ONNX Runtime and PyTorch compute the same
// function; `NormReg.Benchmarks verify` checks it. Training cycles through a pool of batches, as the PyTorch step does.

/// <summary>What the network benchmark classes share: inputs, the ONNX Runtime peer and the training pool.</summary>
public abstract class NetworkBenchmark : IDisposable
{
    protected const int Pool = 8;

    [Params(1, 8, 32, 128)]
    public int Batch { get; set; }

    protected float[] Inputs = [];
    protected float[] Outputs = [];
    protected float[] OrtOutputs = [];
    protected float[] TrainInputs = [];
    protected int[] TrainLabels = [];
    protected float[] TrainTargets = [];
    protected Sgd Optimizer = null!;
    protected int Step;
    private OrtPeer? _ort;

    /// <summary>The batch a training step uses: BatchNorm cannot train on one sample, so its network trains batch 1 as 2 (as in PyTorch).</summary>
    public virtual int TrainBatch => Batch;

    protected NetworkData Setup(string name, int inputSize, int outputSize)
    {
        NetworkData data = BenchData.Load(name);
        Inputs = BenchData.Gaussian(Batch * inputSize, 1);
        Outputs = new float[Batch * outputSize];
        TrainInputs = BenchData.Gaussian(Pool * TrainBatch * inputSize, 2);
        TrainLabels = BenchData.Labels(Pool * TrainBatch, outputSize, 3);
        TrainTargets = BenchData.Gaussian(Pool * TrainBatch * outputSize, 4);
        Optimizer = new Sgd(data.LearningRate, momentum: data.Momentum);
        return data;
    }

    /// <summary>
    /// Global setup of <see cref="OrtPredict"/>: the session on the network's ONNX model (PyTorch's file, or NormReg's export
    /// of a network from <paramref name="create"/>, see <see cref="BenchData.OnnxModel"/>), bound to this batch's arrays.
    /// </summary>
    protected void SetupOrt(string name, int inputSize, int outputSize, Func<INetwork> create)
    {
        NetworkData data = Setup(name, inputSize, outputSize);
        OrtOutputs = new float[Batch * outputSize];
        _ort = new OrtPeer(BenchData.OnnxModel(data, create), Inputs, OrtOutputs, Batch);
        SteadyState.Reach(OrtPredict);
    }

    [Benchmark(Description = "ORT Predict")]
    public void OrtPredict() => _ort!.Run();

    [GlobalCleanup]
    public void Dispose()
    {
        _ort?.Dispose();
        _ort = null;
        GC.SuppressFinalize(this);
    }
}

[MemoryDiagnoser]
public class MnistMlpBenchmarks : NetworkBenchmark
{
    private MnistMlp _net = null!;

    public override int TrainBatch => Math.Max(Batch, 2);

    [GlobalSetup(Target = nameof(NormRegPredict))]
    public void SetupPredict()
    {
        CreateNetwork();
        SteadyState.Reach(NormRegPredict);
    }

    [GlobalSetup(Target = nameof(NormRegTrainStep))]
    public void SetupTrainStep()
    {
        CreateNetwork();
        SteadyState.Reach(() => NormRegTrainStep());
    }

    [GlobalSetup(Target = nameof(NormRegPredictBFloat16))]
    public void SetupPredictBFloat16()
    {
        CreateNetwork();
        _net.InferencePrecision = WeightPrecision.BFloat16;
        SteadyState.Reach(NormRegPredictBFloat16);
    }

    [GlobalSetup(Target = nameof(OrtPredict))]
    public void SetupOrtPredict() => SetupOrt(nameof(MnistMlp), MnistMlp.InputSize, MnistMlp.OutputSize, () => new MnistMlp(1, 5));

    private void CreateNetwork()
    {
        NetworkData data = Setup(nameof(MnistMlp), MnistMlp.InputSize, MnistMlp.OutputSize);
        _net = new MnistMlp(maxBatchSize: TrainBatch, seed: 5);
        _net.RestoreState(data.State);
    }

    [Benchmark(Description = "NormReg Predict")]
    public void NormRegPredict() => _net.Predict(Inputs, Outputs, Batch);

    /// <summary>Predict reading the two large Dense rows' weights in bfloat16 (<see cref="WeightPrecision.BFloat16"/>).</summary>
    [Benchmark(Description = "NormReg Predict bf16")]
    public void NormRegPredictBFloat16() => _net.Predict(Inputs, Outputs, Batch);

    [Benchmark(Description = "NormReg TrainStep")]
    public float NormRegTrainStep()
    {
        int n = TrainBatch, k = Step++ & (Pool - 1);
        return _net.TrainStep(TrainInputs.AsSpan(k * n * MnistMlp.InputSize, n * MnistMlp.InputSize), TrainLabels.AsSpan(k * n, n), n, Optimizer);
    }
}

[MemoryDiagnoser]
public class TabularMlpBenchmarks : NetworkBenchmark
{
    private TabularMlp _net = null!;

    [GlobalSetup(Target = nameof(NormRegPredict))]
    public void SetupPredict()
    {
        CreateNetwork();
        SteadyState.Reach(NormRegPredict);
    }

    [GlobalSetup(Target = nameof(NormRegTrainStep))]
    public void SetupTrainStep()
    {
        CreateNetwork();
        SteadyState.Reach(() => NormRegTrainStep());
    }

    [GlobalSetup(Target = nameof(OrtPredict))]
    public void SetupOrtPredict() => SetupOrt(nameof(TabularMlp), TabularMlp.InputSize, TabularMlp.OutputSize, () => new TabularMlp(1, 5));

    private void CreateNetwork()
    {
        NetworkData data = Setup(nameof(TabularMlp), TabularMlp.InputSize, TabularMlp.OutputSize);
        _net = new TabularMlp(maxBatchSize: TrainBatch, seed: 5);
        _net.RestoreState(data.State);
    }

    [Benchmark(Description = "NormReg Predict")]
    public void NormRegPredict() => _net.Predict(Inputs, Outputs, Batch);

    [Benchmark(Description = "NormReg TrainStep")]
    public float NormRegTrainStep()
    {
        int n = TrainBatch, k = Step++ & (Pool - 1);
        return _net.TrainStep(TrainInputs.AsSpan(k * n * TabularMlp.InputSize, n * TabularMlp.InputSize), TrainTargets.AsSpan(k * n * TabularMlp.OutputSize, n * TabularMlp.OutputSize), n, Optimizer);
    }
}

[MemoryDiagnoser]
public class WideMlpBenchmarks : NetworkBenchmark
{
    private WideMlp _net = null!;

    [GlobalSetup(Target = nameof(NormRegPredict))]
    public void SetupPredict()
    {
        CreateNetwork();
        SteadyState.Reach(NormRegPredict);
    }

    [GlobalSetup(Target = nameof(NormRegTrainStep))]
    public void SetupTrainStep()
    {
        CreateNetwork();
        SteadyState.Reach(() => NormRegTrainStep());
    }

    [GlobalSetup(Target = nameof(OrtPredict))]
    public void SetupOrtPredict() => SetupOrt(nameof(WideMlp), WideMlp.InputSize, WideMlp.OutputSize, () => new WideMlp(1, 5));

    private void CreateNetwork()
    {
        NetworkData data = Setup(nameof(WideMlp), WideMlp.InputSize, WideMlp.OutputSize);
        _net = new WideMlp(maxBatchSize: TrainBatch, seed: 5);
        _net.RestoreState(data.State);
    }

    [Benchmark(Description = "NormReg Predict")]
    public void NormRegPredict() => _net.Predict(Inputs, Outputs, Batch);

    [Benchmark(Description = "NormReg TrainStep")]
    public float NormRegTrainStep()
    {
        int n = TrainBatch, k = Step++ & (Pool - 1);
        return _net.TrainStep(TrainInputs.AsSpan(k * n * WideMlp.InputSize, n * WideMlp.InputSize), TrainLabels.AsSpan(k * n, n), n, Optimizer);
    }
}

[MemoryDiagnoser]
public class LeNetBenchmarks : NetworkBenchmark
{
    private LeNet _net = null!;

    [GlobalSetup(Target = nameof(NormRegPredict))]
    public void SetupPredict()
    {
        CreateNetwork();
        SteadyState.Reach(NormRegPredict);
    }

    [GlobalSetup(Target = nameof(NormRegTrainStep))]
    public void SetupTrainStep()
    {
        CreateNetwork();
        SteadyState.Reach(() => NormRegTrainStep());
    }

    [GlobalSetup(Target = nameof(OrtPredict))]
    public void SetupOrtPredict() => SetupOrt(nameof(LeNet), LeNet.InputSize, LeNet.OutputSize, () => new LeNet(1, 5));

    private void CreateNetwork()
    {
        NetworkData data = Setup(nameof(LeNet), LeNet.InputSize, LeNet.OutputSize);
        _net = new LeNet(maxBatchSize: TrainBatch, seed: 5);
        _net.RestoreState(data.State);
    }

    [Benchmark(Description = "NormReg Predict")]
    public void NormRegPredict() => _net.Predict(Inputs, Outputs, Batch);

    [Benchmark(Description = "NormReg TrainStep")]
    public float NormRegTrainStep()
    {
        int n = TrainBatch, k = Step++ & (Pool - 1);
        return _net.TrainStep(TrainInputs.AsSpan(k * n * LeNet.InputSize, n * LeNet.InputSize), TrainLabels.AsSpan(k * n, n), n, Optimizer);
    }
}
