using System;

namespace NormReg.Runtime;

/// <summary>
/// An inference pass, or a segment of the training passes, split by samples over <see cref="WorkerPool"/>: each part runs every row
/// of the pass or segment on its own run of the batch, so one fork and join covers the element-wise rows as well as the products. The
/// rows that may be split treat each sample on its own, and each part computes whole samples with the serial kernels, so the bits do
/// not depend on the number of parts. One instance per network; nothing is allocated per call.
/// </summary>
internal sealed class BatchSplit : PoolJob
{
    /// <summary>
    /// Multiply-adds from which a batch is split: about 20 µs of work on one core, well above the few microseconds of waking a
    /// worker and joining it. Below it, the pass runs on the calling thread, where a large product may still be split by itself.
    /// </summary>
    internal const long MinimumWork = 1 << 20;

    /// <summary>
    /// Multiply-adds per weight each part must do at least when the weights do not stay in a core's cache. Every part reads all the
    /// weights: a dense layer does one multiply-add per weight and sample, so its parts need 32 samples each, or reading the weights
    /// bounds them and splitting each product by its outputs (each part reading its share of the weights) is faster.
    /// </summary>
    internal const int MinimumReuse = 32;

    /// <summary>Weights (512 KB of floats) that stay in a core's L2 from one sample to the next, whose reading costs a part little.</summary>
    internal const long CachedWeights = 1 << 17;

    /// <summary>Samples per unit of a split: the products' row tile, so every part but the last computes whole tiles.</summary>
    private const int Grain = 4;

    private readonly INetworkPasses _passes;
    private readonly long _weights;
    private float[]?[] _scratch = [];
    private int _batch;

    /// <summary>The training segment being split, or -1 for the inference pass (<see cref="INetworkPasses.ForwardRows"/>).</summary>
    private int _segment;

    /// <summary>Splits the batches of <paramref name="passes"/>, a network of <paramref name="weights"/> parameters.</summary>
    public BatchSplit(INetworkPasses passes, long weights)
    {
        _passes = passes;
        _weights = Math.Max(weights, 1);
    }

    /// <summary>
    /// Runs <see cref="INetworkPasses.ForwardRows"/> over the first <paramref name="batch"/> samples: in parts when the batch has
    /// <paramref name="multiplyAddsPerSample"/> work enough and the pool is free, else in one part on the calling thread.
    /// </summary>
    public void Run(int batch, long multiplyAddsPerSample) => Run(-1, batch, multiplyAddsPerSample, _weights);

    /// <summary>
    /// Runs <see cref="INetworkPasses.TrainingRows"/> of <paramref name="segment"/>, whose products do <paramref name="multiplyAddsPerSample"/>
    /// with <paramref name="weights"/> weights, over the first <paramref name="batch"/> samples, as <see cref="Run(int, long)"/>.
    /// </summary>
    /// <remarks>
    /// A segment whose weights do not stay in a core's cache (<see cref="CachedWeights"/>) runs on the calling thread, and its products
    /// split by the rows of their weights. Split by samples, every part would read every weight, and the update, which writes them
    /// after each step, would leave each core to fetch from the other the half it did not write: MnistMlp's step at batch 128 took
    /// 747 µs on two threads that way, 663 µs with its 256 × 784 weights split by rows.
    /// </remarks>
    public void RunSegment(int segment, int batch, long multiplyAddsPerSample, long weights) =>
        Run(segment, batch, weights > CachedWeights ? 0 : multiplyAddsPerSample, Math.Max(weights, 1));

    private void Run(int segment, int batch, long multiplyAddsPerSample, long weights)
    {
        int parts = Parts(batch, multiplyAddsPerSample, weights, Parallelism.MaxThreads, segment < 0 ? 1 : WorkerPool.SplitCost);
        if (parts > 1 && WorkerPool.TryEnter(parts))
        {
            try
            {
                if (_scratch.Length < parts) Array.Resize(ref _scratch, parts); // before the parts start: each thread then grows only its own block
                _batch = batch;
                _segment = segment;
                WorkerPool.Run(this, parts);
            }
            finally
            {
                WorkerPool.Exit();
            }
            return;
        }
        Kernels.Gemm.Training = segment >= 0;
        try
        {
            RunRows(segment, 0, batch, 0);
        }
        finally
        {
            Kernels.Gemm.Training = false;
        }
    }

    private void RunRows(int segment, int start, int count, int thread)
    {
        if (segment < 0) _passes.ForwardRows(start, count, thread);
        else _passes.TrainingRows(segment, start, count, thread);
    }

    /// <summary>
    /// How many parts a batch gets: 1 below <see cref="MinimumWork"/> times <paramref name="cost"/> (a training pass's <see cref="WorkerPool.SplitCost"/>),
    /// else as many as the threads, the grains and, for weights beyond <see cref="CachedWeights"/>, <see cref="MinimumReuse"/> allow.
    /// </summary>
    internal static int Parts(int batch, long multiplyAddsPerSample, long weights, int threads, int cost)
    {
        long work = batch * multiplyAddsPerSample;
        if (threads < 2 || work < MinimumWork * cost) return 1;
        long byReuse = weights <= CachedWeights ? long.MaxValue : work / (MinimumReuse * weights);
        return (int)Math.Clamp(Math.Min(batch / Grain, byReuse), 1, threads);
    }

    /// <summary>Samples [start, end) of part <paramref name="part"/> of <paramref name="parts"/>: whole <see cref="Grain"/>s, the last part what remains.</summary>
    internal static (int Start, int End) Range(int batch, int parts, int part) => Kernels.Gemm.Range(batch, parts, part, Grain);

    /// <inheritdoc/>
    public override void Run(int part, int parts, int thread)
    {
        (int start, int end) = Range(_batch, parts, part);
        if (start < end) RunRows(_segment, start, end - start, thread);
    }

    /// <summary>
    /// Scratch for a kernel on thread <paramref name="thread"/>: <paramref name="own"/> (the network's) on the calling thread (0); on a
    /// worker a block at least as long kept per thread, grown on its first call. A thread runs its parts' rows one after another, so
    /// they share it.
    /// </summary>
    public float[] Scratch(int thread, float[] own)
    {
        if (thread == 0) return own;
        ref float[]? block = ref _scratch[thread];
        if (block is null || block.Length < own.Length) block = new float[own.Length];
        return block;
    }
}
