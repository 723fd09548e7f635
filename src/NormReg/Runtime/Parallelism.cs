using System;
using System.Globalization;

namespace NormReg;

/// <summary>
/// How many threads the kernels of one call may use. Work is split over a pool of worker threads started once per process, never
/// per call: a batch of about a million multiply-adds or more is split by samples for the whole inference pass (and in training for
/// each run of rows between two that need the whole batch, BatchNorm above all, when the run's weights stay in a core's cache; BatchNorm
/// over images splits by runs of samples too), and a product of a weight matrix with about four million multiply-adds or more, and
/// more the narrower the matrix (in inference, the forward of weights over 2 MB at any batch), by the rows of the weights, which the
/// optimizer then updates on the same threads (a dense layer's input gradient below 128 samples by whole panels of those rows, whose
/// sums the calling thread adds in the serial order). Each part computes whole samples, whole output elements or whole panels with
/// the serial kernels, every element summed in the same order, so results are the same bits at any thread count. Smaller work runs on
/// the calling thread; the workers spin for a millisecond after a part, then sleep until the next split. The workers also time how
/// long a job takes to reach them: while that shows values crossing between the cores slowly (a virtual machine whose host runs its
/// cores far apart), the training passes split only four times as much work, so that a small batch never runs slower than on one
/// thread.
/// </summary>
/// <remarks>
/// The default, every core the process may use, needs no change. Set the environment variable <c>NORMREG_MAX_THREADS</c> before the
/// process starts, or <see cref="MaxThreads"/> at run time, to leave cores to other work; 1 keeps every call on its own thread.
/// While one call uses the pool, a call from another thread runs on that thread alone rather than wait.
/// </remarks>
public static class Parallelism
{
    private static int _maxThreads = Parse(Environment.GetEnvironmentVariable("NORMREG_MAX_THREADS")) ?? Environment.ProcessorCount;

    /// <summary>Threads one product may use, the calling thread included: at least 1; by default <see cref="Environment.ProcessorCount"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, $"Parallelism.MaxThreads must be at least 1; got {value}.");
            _maxThreads = value;
        }
    }

    /// <summary>The thread count <c>NORMREG_MAX_THREADS</c> holds: null when it is unset or blank, else a whole number of at least 1.</summary>
    internal static int? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1) return value;
        throw new InvalidOperationException($"NORMREG_MAX_THREADS must be a whole number of threads, at least 1; got '{text}'.");
    }
}
