using System;
using NormReg.Runtime;

namespace NormReg.Kernels;

public static partial class BatchNorm
{
    /// <summary>
    /// The training passes of <see cref="ForwardTrainingSpatial"/> and <see cref="BackwardSpatial"/> split by channels over the worker
    /// pool: each channel's statistics and values are computed whole by one thread, in the serial order, so the bits do not depend on
    /// the thread count. The spans stay pinned while the parts run; nothing is allocated per call.
    /// </summary>
    private sealed unsafe class SpatialJob : PoolJob
    {
        /// <summary>
        /// Values from which the channels are split: a pass reads them two or three times, about 10 µs of work at this count, well
        /// above the few microseconds of waking a worker and joining it.
        /// </summary>
        private const int MinimumValues = 1 << 16;

        private static readonly SpatialJob Instance = new();

        private float* _source, _gamma, _beta, _destination, _normalized, _inverseStd, _mean, _variance, _gammaGradients, _betaGradients;
        private int _batch, _channels, _spatial;
        private float _momentum, _epsilon;
        private bool _forward;

        public static bool TryForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> normalized, Span<float> inverseStd,
            Span<float> runningMean, Span<float> runningVariance, int batch, int channels, int spatial, float momentum, float epsilon)
        {
            int parts = Parts(batch, channels, spatial);
            if (parts < 2) return false;
            // Checked here, on the calling thread: a part sees the pointers alone.
            Lengths.AtLeast(gamma.Length, channels, nameof(gamma));
            Lengths.AtLeast(beta.Length, channels, nameof(beta));
            Lengths.AtLeast(inverseStd.Length, channels, nameof(inverseStd));
            Lengths.AtLeast(runningMean.Length, channels, nameof(runningMean));
            Lengths.AtLeast(runningVariance.Length, channels, nameof(runningVariance));
            if (!WorkerPool.TryEnter(parts)) return false;
            try
            {
                fixed (float* px = x, pg = gamma, pb = beta, py = y, pn = normalized, pi = inverseStd, pm = runningMean, pv = runningVariance)
                {
                    SpatialJob job = Instance;
                    job._source = px;
                    job._gamma = pg;
                    job._beta = pb;
                    job._destination = py;
                    job._normalized = pn;
                    job._inverseStd = pi;
                    job._mean = pm;
                    job._variance = pv;
                    (job._batch, job._channels, job._spatial, job._momentum, job._epsilon, job._forward) = (batch, channels, spatial, momentum, epsilon, true);
                    WorkerPool.Run(job, parts);
                }
            }
            finally
            {
                WorkerPool.Exit();
            }
            return true;
        }

        public static bool TryBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx,
            Span<float> gammaGradients, Span<float> betaGradients, int batch, int channels, int spatial)
        {
            int parts = Parts(batch, channels, spatial);
            if (parts < 2) return false;
            Lengths.AtLeast(gamma.Length, channels, nameof(gamma));
            Lengths.AtLeast(inverseStd.Length, channels, nameof(inverseStd));
            Lengths.AtLeast(gammaGradients.Length, channels, nameof(gammaGradients));
            Lengths.AtLeast(betaGradients.Length, channels, nameof(betaGradients));
            if (!WorkerPool.TryEnter(parts)) return false;
            try
            {
                fixed (float* pdy = dy, pn = normalized, pi = inverseStd, pg = gamma, pdx = dx, pdg = gammaGradients, pdb = betaGradients)
                {
                    SpatialJob job = Instance;
                    job._source = pdy;
                    job._normalized = pn;
                    job._inverseStd = pi;
                    job._gamma = pg;
                    job._destination = pdx;
                    job._gammaGradients = pdg;
                    job._betaGradients = pdb;
                    (job._batch, job._channels, job._spatial, job._forward) = (batch, channels, spatial, false);
                    WorkerPool.Run(job, parts);
                }
            }
            finally
            {
                WorkerPool.Exit();
            }
            return true;
        }

        /// <summary>1 below <see cref="MinimumValues"/>, else as many parts as the threads and the channels allow.</summary>
        private static int Parts(int batch, int channels, int spatial) =>
            (long)batch * channels * spatial < MinimumValues ? 1 : Math.Min(channels, Parallelism.MaxThreads);

        public override void Run(int part, int parts, int thread)
        {
            int from = (int)((long)_channels * part / parts), to = (int)((long)_channels * (part + 1) / parts);
            int total = _batch * _channels * _spatial, c = _channels;
            if (_forward)
            {
                ForwardChannels(new ReadOnlySpan<float>(_source, total), new ReadOnlySpan<float>(_gamma, c), new ReadOnlySpan<float>(_beta, c), new Span<float>(_destination, total),
                    new Span<float>(_normalized, total), new Span<float>(_inverseStd, c), new Span<float>(_mean, c), new Span<float>(_variance, c),
                    _batch, c, _spatial, _momentum, _epsilon, from, to);
                return;
            }
            BackwardChannels(new ReadOnlySpan<float>(_source, total), new ReadOnlySpan<float>(_normalized, total), new ReadOnlySpan<float>(_inverseStd, c), new ReadOnlySpan<float>(_gamma, c),
                new Span<float>(_destination, total), new Span<float>(_gammaGradients, c), new Span<float>(_betaGradients, c), _batch, c, _spatial, from, to);
        }
    }
}
