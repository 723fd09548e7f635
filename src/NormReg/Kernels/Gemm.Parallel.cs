using System;
using System.Runtime.CompilerServices;
using NormReg.Runtime;

namespace NormReg.Kernels;

/// <summary>
/// The products split over <see cref="WorkerPool"/> by their outputs, never by the sum: each part computes whole output elements with
/// the serial kernel, so the bits do not depend on the thread count. The spans stay pinned while the parts run.
/// </summary>
internal static partial class Gemm
{
    /// <summary>
    /// Multiply-adds from which a product is split: waking a worker and waiting for it costs microseconds, and a product of
    /// 2^22 multiply-adds takes about 40 µs on one core. Batch-1 products of the benchmark networks (at most 2^20) stay on one thread.
    /// </summary>
    private const long ParallelWork = 1 << 22;

    /// <summary>Columns per unit of a split forward (rows of <c>b</c>): whole cache lines of <c>c</c>.</summary>
    private const int DotGrain = 16;

    /// <summary>Columns per unit of a split <see cref="Multiply"/>: the widest tile, so every part but the last is whole tiles.</summary>
    private const int AxpyGrain = 64;

    /// <summary>How many parts a product of <paramref name="work"/> multiply-adds in <paramref name="units"/> splittable units gets.</summary>
    private static int Parts(long work, int units) => work < ParallelWork ? 1 : Math.Max(1, Math.Min(Parallelism.MaxThreads, units));

    /// <summary>Part <paramref name="part"/> of [0, <paramref name="total"/>) cut into <paramref name="parts"/> runs of whole <paramref name="grain"/>s.</summary>
    private static (int Start, int End) Range(int total, int parts, int part, int grain)
    {
        int chunk = ((total + grain - 1) / grain + parts - 1) / parts * grain;
        int start = Math.Min(total, part * chunk);
        return (start, Math.Min(total, start + chunk));
    }

    /// <summary><see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> in parts: by rows of <c>b</c> when it has enough, else by rows of <c>a</c>.</summary>
    private sealed unsafe class DotJob : PoolJob
    {
        private static readonly DotJob Instance = new();
        private float* _a, _b, _c;
        private int _m, _n, _k;
        private bool _byColumns;

        public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, int parts)
        {
            fixed (float* pa = a, pb = b, pc = c)
            {
                DotJob job = Instance;
                job._a = pa;
                job._b = pb;
                job._c = pc;
                (job._m, job._n, job._k) = (m, n, k);
                job._byColumns = n >= 2 * DotGrain * parts;
                WorkerPool.Run(job, parts);
            }
        }

        public override void Run(int part, int parts, int thread)
        {
            if (_byColumns)
            {
                (int start, int end) = Range(_n, parts, part, DotGrain);
                if (start < end) MultiplyTransposed(ref *_a, ref *_b, ref *_c, _m, _n, _k, start, end);
                return;
            }
            (int first, int last) = Range(_m, parts, part, 4);
            if (first < last) MultiplyTransposed(ref _a[(nint)first * _k], ref *_b, ref _c[(nint)first * _n], last - first, _n, _k, 0, _n);
        }
    }

    /// <summary><see cref="Multiply"/> in parts by columns of <c>c</c>; the parts' finiteness checks are combined.</summary>
    private sealed unsafe class AxpyJob : PoolJob
    {
        private static readonly AxpyJob Instance = new();
        private float* _a, _b, _c, _w;
        private int _aRow, _aColumn, _m, _n, _k;
        private float _l1, _twiceL2;
        private bool _penalize;
        private bool[] _finite = [];

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
                if (job._finite.Length < parts) job._finite = new bool[parts];
                WorkerPool.Run(job, parts);
                bool finite = true;
                for (int part = 0; part < parts; part++) finite &= job._finite[part];
                return finite;
            }
        }

        public override void Run(int part, int parts, int thread)
        {
            (int start, int end) = Range(_n, parts, part, AxpyGrain);
            ref float w = ref _penalize ? ref *_w : ref Unsafe.NullRef<float>();
            _finite[part] = start >= end || new Product(ref *_a, _aRow, _aColumn, ref *_b, ref *_c, ref w, _penalize, _l1, _twiceL2, _m, _n, _k).Columns(start, end);
        }
    }
}
