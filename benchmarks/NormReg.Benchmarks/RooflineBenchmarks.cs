using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using NormReg.Kernels;

namespace NormReg.Benchmarks;

/// <summary>
/// The core's measured FMA peak at each SIMD width (the kernels run the widest the hardware accelerates): twelve independent accumulator chains of fused multiply-adds, so the FMA ports
/// never wait on a previous result (latency 4 × 2 ports = 8 chains in flight suffice on current x64 cores; 12 leave
/// margin, and with the two constants fit the 16 registers of a core without AVX-512, where 16 chains would spill). OperationsPerInvoke counts floating-point operations (2 per lane per FMA), so BenchmarkDotNet's time per
/// operation is ns per FLOP and 1 / that is GFLOP/s.
/// </summary>
[MemoryDiagnoser]
public class FmaPeakBenchmarks
{
    public const int Iterations = 1 << 16;
    private const int Chains = 12;
    private const int Flops128 = Iterations * Chains * 4 * 2;
    private const int Flops256 = Iterations * Chains * 8 * 2;
    private const int Flops512 = Iterations * Chains * 16 * 2;

    // Kept in fields so the JIT cannot fold the chains; x·a + b with a < 1 converges, away from denormals and overflow.
    private float _a = 0.999f, _b = 1e-3f;

    [GlobalSetup(Target = nameof(Vector128Fma))]
    public void Setup128() => SteadyState.Reach(() => Vector128Fma());

    [GlobalSetup(Target = nameof(Vector256Fma))]
    public void Setup256() => SteadyState.Reach(() => Vector256Fma());

    [GlobalSetup(Target = nameof(Vector512Fma))]
    public void Setup512() => SteadyState.Reach(() => Vector512Fma());

    [Benchmark(Description = "FMA peak Vector128", OperationsPerInvoke = Flops128)]
    public float Vector128Fma() => Fma128(Vector128.Create(_a), Vector128.Create(_b));

    [Benchmark(Description = "FMA peak Vector256", OperationsPerInvoke = Flops256)]
    public float Vector256Fma() => Fma256(Vector256.Create(_a), Vector256.Create(_b));

    [Benchmark(Description = "FMA peak Vector512", OperationsPerInvoke = Flops512)]
    public float Vector512Fma() => Fma512(Vector512.Create(_a), Vector512.Create(_b));

    [GlobalSetup(Target = nameof(Vector128MultiplyThenAdd))]
    public void Setup128Unfused() => SteadyState.Reach(() => Vector128MultiplyThenAdd());

    /// <summary>The peak of the 128-bit path without FMA (x64 without AVX2): a multiply, then an add, each rounded.</summary>
    [Benchmark(Description = "Multiply-then-add peak Vector128", OperationsPerInvoke = Flops128)]
    public float Vector128MultiplyThenAdd() => MultiplyThenAdd128(Vector128.Create(_a), Vector128.Create(_b));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma128(Vector128<float> a, Vector128<float> b)
    {
        Vector128<float> c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6, c6 = b * 7, c7 = b * 8;
        Vector128<float> c8 = b * 9, c9 = b * 10, c10 = b * 11, c11 = b * 12;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Vector128.FusedMultiplyAdd(c0, a, b);
            c1 = Vector128.FusedMultiplyAdd(c1, a, b);
            c2 = Vector128.FusedMultiplyAdd(c2, a, b);
            c3 = Vector128.FusedMultiplyAdd(c3, a, b);
            c4 = Vector128.FusedMultiplyAdd(c4, a, b);
            c5 = Vector128.FusedMultiplyAdd(c5, a, b);
            c6 = Vector128.FusedMultiplyAdd(c6, a, b);
            c7 = Vector128.FusedMultiplyAdd(c7, a, b);
            c8 = Vector128.FusedMultiplyAdd(c8, a, b);
            c9 = Vector128.FusedMultiplyAdd(c9, a, b);
            c10 = Vector128.FusedMultiplyAdd(c10, a, b);
            c11 = Vector128.FusedMultiplyAdd(c11, a, b);
        }
        Vector128<float> sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        return Vector128.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float MultiplyThenAdd128(Vector128<float> a, Vector128<float> b)
    {
        // The JIT never contracts x·a + b into an FMA, so each step is two instructions, as the kernels' 128-bit path without FMA.
        Vector128<float> c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6, c6 = b * 7, c7 = b * 8;
        Vector128<float> c8 = b * 9, c9 = b * 10, c10 = b * 11, c11 = b * 12;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = c0 * a + b;
            c1 = c1 * a + b;
            c2 = c2 * a + b;
            c3 = c3 * a + b;
            c4 = c4 * a + b;
            c5 = c5 * a + b;
            c6 = c6 * a + b;
            c7 = c7 * a + b;
            c8 = c8 * a + b;
            c9 = c9 * a + b;
            c10 = c10 * a + b;
            c11 = c11 * a + b;
        }
        Vector128<float> sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        return Vector128.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma256(Vector256<float> a, Vector256<float> b)
    {
        Vector256<float> c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6, c6 = b * 7, c7 = b * 8;
        Vector256<float> c8 = b * 9, c9 = b * 10, c10 = b * 11, c11 = b * 12;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b);
            c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b);
            c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b);
            c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b);
            c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b);
            c9 = Vector256.FusedMultiplyAdd(c9, a, b);
            c10 = Vector256.FusedMultiplyAdd(c10, a, b);
            c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }
        Vector256<float> sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        return Vector256.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma512(Vector512<float> a, Vector512<float> b)
    {
        Vector512<float> c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6, c6 = b * 7, c7 = b * 8;
        Vector512<float> c8 = b * 9, c9 = b * 10, c10 = b * 11, c11 = b * 12;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b);
            c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b);
            c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b);
            c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b);
            c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b);
            c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b);
            c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        Vector512<float> sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        return Vector512.Sum(sum);
    }
}

/// <summary>
/// The dense kernels alone on every dense layer shape of the three networks (inputs × outputs), at batch 64 and 128:
/// <c>Dense.Forward</c> with a bias (as the folded inference layers have), and the two products of training,
/// <c>Dense.BackwardParameters</c> (dW = dyᵀ·x, with an L2 penalty gradient as the networks' L2 rows add) and
/// <c>Dense.BackwardInput</c> (dx = dy·W). Each is 2·batch·inputs·outputs FLOP per call, which the report turns into
/// GFLOP/s and a fraction of <see cref="FmaPeakBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class DenseKernelBenchmarks
{
    [Params("784x256", "256x128", "128x10", "16x32", "32x32", "32x4", "1024x1024", "1024x10")]
    public string Shape { get; set; } = "784x256";

    [Params(64, 128)]
    public int Batch { get; set; }

    private int _inputs, _outputs;
    private float[] _x = [], _w = [], _b = [], _y = [], _dw = [], _dx = [];

    [GlobalSetup]
    public void GlobalSetup()
    {
        string[] parts = Shape.Split('x');
        _inputs = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _outputs = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        _x = BenchData.Gaussian(Batch * _inputs, 11);
        _w = BenchData.Gaussian(_outputs * _inputs, 12);
        float scale = 1f / MathF.Sqrt(_inputs);
        for (int i = 0; i < _w.Length; i++) _w[i] *= scale;
        _b = BenchData.Gaussian(_outputs, 13);
        _y = BenchData.Gaussian(Batch * _outputs, 14); // the forward's output, and the backward's output gradient
        _dw = new float[_w.Length];
        _dx = new float[_x.Length];
        SteadyState.Reach(DenseForward);
        SteadyState.Reach(DenseWeightGradients);
        SteadyState.Reach(DenseInputGradients);
    }

    [Benchmark(Description = "Dense.Forward")]
    public void DenseForward() => Dense.Forward(_x, _w, _b, _y, Batch, _inputs, _outputs);

    [Benchmark(Description = "Dense.BackwardParameters")]
    public void DenseWeightGradients() => Dense.BackwardParameters(_x, _y, _dw, default, Batch, _inputs, _outputs, _w, 0f, 1e-4f);

    [Benchmark(Description = "Dense.BackwardInput")]
    public void DenseInputGradients() => Dense.BackwardInput(_y, _w, _dx, Batch, _inputs, _outputs);
}

/// <summary>
/// The core's read bandwidth over as many bytes as a batch-1 <c>Predict</c> of each network reads (a float per parameter;
/// MnistMlp's Predict reads the folded copy, the same size less γ and β): eight independent vector sums over the block, warm in whatever cache level holds it after
/// the previous call, as the weights are between two predictions. The report divides those bytes by the median time to
/// get GB/s, and compares batch-1 Predict with the time the bytes alone take.
/// </summary>
[MemoryDiagnoser]
public class ReadBandwidthBenchmarks
{
    [Params(nameof(MnistMlp), nameof(WideMlp))]
    public string Network { get; set; } = nameof(MnistMlp);

    private float[] _block = [];

    [GlobalSetup]
    public void GlobalSetup()
    {
        _block = BenchData.Gaussian(Network == nameof(MnistMlp) ? MnistMlp.ParameterCount : WideMlp.ParameterCount, 15);
        SteadyState.Reach(() => Read());
    }

    [Benchmark(Description = "Read the weights")]
    public float Read()
    {
        ref float start = ref MemoryMarshal.GetArrayDataReference(_block);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        int i = 0;
        for (; i + 64 <= _block.Length; i += 64)
        {
            s0 += Vector256.LoadUnsafe(ref start, (nuint)i);
            s1 += Vector256.LoadUnsafe(ref start, (nuint)i + 8);
            s2 += Vector256.LoadUnsafe(ref start, (nuint)i + 16);
            s3 += Vector256.LoadUnsafe(ref start, (nuint)i + 24);
            s4 += Vector256.LoadUnsafe(ref start, (nuint)i + 32);
            s5 += Vector256.LoadUnsafe(ref start, (nuint)i + 40);
            s6 += Vector256.LoadUnsafe(ref start, (nuint)i + 48);
            s7 += Vector256.LoadUnsafe(ref start, (nuint)i + 56);
        }
        float tail = 0;
        for (; i < _block.Length; i++) tail += _block[i];
        return Vector256.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + tail;
    }
}
