using System;
using BenchmarkDotNet.Attributes;
using NormReg.Kernels;

namespace NormReg.Benchmarks;

/// <summary>
/// The three <see cref="Conv2D"/> passes alone (<c>--filter '*ConvKernel*'</c>) on LeNet's two convolutions (1×28×28 → 6 filters
/// 5×5, and 6×12×12 → 16 filters 5×5, both valid) and a 16 → 32 channel 3×3 "same" convolution on 16×16, at batch 1 and 32.
/// Each pass is 2·n·F·OutHeight·OutWidth·C·K·K FLOP per call (<see cref="Flops"/>); divide by the median time for GFLOP/s.
/// </summary>
[MemoryDiagnoser]
public class ConvKernelBenchmarks
{
    [Params("LeNet conv1 1x28x28 k5 6", "LeNet conv2 6x12x12 k5 16", "16x16x16 k3 same 32")]
    public string Shape { get; set; } = "LeNet conv1 1x28x28 k5 6";

    [Params(1, 32)]
    public int Batch { get; set; }

    private ConvGeometry _g;
    private float[] _x = [], _w = [], _b = [], _y = [], _dw = [], _db = [], _dx = [], _scratch = [];

    /// <summary>Floating-point operations of one pass at this shape and batch.</summary>
    public long Flops => 2L * Batch * _g.OutputLength * _g.PatchSize;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _g = Shape switch
        {
            "LeNet conv1 1x28x28 k5 6" => ConvGeometry.Create(1, 28, 28, 6, 5, 1, same: false),
            "LeNet conv2 6x12x12 k5 16" => ConvGeometry.Create(6, 12, 12, 16, 5, 1, same: false),
            _ => ConvGeometry.Create(16, 16, 16, 32, 3, 1, same: true),
        };
        _x = BenchData.Gaussian(Batch * _g.InputLength, 21);
        _w = BenchData.Gaussian(_g.Filters * _g.PatchSize, 22);
        float scale = 1f / MathF.Sqrt(_g.PatchSize);
        for (int i = 0; i < _w.Length; i++) _w[i] *= scale;
        _b = BenchData.Gaussian(_g.Filters, 23);
        _y = BenchData.Gaussian(Batch * _g.OutputLength, 24); // the forward's output, and the backward's output gradient
        _dw = new float[_w.Length];
        _db = new float[_b.Length];
        _dx = new float[_x.Length];
        _scratch = new float[_g.ScratchLength(Batch)];
        Console.WriteLine($"// {Shape}, batch {Batch}: {Flops} FLOP per pass");
        SteadyState.Reach(Forward);
        SteadyState.Reach(() => WeightGradients());
        SteadyState.Reach(InputGradients);
    }

    [Benchmark(Description = "Conv2D.Forward")]
    public void Forward() => Conv2D.Forward(_x, _w, _b, _y, _scratch, Batch, _g);

    [Benchmark(Description = "Conv2D.BackwardParameters")]
    public bool WeightGradients() => Conv2D.BackwardParameters(_x, _y, _dw, _db, _scratch, Batch, _g);

    [Benchmark(Description = "Conv2D.BackwardInput")]
    public void InputGradients() => Conv2D.BackwardInput(_y, _w, _dx, _scratch, Batch, _g);
}
