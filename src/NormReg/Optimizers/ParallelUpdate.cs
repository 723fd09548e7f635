using System;
using System.Collections.Generic;
using NormReg.Kernels;
using NormReg.Runtime;

namespace NormReg;

/// <summary>
/// An optimizer's update of a network in parts over <see cref="WorkerPool"/>, after a training batch whose products were split: each
/// thread updates the rows of every split weight matrix (<see cref="Gemm.Splits"/>) that the products gave it (<see cref="Gemm.WeightRows"/>),
/// and the calling thread every other parameter. The rule treats each parameter alone, so the bits do not depend on the thread count;
/// and the rows a thread updates are the rows its forward reads and its weight gradient writes in the next step, which then stay in
/// that core's cache. Nothing is allocated per step.
/// </summary>
internal sealed unsafe class ParallelUpdate : PoolJob
{
    private static readonly ParallelUpdate Instance = new();
    private Optimizer _optimizer = null!;
    private IReadOnlyList<LayerDescription> _layers = [];
    private float* _parameters, _gradients, _previous;
    private int _length, _batch;
    private bool[] _finite = [];

    /// <summary>
    /// Runs the update of <paramref name="optimizer"/> in parts and returns true with <paramref name="finite"/> from every part, or returns
    /// false, having changed nothing, when no weight matrix was split at a batch of <paramref name="batch"/> samples (0 when unknown), a
    /// single thread is allowed, or the pool is busy.
    /// </summary>
    public static bool TryRun(Optimizer optimizer, Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> previous,
        NetworkArchitecture architecture, int batch, out bool finite)
    {
        finite = false;
        int parts = Parallelism.MaxThreads;
        if (parts < 2 || batch < 1 || !SplitsAny(architecture.Layers, parameters.Length, batch) || !WorkerPool.TryEnter(parts)) return false;
        try
        {
            fixed (float* p = parameters, g = gradients, old = previous)
            {
                ParallelUpdate job = Instance;
                (job._optimizer, job._layers, job._length, job._batch) = (optimizer, architecture.Layers, parameters.Length, batch);
                job._parameters = p;
                job._gradients = g;
                job._previous = old;
                if (job._finite.Length < parts) job._finite = new bool[parts];
                WorkerPool.Run(job, parts);
                job._optimizer = null!;
                finite = true;
                for (int part = 0; part < parts; part++) finite &= job._finite[part];
                return true;
            }
        }
        finally
        {
            WorkerPool.Exit();
        }
    }

    /// <summary>
    /// Whether a weight matrix is split, and the split ones lie in the order of the layers, disjoint and within the parameters, as the
    /// generator lays them out.
    /// </summary>
    private static bool SplitsAny(IReadOnlyList<LayerDescription> layers, int length, int batch)
    {
        int end = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            if (!IsSplit(layers[l], batch)) continue;
            if (layers[l].WeightOffset < end) return false;
            end = layers[l].WeightOffset + layers[l].WeightCount;
        }
        return end > 0 && end <= length;
    }

    /// <summary>Whether the products of a dense layer's weights were split at <paramref name="batch"/> samples (a convolution's never are by its weights).</summary>
    private static bool IsSplit(LayerDescription layer, int batch) =>
        layer.WeightOffset >= 0 && layer.Type == LayerType.Dense && Gemm.Splits((long)batch * layer.Units * layer.FanIn, layer.Units, layer.FanIn);

    /// <inheritdoc/>
    public override void Run(int part, int parts, int thread)
    {
        bool finite = true;
        int done = 0; // parameters before this index are behind every part's cursor
        foreach (LayerDescription layer in _layers)
        {
            if (!IsSplit(layer, _batch)) continue;
            int offset = layer.WeightOffset, columns = layer.FanIn;
            if (part == 0 && offset > done) finite &= Update(done, offset - done);
            (int first, int last) = Gemm.WeightRows(layer.Units, parts, part);
            if (last > first) finite &= Update(offset + first * columns, (last - first) * columns);
            done = offset + layer.WeightCount;
        }
        if (part == 0 && _length > done) finite &= Update(done, _length - done);
        _finite[part] = finite;
    }

    private bool Update(int offset, int count) =>
        _optimizer.TryUpdatePart(new Span<float>(_parameters + offset, count), new ReadOnlySpan<float>(_gradients + offset, count), new Span<float>(_previous + offset, count), offset);
}
