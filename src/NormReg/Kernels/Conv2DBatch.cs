using System;
using System.ComponentModel;
using NormReg.Runtime;

namespace NormReg.Kernels;

/// <summary>
/// The passes of <see cref="Conv2D"/> split over the worker pool when the work is large enough: the forward and the input gradient, which
/// treat each sample on its own, by samples, each part running the serial kernel on its run of samples; the weight gradient, which sums over
/// the batch, by its columns (patch rows), each part computing whole elements with the serial kernel's chains. So the bits do not depend on
/// the thread count. For generated code; hidden from completion lists.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Conv2DBatch
{
    /// <summary><see cref="Conv2D.Forward"/>, split by samples when the batch is large enough.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, Span<float> scratch, int n, in ConvGeometry g)
    {
        if (!TrySplit(forward: true, x, weights, bias, y, scratch, n, g)) Conv2D.Forward(x, weights, bias, y, scratch, n, g);
    }

    /// <summary><see cref="Conv2D.BackwardInput"/>, split by samples when the batch is large enough.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> weights, Span<float> dx, Span<float> scratch, int n, in ConvGeometry g)
    {
        if (!TrySplit(forward: false, dy, weights, default, dx, scratch, n, g)) Conv2D.BackwardInput(dy, weights, dx, scratch, n, g);
    }

    /// <summary>
    /// <see cref="Conv2D.BackwardParameters"/>, split by the weight gradient's columns when its path computes ranges of them
    /// (<see cref="Conv2D.GradientRowGrain"/>) and the work is large enough: each part reads every sample and its share of the patch rows
    /// (LeNet's filters are 6 and 16, too few to cut into whole 512-bit vectors), and the bias gradients of its share of the filters.
    /// </summary>
    public static bool BackwardParameters(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradients, Span<float> biasGradients, Span<float> scratch, int n, in ConvGeometry g,
        ReadOnlySpan<float> penalized = default, float l1 = 0, float l2 = 0)
    {
        int parts = GradientParts(n, g), grain = Conv2D.GradientRowGrain(g);
        if (parts < 2 || !WorkerPool.TryEnter(parts)) return Conv2D.BackwardParameters(x, dy, weightGradients, biasGradients, scratch, n, g, penalized, l1, l2);
        try
        {
            Conv2D.CheckParameters(x, dy, weightGradients, biasGradients, scratch, n, g, penalized);
            return GradientJob.Run(x, dy, weightGradients, biasGradients, scratch, n, g, penalized, l1, l2, parts, grain);
        }
        finally
        {
            WorkerPool.Exit();
        }
    }

    /// <summary>
    /// Parts of the weight gradient of <paramref name="n"/> samples: 1 when its path computes only the whole or below its least work
    /// (<see cref="MinimumRowGradientWork"/>, <see cref="MinimumDotGradientWork"/>), else as many as the threads and grains allow.
    /// </summary>
    internal static int GradientParts(int n, in ConvGeometry g)
    {
        int grain = Conv2D.GradientRowGrain(g);
        if (grain == 0 || (long)n * g.Filters * g.PatchSize * g.OutPixels < (grain == 1 ? MinimumDotGradientWork : MinimumRowGradientWork) * WorkerPool.SplitCost) return 1;
        return Math.Min(Parallelism.MaxThreads, (g.PatchSize + grain - 1) / grain);
    }

    /// <summary>
    /// Multiply-adds from which the weight gradient from the input rows is split, about 8 µs on one core: LeNet's second convolution took
    /// 1.16 times as long on one thread as on two at batch 8 (1.2·10⁶), 0.93 times at batch 4; 16 × 16 × 16 → 32 at 3 × 3, 1.47 at batch 2.
    /// </summary>
    private const long MinimumRowGradientWork = 1 << 20;

    /// <summary>
    /// Multiply-adds from which the weight gradient on the dot-product kernel is split, which runs at about 2/5 of the input rows' rate
    /// (70 against 180 GFLOP/s): LeNet's first convolution took 1.48 times as long on one thread as on two at batch 4 (3.5·10⁵).
    /// </summary>
    private const long MinimumDotGradientWork = 1 << 18;

    /// <summary>Runs the pass in parts and returns true, or returns false when the batch is too small or the pool is busy.</summary>
    private static bool TrySplit(bool forward, ReadOnlySpan<float> source, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> destination,
        Span<float> scratch, int n, in ConvGeometry g)
    {
        int parts = Parts(n, g);
        if (parts < 2 || !WorkerPool.TryEnter(parts)) return false;
        try
        {
            ConvJob.Run(forward, source, weights, bias, destination, scratch, n, g, parts);
        }
        finally
        {
            WorkerPool.Exit();
        }
        return true;
    }

    /// <summary>Parts for <paramref name="n"/> samples: 1 below <see cref="BatchSplit.MinimumWork"/> multiply-adds, else as many as the threads and samples allow.</summary>
    private static int Parts(int n, in ConvGeometry g) =>
        BatchSplit.Parts(n, (long)g.Filters * g.PatchSize * g.OutPixels, (long)g.Filters * g.PatchSize, Parallelism.MaxThreads, Gemm.Training ? WorkerPool.SplitCost : 1);

    /// <summary>One pass in parts: the calling thread's with the caller's scratch, a worker's with a block of its own.</summary>
    private sealed unsafe class ConvJob : PoolJob
    {
        private static readonly ConvJob Instance = new();

        private float* _x, _w, _b, _y, _s;
        private int _weights, _bias, _scratchLength, _n;
        private ConvGeometry _g;
        private bool _forward;

        public static void Run(bool forward, ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, Span<float> scratch, int n, in ConvGeometry g, int parts)
        {
            // The lengths are checked here, on the calling thread: a part's kernel sees only its own run of samples.
            Lengths.AtLeast(x.Length, n * (forward ? g.InputLength : g.OutputLength), forward ? nameof(x) : "dy");
            Lengths.AtLeast(y.Length, n * (forward ? g.OutputLength : g.InputLength), forward ? nameof(y) : "dx");
            fixed (float* px = x, pw = weights, pb = bias, py = y, ps = scratch)
            {
                ConvJob job = Instance;
                job._x = px;
                job._w = pw;
                job._b = pb;
                job._y = py;
                job._s = ps;
                (job._weights, job._bias, job._scratchLength, job._n, job._g, job._forward) = (weights.Length, bias.Length, scratch.Length, n, g, forward);
                WorkerPool.Run(job, parts);
            }
        }

        public override void Run(int part, int parts, int thread)
        {
            (int start, int end) = BatchSplit.Range(_n, parts, part);
            if (start >= end) return;
            int count = end - start;
            Span<float> scratch = thread == 0 ? new Span<float>(_s, _scratchLength) : WorkerScratch(_g.ScratchLength(count));
            var weights = new ReadOnlySpan<float>(_w, _weights);
            int input = _g.InputLength, output = _g.OutputLength;
            if (_forward)
            {
                Conv2D.Forward(new ReadOnlySpan<float>(_x + (nint)start * input, count * input), weights, new ReadOnlySpan<float>(_b, _bias),
                    new Span<float>(_y + (nint)start * output, count * output), scratch, count, _g);
                return;
            }
            Conv2D.BackwardInput(new ReadOnlySpan<float>(_x + (nint)start * output, count * output), weights,
                new Span<float>(_y + (nint)start * input, count * input), scratch, count, _g);
        }
    }

    /// <summary>The weight gradient in parts: columns [start, end) of every filter's gradient a part, and the bias gradients of a share of the filters.</summary>
    private sealed unsafe class GradientJob : PoolJob
    {
        private static readonly GradientJob Instance = new();
        private float* _x, _dy, _dw, _db, _s, _w;
        private int _xLength, _dyLength, _dwLength, _dbLength, _scratchLength, _wLength, _n, _grain;
        private float _l1, _l2;
        private ConvGeometry _g;
        private bool[] _finite = [];

        public static bool Run(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradients, Span<float> biasGradients, Span<float> scratch, int n, in ConvGeometry g,
            ReadOnlySpan<float> penalized, float l1, float l2, int parts, int grain)
        {
            fixed (float* px = x, pdy = dy, pdw = weightGradients, pdb = biasGradients, ps = scratch, pw = penalized)
            {
                GradientJob job = Instance;
                job._x = px;
                job._dy = pdy;
                job._dw = pdw;
                job._db = pdb;
                job._s = ps;
                job._w = pw;
                (job._xLength, job._dyLength, job._dwLength, job._dbLength, job._scratchLength, job._wLength) = (x.Length, dy.Length, weightGradients.Length, biasGradients.Length, scratch.Length, penalized.Length);
                (job._n, job._g, job._l1, job._l2, job._grain) = (n, g, l1, l2, grain);
                if (job._finite.Length < parts) job._finite = new bool[parts];
                WorkerPool.Run(job, parts);
                bool finite = true;
                for (int part = 0; part < parts; part++) finite &= job._finite[part];
                return finite;
            }
        }

        public override void Run(int part, int parts, int thread)
        {
            (int start, int end) = Gemm.Range(_g.PatchSize, parts, part, _grain);
            Span<float> scratch = thread == 0 ? new Span<float>(_s, _scratchLength) : WorkerScratch(_g.ScratchLength(_n));
            var dy = new ReadOnlySpan<float>(_dy, _dyLength);
            bool finite = start >= end || Conv2D.WeightGradientRows(new ReadOnlySpan<float>(_x, _xLength), dy, new Span<float>(_dw, _dwLength), scratch, _n, _g, start, end,
                new ReadOnlySpan<float>(_w, _wLength), _l1, _l2);
            if (_dbLength > 0)
            {
                (int first, int last) = Gemm.Range(_g.Filters, parts, part, 1);
                if (first < last) finite &= Conv2D.BiasGradients(dy, new Span<float>(_db, _dbLength), _n, _g, first, last);
            }
            _finite[part] = finite;
        }
    }

    [ThreadStatic]
    private static float[]? _scratch;

    /// <summary>A worker's scratch for a part: a block kept per thread, grown on its first call.</summary>
    private static Span<float> WorkerScratch(int length)
    {
        float[]? block = _scratch;
        if (block is null || block.Length < length) _scratch = block = new float[length];
        return block.AsSpan(0, length);
    }
}
