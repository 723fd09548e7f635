using System;
using System.Globalization;

namespace NormReg;

/// <summary>
/// How many threads the kernels of one call may use. A large product (a dense layer's forward or gradient above about a million
/// multiply-adds) is split by its outputs over a pool of worker threads started once per process; every output element is still
/// summed in the same order, so results are the same bits at any thread count. Smaller products run on the calling thread.
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
