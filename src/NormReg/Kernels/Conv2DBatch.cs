using System;
using System.ComponentModel;
using NormReg.Runtime;

namespace NormReg.Kernels;

/// <summary>
/// The passes of <see cref="Conv2D"/> that treat each sample on its own (the forward and the input gradient), split by samples over
/// the worker pool when the batch is large enough: each part runs the serial kernel on its run of samples, so the bits do not depend on
/// the thread count. The weight gradient sums over the batch and stays with <see cref="Conv2D.BackwardParameters"/>.
/// For generated code; hidden from completion lists.
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
        BatchSplit.Parts(n, (long)g.Filters * g.PatchSize * g.OutPixels, (long)g.Filters * g.PatchSize, Parallelism.MaxThreads);

    /// <summary>One pass in parts: the calling thread's with the caller's scratch, a worker's with a block of its own.</summary>
    private sealed unsafe class ConvJob : PoolJob
    {
        private static readonly ConvJob Instance = new();

        [ThreadStatic]
        private static float[]? _scratch;

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
            Span<float> scratch = thread == 0 ? new Span<float>(_s, _scratchLength) : Scratch(_g.ScratchLength(count));
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

        private static Span<float> Scratch(int length)
        {
            float[]? block = _scratch;
            if (block is null || block.Length < length) _scratch = block = new float[length];
            return block.AsSpan(0, length);
        }
    }
}
