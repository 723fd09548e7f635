using System;
using System.Threading;

namespace NormReg.Runtime;

/// <summary>One part of a job the <see cref="WorkerPool"/> runs on several threads.</summary>
internal abstract class PoolJob
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>; parts write disjoint outputs.</summary>
    public abstract void Run(int part, int parts);
}

/// <summary>
/// Threads started once and kept for the process: a job's part 0 runs on the calling thread, the others on workers woken for it.
/// One job at a time; <see cref="TryEnter"/> fails while another thread's job runs, and that caller computes alone instead of waiting.
/// Nothing is allocated per job.
/// </summary>
internal static class WorkerPool
{
    private static readonly object Gate = new();
    private static Worker[] _workers = [];
    private static int _busy;
    private static PoolJob? _job;
    private static int _parts, _pending;
    private static Exception? _failure;
    private static readonly ManualResetEventSlim Done = new(false);

    /// <summary>Claims the pool for up to <paramref name="wanted"/> parts; false, and nothing claimed, when it is in use.</summary>
    public static bool TryEnter(int wanted)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
        if (_workers.Length < wanted - 1) Grow(wanted - 1);
        return true;
    }

    /// <summary>Releases the pool claimed by <see cref="TryEnter"/>.</summary>
    public static void Exit() => Volatile.Write(ref _busy, 0);

    /// <summary>Runs <paramref name="parts"/> parts of <paramref name="job"/> and returns when all are done; rethrows a part's exception.</summary>
    public static void Run(PoolJob job, int parts)
    {
        _job = job;
        _parts = parts;
        _failure = null;
        Done.Reset();
        if (parts == 1) Done.Set();
        Volatile.Write(ref _pending, parts - 1);
        for (int w = 1; w < parts; w++) _workers[w - 1].Wake.Set();
        try
        {
            job.Run(0, parts);
        }
        finally
        {
            Done.Wait();
            _job = null;
        }
        if (_failure is Exception failure) throw new AggregateException(failure);
    }

    private static void Grow(int count)
    {
        lock (Gate)
        {
            var workers = new Worker[count];
            Array.Copy(_workers, workers, _workers.Length);
            for (int w = _workers.Length; w < count; w++) workers[w] = new Worker(w + 1);
            _workers = workers;
        }
    }

    private sealed class Worker
    {
        public readonly ManualResetEventSlim Wake = new(false);

        public Worker(int part)
        {
            var thread = new Thread(() => Loop(part)) { IsBackground = true, Name = $"NormReg worker {part}" };
            thread.Start();
        }

        private void Loop(int part)
        {
            while (true)
            {
                Wake.Wait();
                Wake.Reset();
                try
                {
                    _job!.Run(part, _parts);
                }
                catch (Exception e)
                {
                    _failure = e;
                }
                if (Interlocked.Decrement(ref _pending) == 0) Done.Set();
            }
        }
    }
}
