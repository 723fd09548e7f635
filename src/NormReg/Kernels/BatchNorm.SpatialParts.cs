using System;
using NormReg.Runtime;

namespace NormReg.Kernels;

public static partial class BatchNorm
{
    /// <summary>
    /// The spatial training passes split by samples over <see cref="WorkerPool"/>, in two rounds: each part sums its runs of
    /// <see cref="SpatialChunk"/> samples per channel, the calling thread adds the runs' sums in order, as one thread does, and finds
    /// each channel's terms, then each part normalizes (or takes the input gradient of) its own samples. The parts take whole runs in the
    /// ranges the training segments around them use, so each core reads values it has just written; split by channels instead, every
    /// value crossed between the cores twice and LeNet's step at batch 32 took 646 µs on two threads against 507 µs serial. Split by
    /// samples, its step at batch 128 went from 1.14 ms to 958 µs on two threads (1.55 to 1.89 times one thread), at batch 32 from
    /// 281 to 247 µs.
    /// </summary>
    internal sealed unsafe class SpatialParts : PoolJob
    {
        private static readonly SpatialParts Instance = new();

        /// <summary>
        /// Values (batch · channels · spatial) from which a pass is split, some 5 µs on one core against two forks and joins of about a
        /// microsecond each: LeNet's step at batch 8 (its first BatchNorm 28 K values) took 88 µs on two threads split, 93 µs whole.
        /// </summary>
        internal const long MinimumValues = 1 << 14;

        private float* _x, _y, _normalized;
        private int _batch, _channels, _spatial;
        private bool _backward, _sums;

        /// <summary>Each run's two sums per channel, [run × channel × 2], grown when a larger pass comes.</summary>
        private double[] _runs = [];

        /// <summary>Per channel: the mean and 1/√(σ² + ε), or γ·invStd, Σdy/N and Σ(dy·x̂)/N; then γ and β forward.</summary>
        private float[] _first = [], _second = [], _third = [], _fourth = [];

        /// <summary>
        /// Runs <see cref="ForwardTrainingSpatial"/> in parts and returns true, or returns false when the pass is too small or the pool
        /// is busy. The spans are the pass's own, already cut to length.
        /// </summary>
        public static bool TryForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> normalized, SpatialMoments moments,
            int batch, int channels, int spatial)
        {
            if (!TryEnter(batch, channels, spatial, out int parts)) return false;
            try
            {
                fixed (float* px = x, py = y, pn = normalized)
                {
                    SpatialParts job = Instance.Sum(px, pn, py, batch, channels, spatial, backward: false, parts);
                    for (int c = 0; c < channels; c++)
                    {
                        (double sum, double squares) = job.Total(c);
                        (job._first[c], job._second[c]) = moments.Channel(c, x[c * spatial], sum, squares);
                        (job._third[c], job._fourth[c]) = (gamma[c], beta[c]);
                    }
                    job.Round(sums: false, parts);
                }
            }
            finally
            {
                Leave();
            }
            return true;
        }

        /// <summary>Runs <see cref="BackwardSpatial"/>'s sums and input gradient in parts, as <see cref="TryForward"/>.</summary>
        public static bool TryBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx,
            Span<float> gammaGradients, Span<float> betaGradients, int batch, int channels, int spatial)
        {
            if (!TryEnter(batch, channels, spatial, out int parts)) return false;
            try
            {
                fixed (float* pdy = dy, pn = normalized, pdx = dx)
                {
                    SpatialParts job = Instance.Sum(pdy, pn, pdx, batch, channels, spatial, backward: true, parts);
                    for (int c = 0; c < channels; c++)
                    {
                        (double sumDy, double sumDyXhat) = job.Total(c);
                        (job._first[c], job._second[c], job._third[c]) = GradientTerms(c, sumDy, sumDyXhat, (double)batch * spatial, inverseStd, gamma, gammaGradients, betaGradients);
                    }
                    job.Round(sums: false, parts);
                }
            }
            finally
            {
                Leave();
            }
            return true;
        }

        /// <summary>Claims the pool for a pass that is worth splitting; false when it is too small or the pool is busy.</summary>
        private static bool TryEnter(int batch, int channels, int spatial, out int parts)
        {
            parts = Parts(batch, channels, spatial);
            return parts > 1 && WorkerPool.TryEnter(parts);
        }

        /// <summary>Forgets the pass's spans, which are unpinned from here on, and releases the pool.</summary>
        private static void Leave()
        {
            Instance._x = Instance._y = Instance._normalized = null;
            WorkerPool.Exit();
        }

        /// <summary>Parts for a pass: 1 below <see cref="MinimumValues"/> or two runs, else as many as the threads and runs allow.</summary>
        internal static int Parts(int batch, int channels, int spatial) =>
            (long)batch * channels * spatial < MinimumValues * WorkerPool.SplitCost ? 1 : Math.Clamp(batch / SpatialChunk, 1, Parallelism.MaxThreads);

        /// <summary>
        /// Takes a pass over <paramref name="x"/> (the input, or dy), <paramref name="normalized"/> x̂ and <paramref name="y"/> (the output, or
        /// dx) and runs its first round, each part's runs summed.
        /// </summary>
        private SpatialParts Sum(float* x, float* normalized, float* y, int batch, int channels, int spatial, bool backward, int parts)
        {
            int runs = (batch + SpatialChunk - 1) / SpatialChunk;
            if (_runs.Length < runs * channels * 2) _runs = new double[runs * channels * 2];
            if (_first.Length < channels) (_first, _second, _third, _fourth) = (new float[channels], new float[channels], new float[channels], new float[channels]);
            (_batch, _channels, _spatial, _backward) = (batch, channels, spatial, backward);
            _x = x;
            _normalized = normalized;
            _y = y;
            Round(sums: true, parts);
            return this;
        }

        private void Round(bool sums, int parts)
        {
            _sums = sums;
            WorkerPool.Run(this, parts);
        }

        /// <summary>Channel <paramref name="c"/>'s two sums over the batch: its runs' sums added in order, as the serial pass adds them.</summary>
        private (double First, double Second) Total(int c)
        {
            double first = 0, second = 0;
            for (int run = 0, runs = (_batch + SpatialChunk - 1) / SpatialChunk; run < runs; run++)
            {
                int at = (run * _channels + c) * 2;
                first += _runs[at];
                second += _runs[at + 1];
            }
            return (first, second);
        }

        public override void Run(int part, int parts, int thread)
        {
            (int start, int end) = Gemm.Range(_batch, parts, part, SpatialChunk);
            if (start >= end) return;
            int stride = _channels * _spatial, total = _batch * stride;
            var x = new ReadOnlySpan<float>(_x, total);
            var normalized = new Span<float>(_normalized, total);
            if (_sums)
            {
                for (int first = start; first < end; first += SpatialChunk)
                {
                    int count = Math.Min(SpatialChunk, end - first);
                    for (int c = 0; c < _channels; c++)
                    {
                        int at = first * stride + c * _spatial, to = (first / SpatialChunk * _channels + c) * 2;
                        (_runs[to], _runs[to + 1]) = _backward ? SumAndDot(x, normalized, at, stride, count, _spatial) : ShiftedSums(x, at, stride, count, _spatial, x[c * _spatial]);
                    }
                }
                return;
            }
            var y = new Span<float>(_y, total);
            for (int s = start; s < end; s++)
            {
                for (int c = 0; c < _channels; c++)
                {
                    int at = s * stride + c * _spatial;
                    if (_backward) InputGradient(x.Slice(at, _spatial), normalized.Slice(at, _spatial), y.Slice(at, _spatial), _first[c], _second[c], _third[c]);
                    else NormalizeAndScale(x.Slice(at, _spatial), normalized.Slice(at, _spatial), y.Slice(at, _spatial), _first[c], _second[c], _third[c], _fourth[c]);
                }
            }
        }
    }
}
