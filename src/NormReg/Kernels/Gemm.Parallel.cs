using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NormReg.Runtime;

namespace NormReg.Kernels;

/// <summary>
/// The products split over <see cref="WorkerPool"/> by their outputs: each part computes whole output elements with the serial kernel.
/// A small batch's input gradient splits by its depth instead, each part summing whole panels that the calling thread then adds in
/// the serial kernel's order (<see cref="AxpyJob"/>). Either way the bits do not depend on the thread count. The spans stay pinned
/// while the parts run.
/// </summary>
internal static partial class Gemm
{
    /// <summary>
    /// Multiply-adds from which a product is split: waking a worker and waiting for it costs microseconds, and a product of
    /// 2^22 multiply-adds takes about 40 µs on one core. Batch-1 products of the benchmark networks (at most 2^20) stay on one thread,
    /// but for the forward of weights from <see cref="StreamedWeights"/>.
    /// </summary>
    private const long ParallelWork = 1 << 22;

    /// <summary>
    /// Rows per unit when the rows of a weight matrix are split: whole cache lines of the forward's output, two tiles of 8 rows of a
    /// weight gradient. The forward (by rows of <c>b</c>), the weight gradient (by rows of <c>c</c>), the optimizer's update and the fused
    /// update all cut a layer's weights at the same rows (<see cref="WeightRows"/>), so each thread keeps reading and writing the rows
    /// it holds in its own cache from one step to the next, instead of fetching them from the other core's.
    /// </summary>
    internal const int WeightRowGrain = 16;

    /// <summary>Columns per unit of a split <see cref="Multiply"/> by columns: the widest tile, so every part but the last is whole tiles.</summary>
    private const int AxpyGrain = 64;

    /// <summary>
    /// Rows per unit of a split <see cref="Multiply"/> by rows of <c>c</c>. Split by rows, each part writes one run of <c>c</c>, where parts
    /// split by columns share a cache line at every row's cut and pass it back and forth as they store (a 256 × 784 weight gradient
    /// took longer on two threads than on one).
    /// </summary>
    private const int AxpyRowGrain = WeightRowGrain;

    /// <summary>
    /// The least multiply-adds per value of the activations for which a product of a weight matrix is split: its rows × columns over
    /// rows + columns, independent of the batch. The activations pass between the cores every step, and a core that writes a cache
    /// line another has read must first take it back, so a narrow matrix brings too little work per value passed. A 256 × 128 layer
    /// (85) gains from batch 128 on: each of its products took 52 µs on one thread and 37 µs on two.
    /// </summary>
    private const int MinimumIntensity = 64;

    /// <summary>
    /// Work × intensity from which a product is split: the narrower the weights, the more work each activation must bring. Once the
    /// update ran in the same parts, MnistMlp's step (784 × 256 and 256 × 128 layers) at batch 32 took 238 µs on two threads and 316
    /// on one; a 1024 × 1024 layer (512) gains from batch 8 on, where its products reach <see cref="ParallelWork"/>.
    /// </summary>
    private const long SplitWork = ParallelWork * 64;

    /// <summary>
    /// Whether a product of <paramref name="work"/> multiply-adds with a weight matrix of <paramref name="rows"/> × <paramref name="columns"/>
    /// is split over threads; for a dense layer, a batch of n samples does n·rows·columns in each of its three products. The optimizer and
    /// the fused update split the same matrices, by the same rows (<see cref="WeightRows"/>).
    /// </summary>
    internal static bool Splits(long work, int rows, int columns)
    {
        long intensity = (long)rows * columns / Math.Max(1, rows + columns);
        return intensity >= MinimumIntensity && work >= ParallelWork && work * intensity >= SplitWork;
    }

    /// <summary>
    /// Weights (2 MB of floats, twice a core's L2) from which the forward product of an inference pass is split by their rows at any
    /// batch: at a few samples it is bound by reading the weights, and each core reading half of them halves that. WideMlp's Predict at
    /// batch 1 (two 1024 × 1024 layers, 4 MB each) took 76 µs on one thread and 46 µs on two. The 784 × 256 layer (0.8 MB) stays whole
    /// below <see cref="ParallelWork"/>. Not in training (<see cref="Training"/>).
    /// </summary>
    internal const long StreamedWeights = 1 << 19;

    /// <summary>
    /// Whether the calling thread runs a training pass. Its update writes the weights of a product that does not split (<see cref="Splits"/>)
    /// on this thread, so the forward reads them here too: split by rows as an inference pass is (<see cref="StreamedWeights"/>), each step
    /// would move the half a worker read to the other core and back. WideMlp's TrainStep at batch 1 took 350–380 µs either way while moving
    /// a cache line between this machine's cores took 45 ns, but 1.0–1.1 ms split (0.37–0.41 ms whole, 0.36–0.39 ms on one thread) in
    /// the phases where it took 190 ns.
    /// </summary>
    [ThreadStatic]
    internal static bool Training;

    /// <summary>Parts of the forward product <c>c[m × n] = a[m × k]·bᵀ</c> with weights <c>b</c> [n × k]: as <see cref="Parts"/>, and by rows from <see cref="StreamedWeights"/> on at any batch outside training.</summary>
    internal static int ForwardParts(int m, int n, int k)
    {
        int parts = Parts((long)m * n * k, n / WeightRowGrain, n, k);
        return parts == 1 && !Training && (long)n * k >= StreamedWeights ? Math.Max(1, Math.Min(Parallelism.MaxThreads, n / WeightRowGrain)) : parts;
    }

    /// <summary>
    /// How many parts a product of <paramref name="work"/> multiply-adds in <paramref name="units"/> splittable units gets, with a weight
    /// matrix of <paramref name="rows"/> × <paramref name="columns"/>.
    /// </summary>
    private static int Parts(long work, int units, int rows, int columns) =>
        !Splits(work, rows, columns) ? 1 : Math.Max(1, Math.Min(Parallelism.MaxThreads, units));

    /// <summary>The rows of a weight matrix of <paramref name="rows"/> rows that part <paramref name="part"/> of <paramref name="parts"/> computes and updates.</summary>
    internal static (int Start, int End) WeightRows(int rows, int parts, int part) => Range(rows, parts, part, WeightRowGrain);

    /// <summary>Part <paramref name="part"/> of [0, <paramref name="total"/>) cut into <paramref name="parts"/> runs of whole <paramref name="grain"/>s.</summary>
    internal static (int Start, int End) Range(int total, int parts, int part, int grain)
    {
        int chunk = ((total + grain - 1) / grain + parts - 1) / parts * grain;
        int start = Math.Min(total, part * chunk);
        return (start, Math.Min(total, start + chunk));
    }

    /// <summary><see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> in parts by rows of <c>b</c>, the weights (<see cref="WeightRows"/>).</summary>
    private sealed unsafe class DotJob : PoolJob
    {
        private static readonly DotJob Instance = new();
        private float* _a, _b, _c;
        private int _m, _n, _k;

        public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, int parts)
        {
            fixed (float* pa = a, pb = b, pc = c)
            {
                DotJob job = Instance;
                job._a = pa;
                job._b = pb;
                job._c = pc;
                (job._m, job._n, job._k) = (m, n, k);
                WorkerPool.Run(job, parts);
            }
        }

        public override void Run(int part, int parts, int thread)
        {
            (int start, int end) = WeightRows(_n, parts, part);
            if (start < end) MultiplyTransposed(ref *_a, ref *_b, ref *_c, _m, _n, _k, start, end);
        }
    }

    /// <summary>
    /// <see cref="MultiplyPacked"/> in parts by panels of outputs, each part cut at the panel bound nearest its share (<see cref="PanelBound"/>)
    /// and adding the bias and the ReLU as it stores. Two threads, median time over the dot kernel split by rows of <c>b</c>: 1024 × 1024 at
    /// batch 128 0.89-0.92, at batch 32 0.96 (WideMlp's Predict at batch 1: 45 → 42 µs); 784 × 256 at batch 128, cut at 144 of its 256
    /// outputs, 1.02 (Predict splits that batch by samples, each half on the kernel of one thread).
    /// </summary>
    private sealed unsafe class PackedJob : PoolJob
    {
        private static readonly PackedJob Instance = new();
        private float* _a, _packed, _bias, _c;
        private int _m, _n, _k, _biasLength;
        private bool _relu;

        public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, bool relu, int parts)
        {
            fixed (float* pa = a, pp = packed, pb = bias, pc = c)
            {
                PackedJob job = Instance;
                job._a = pa;
                job._packed = pp;
                job._bias = pb;
                job._c = pc;
                (job._m, job._n, job._k, job._biasLength, job._relu) = (m, n, k, bias.Length, relu);
                WorkerPool.Run(job, parts);
            }
        }

        public override void Run(int part, int parts, int thread)
        {
            int start = PanelBound(_n, (int)((long)_n * part / parts)), end = PanelBound(_n, (int)((long)_n * (part + 1) / parts));
            if (start >= end) return;
            MultiplyPacked(new ReadOnlySpan<float>(_a, _m * _k), new ReadOnlySpan<float>(_packed, PackedLength(_k, _n)), new ReadOnlySpan<float>(_bias, _biasLength),
                new Span<float>(_c, _m * _n), _m, _n, _k, _relu, start, end);
        }
    }

    /// <summary>
    /// <see cref="Multiply"/> in parts: a product <c>dy·W</c> of fewer than <see cref="PanelDepth"/> rows (a dense layer's input gradient
    /// below batch 128) by its depth, each part taking whole panels of the weights' rows; others by rows of <c>c</c> when it has a grain
    /// of them per part, else by columns. The parts' finiteness checks are combined.
    /// </summary>
    /// <remarks>
    /// Split by columns or by rows of <c>c</c>, every part reads all or part of every row of <c>W</c>, half of them rows the other core
    /// wrote in the last update (<see cref="WeightRows"/>): for a 1024 × 1024 layer, 2 MB fetched from the other core each step. Split by
    /// depth, a part reads only the rows it updates, and the first part stores the sum of its panels in <c>c</c>, as one thread does; the
    /// others store each panel's chain apart (m × n floats per panel, fewer than its weights below <see cref="PanelDepth"/> rows), and the
    /// calling thread adds them to <c>c</c> in order. One thread makes the same additions (each element is its panels' chains, each from 0,
    /// added in order), so the bits do not change. WideMlp's step on two threads, both cuts alternating in one process: at batch 8
    /// 477 against 665 µs in the phases where a cache line crosses between the cores slowly (one thread 650–690), 400 against 405 in
    /// the others; at batch 32 and 64, 1.08–1.09× faster; at 128, where the blocks weigh as much as the weights, 1.03×.
    /// </remarks>
    private sealed unsafe class AxpyJob : PoolJob
    {
        private enum Cut { Rows, Columns, Depth }

        private static readonly AxpyJob Instance = new();
        private float* _a, _b, _c, _w;
        private int _aRow, _aColumn, _m, _n, _k, _panelCount, _firstPanels;
        private float _l1, _twiceL2;
        private bool _penalize;
        private Cut _cut;
        private bool[] _finite = [];

        /// <summary>The chains of the panels after the first part's, one [m × n] block each, in order.</summary>
        private float[] _panels = [];

        public static bool Run(ReadOnlySpan<float> a, int aRow, int aColumn, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
            ReadOnlySpan<float> penalized, float l1, float twiceL2, int parts)
        {
            fixed (float* pa = a, pb = b, pc = c, pw = penalized)
            {
                AxpyJob job = Instance;
                job._a = pa;
                job._b = pb;
                job._c = pc;
                job._w = pw;
                (job._aRow, job._aColumn, job._m, job._n, job._k) = (aRow, aColumn, m, n, k);
                (job._penalize, job._l1, job._twiceL2) = (!penalized.IsEmpty, l1, twiceL2);
                int panels = job._panelCount = (k + PanelDepth - 1) / PanelDepth;
                job._cut = aRow != 1 && penalized.IsEmpty && m < PanelDepth && panels >= parts ? Cut.Depth : m >= AxpyRowGrain * parts ? Cut.Rows : Cut.Columns;
                if (job._finite.Length < parts) job._finite = new bool[parts];
                if (job._cut == Cut.Depth)
                {
                    job._firstPanels = Range(panels, parts, 0, 1).End;
                    int later = (panels - job._firstPanels) * m * n;
                    if (job._panels.Length < later) job._panels = new float[later];
                    WorkerPool.Run(job, parts);
                    return job.AddPanels(c[..(m * n)]);
                }
                WorkerPool.Run(job, parts);
                bool finite = true;
                for (int part = 0; part < parts; part++) finite &= job._finite[part];
                return finite;
            }
        }

        public override void Run(int part, int parts, int thread)
        {
            ref float w = ref _penalize ? ref *_w : ref Unsafe.NullRef<float>();
            switch (_cut)
            {
                case Cut.Rows:
                    (int first, int last) = Range(_m, parts, part, AxpyRowGrain);
                    nint offset = (nint)first * _n;
                    _finite[part] = first >= last || new Product(ref _a[(nint)first * _aRow], _aRow, _aColumn, ref *_b, ref _c[offset],
                        ref _penalize ? ref Unsafe.Add(ref w, offset) : ref w, _penalize, _l1, _twiceL2, last - first, _n, _k).Columns(0, _n);
                    return;
                case Cut.Depth:
                    RunPanels(part, parts);
                    return;
                default:
                    (int start, int end) = Range(_n, parts, part, AxpyGrain);
                    _finite[part] = start >= end || new Product(ref *_a, _aRow, _aColumn, ref *_b, ref *_c, ref w, _penalize, _l1, _twiceL2, _m, _n, _k).Columns(start, end);
                    return;
            }
        }

        /// <summary>Part <paramref name="part"/> of a split by depth: the first part's panels summed into <c>c</c>, each later panel's chain into its block.</summary>
        private void RunPanels(int part, int parts)
        {
            (int first, int last) = Range(_panelCount, parts, part, 1);
            ref float none = ref Unsafe.NullRef<float>();
            if (part == 0)
            {
                new Product(ref *_a, _aRow, _aColumn, ref *_b, ref *_c, ref none, false, 0, 0, _m, _n, Math.Min(_k, last * PanelDepth)).Columns(0, _n);
                return;
            }
            ref float blocks = ref MemoryMarshal.GetArrayDataReference(_panels);
            for (int panel = first; panel < last; panel++)
            {
                int p0 = panel * PanelDepth;
                new Product(ref _a[(nint)p0 * _aColumn], _aRow, _aColumn, ref _b[(nint)p0 * _n], ref Unsafe.Add(ref blocks, (nint)(panel - _firstPanels) * _m * _n),
                    ref none, false, 0, 0, _m, _n, Math.Min(PanelDepth, _k - p0)).Columns(0, _n);
            }
        }

        /// <summary>Adds the later panels' chains to <paramref name="c"/> in order; returns whether every sum is finite.</summary>
        private bool AddPanels(Span<float> c)
        {
            for (int panel = _firstPanels; panel < _panelCount; panel++) TensorPrimitives.Add(c, _panels.AsSpan((panel - _firstPanels) * c.Length, c.Length), c);
            return Guard.AllFinite(c);
        }
    }
}
