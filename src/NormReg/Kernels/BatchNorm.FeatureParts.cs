using System;
using NormReg.Runtime;

namespace NormReg.Kernels;

public static partial class BatchNorm
{
    /// <summary>
    /// The training passes over vectors split by features over <see cref="WorkerPool"/>: each feature's statistics, outputs and gradients
    /// are its own, so each part runs the serial chunks on its run of features and the bits do not depend on the split. The runs are the
    /// rows a split product of the weights before cuts (<see cref="Gemm.WeightRows"/>), so a core normalizes the features it has just
    /// computed, and the input gradient goes to the core whose weight gradient reads it. On the calling thread, each value of MnistMlp's
    /// first BatchNorm (batch 128 × 256 features) crossed from the other core and back every step.
    /// </summary>
    internal sealed unsafe class FeatureParts : PoolJob
    {
        private static readonly FeatureParts Instance = new();

        /// <summary>
        /// Values (batch · features) from which a pass is split, about 7 µs forward on one core against a fork and join of a microsecond
        /// or two; four times as many in the phases where values cross between the cores slowly (<see cref="WorkerPool.SplitCost"/>).
        /// </summary>
        internal const long MinimumValues = 1 << 14;

        /// <summary>The pass's input: x forward, dy backward.</summary>
        private float* _input;

        private float* _gamma, _beta, _y, _normalized, _inverseStd, _runningMean, _runningVariance, _dx, _gammaGradients, _betaGradients;
        private int _batch, _features;
        private float _momentum, _epsilon;
        private bool _backward;

        /// <summary>Parts for a pass of <paramref name="batch"/> × <paramref name="features"/>: 1 below <see cref="MinimumValues"/>, else as <see cref="Gemm.WeightRows"/> cuts the features.</summary>
        internal static int Parts(int batch, int features) =>
            (long)batch * features < MinimumValues * WorkerPool.SplitCost ? 1 : Math.Clamp(features / Gemm.WeightRowGrain, 1, Parallelism.MaxThreads);

        /// <summary>Runs the training forward in parts and returns true, or returns false when the pass is too small or the pool is busy.</summary>
        public static bool TryForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, Span<float> normalized, Span<float> inverseStd,
            Span<float> runningMean, Span<float> runningVariance, int batch, int features, float momentum, float epsilon)
        {
            if (!TryEnter(batch, features, out int parts)) return false;
            try
            {
                fixed (float* px = x, pg = gamma, pb = beta, py = y, pn = normalized, pi = inverseStd, pm = runningMean, pv = runningVariance)
                {
                    FeatureParts job = Instance;
                    job._input = px;
                    job._gamma = pg;
                    job._beta = pb;
                    job._y = py;
                    job._normalized = pn;
                    job._inverseStd = pi;
                    job._runningMean = pm;
                    job._runningVariance = pv;
                    (job._batch, job._features, job._momentum, job._epsilon, job._backward) = (batch, features, momentum, epsilon, false);
                    WorkerPool.Run(job, parts);
                }
            }
            finally
            {
                Leave();
            }
            return true;
        }

        /// <summary>Runs the backward pass in parts, as <see cref="TryForward"/>; the caller checks the γ and β gradients.</summary>
        public static bool TryBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> gamma, Span<float> dx,
            Span<float> gammaGradients, Span<float> betaGradients, int batch, int features)
        {
            if (!TryEnter(batch, features, out int parts)) return false;
            try
            {
                fixed (float* pdy = dy, pn = normalized, pi = inverseStd, pg = gamma, pdx = dx, pgg = gammaGradients, pbg = betaGradients)
                {
                    FeatureParts job = Instance;
                    job._input = pdy;
                    job._normalized = pn;
                    job._inverseStd = pi;
                    job._gamma = pg;
                    job._dx = pdx;
                    job._gammaGradients = pgg;
                    job._betaGradients = pbg;
                    (job._batch, job._features, job._backward) = (batch, features, true);
                    WorkerPool.Run(job, parts);
                }
            }
            finally
            {
                Leave();
            }
            return true;
        }

        /// <summary>Claims the pool for a pass that is worth splitting; false when it is too small or the pool is busy.</summary>
        private static bool TryEnter(int batch, int features, out int parts)
        {
            parts = Parts(batch, features);
            return parts > 1 && WorkerPool.TryEnter(parts);
        }

        /// <summary>Forgets the pass's spans, which are unpinned from here on, and releases the pool.</summary>
        private static void Leave()
        {
            FeatureParts job = Instance;
            job._input = job._gamma = job._beta = job._y = job._normalized = job._inverseStd = job._runningMean = job._runningVariance = null;
            job._dx = job._gammaGradients = job._betaGradients = null;
            WorkerPool.Exit();
        }

        public override void Run(int part, int parts, int thread)
        {
            (int from, int to) = Gemm.WeightRows(_features, parts, part);
            if (from >= to) return;
            int total = _batch * _features;
            if (_backward)
            {
                BackwardRange(new ReadOnlySpan<float>(_input, total), new ReadOnlySpan<float>(_normalized, total), new ReadOnlySpan<float>(_inverseStd, _features),
                    new ReadOnlySpan<float>(_gamma, _features), new Span<float>(_dx, total), new Span<float>(_gammaGradients, _features), new Span<float>(_betaGradients, _features),
                    _batch, _features, from, to);
                return;
            }
            ForwardTrainingRange(new ReadOnlySpan<float>(_input, total), new ReadOnlySpan<float>(_gamma, _features), new ReadOnlySpan<float>(_beta, _features), new Span<float>(_y, total),
                new Span<float>(_normalized, total), new Span<float>(_inverseStd, _features), new Span<float>(_runningMean, _features), new Span<float>(_runningVariance, _features),
                _batch, _features, _momentum, _epsilon, from, to);
        }
    }
}
