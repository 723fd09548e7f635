using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NormReg.Runtime;

/// <summary>One part of a job the <see cref="WorkerPool"/> runs on several threads.</summary>
internal abstract class PoolJob
{
    /// <summary>
    /// Runs part <paramref name="part"/> of <paramref name="parts"/> on thread <paramref name="thread"/> (0 is the calling thread, which
    /// may run any part); parts write disjoint outputs, and what a thread keeps for itself (scratch) goes by <paramref name="thread"/>.
    /// </summary>
    public abstract void Run(int part, int parts, int thread);
}

/// <summary>
/// Threads started once and kept for the process. The calling thread and the workers woken for a job claim its parts one at a
/// time until none is left, so a worker the system has not scheduled yet costs nothing: the caller runs its part too. The caller
/// claims from the first part on and the workers from the last back, so that the caller runs part 0 even when a spinning worker
/// sees the job first, and a two-thread job's parts stay on the same cores from one job to the next. One job at a time;
/// <see cref="TryEnter"/> fails while another thread's job runs, and that caller computes alone instead of waiting. Nothing is
/// allocated per job.
/// </summary>
/// <remarks>
/// Waking a sleeping thread takes tens to hundreds of microseconds on a virtual machine, whose idle cores halt, and one training
/// step forks and joins several times. So a worker that has finished spins for <see cref="SpinTime"/> before it sleeps, and the
/// caller spins as long for parts a worker has claimed: the forks of one step, and of steps run back to back, find the workers
/// awake. A process that stops calling leaves the workers asleep after that time.
/// </remarks>
internal static class WorkerPool
{
    /// <summary>How long a thread spins for the next job, or for parts claimed by others, before it sleeps: one millisecond.</summary>
    private static readonly long SpinTime = Stopwatch.Frequency / 1000;

    private static readonly object Gate = new();
    private static readonly ManualResetEventSlim Finished = new(false);
    private static Worker[] _workers = [];
    private static int _busy;
    private static PoolJob? _job;
    private static int _parts, _generation, _finished;

    /// <summary>
    /// The job's generation in the high half; in the low half the caller's next part (bits 0–15) and one past the workers' next
    /// (bits 16–31), claimed by compare-and-swap until they meet. Parts split by the rows of weights (<c>Gemm.WeightRows</c>) leave
    /// each core the rows it updated: when a spinning worker claimed part 0 of WideMlp's 1024 × 1024 products first (one job in
    /// fourteen, in some processes), the cores swapped rows, 4 MB each way, and its step at batch 8 on two threads took 750–960 µs
    /// in about half the processes, 410–500 in the others (one thread: 680).
    /// </summary>
    private static long _claims;

    /// <summary>Parts a job may have: the width of each half of <see cref="_claims"/>' low half.</summary>
    private const int MaxParts = 0xFFFF;

    private static Exception? _failure;

    /// <summary>When the last job was published (<see cref="Stopwatch"/> ticks), for the workers' measure of the handoff.</summary>
    private static long _published;

    /// <summary>The least handoff of the last window a worker measured, in nanoseconds; 0 until one has.</summary>
    private static long _handoff;

    /// <summary>Jobs a spinning worker takes the least handoff of: a LeNet training step at batch 8 forks about fifteen times.</summary>
    private const int HandoffWindow = 32;

    /// <summary>
    /// The handoff from which passing data between the cores counts as slow (<see cref="SplitCost"/>). On the 2-core
    /// virtual machines a cache line's round trip between the cores took 80–90 ns in some phases and 380–410 ns in others (the host
    /// placing the two virtual cores apart), and the least handoff of a window 50–75 ns and 200–300 ns.
    /// </summary>
    private const long SlowHandoff = 150;

    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>
    /// The factor on the least work from which a training pass splits: 4 when a job took long to reach a spinning worker in the last
    /// window measured, else 1. A cache line then takes about four times as long to pass between the cores, and every value a part
    /// reads from the other core costs as much more: split as usual, LeNet's step at batch 8 took 132–146 µs on two threads in such
    /// phases against 112–123 µs on one (82 against 110 µs in the others).
    /// </summary>
    public static int SplitCost => CostOf(Volatile.Read(ref _handoff));

    /// <summary>The <see cref="SplitCost"/> of a least handoff of <paramref name="handoff"/> nanoseconds.</summary>
    internal static int CostOf(long handoff) => handoff > SlowHandoff ? 4 : 1;

    /// <summary>Whether the workers measure the handoff; the unit tests turn it off, so that their splits do not depend on the machine's phase.</summary>
    internal static bool Measuring { get; set; } = true;

    /// <summary>Claims the pool for up to <paramref name="wanted"/> parts; false, and nothing claimed, when it is in use.</summary>
    public static bool TryEnter(int wanted)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
        if (_workers.Length < wanted - 1) Grow(wanted - 1);
        return true;
    }

    /// <summary>Releases the pool claimed by <see cref="TryEnter"/>.</summary>
    public static void Exit() => Volatile.Write(ref _busy, 0);

    /// <summary>
    /// Runs <paramref name="parts"/> parts of <paramref name="job"/> and returns when all are done, on the calling thread and on up to
    /// parts − 1 of the workers <see cref="TryEnter"/> started; rethrows the exception of a part that failed, as it was thrown.
    /// </summary>
    public static void Run(PoolJob job, int parts)
    {
        if (parts > MaxParts) throw new ArgumentOutOfRangeException(nameof(parts), parts, $"A job has at most {MaxParts} parts.");
        // Closed first: a thread that read the last job's claims before its parts ran out fails its compare-and-swap from here on,
        // rather than claiming a part of this job with the last one's count. Opening publishes the fields set in between.
        int generation = ++_generation;
        Volatile.Write(ref _claims, (long)generation << 32); // no part left: the two ends meet
        _job = job;
        _parts = parts;
        _failure = null;
        _finished = 0;
        Finished.Reset();
        Volatile.Write(ref _published, Stopwatch.GetTimestamp());
        Volatile.Write(ref _claims, ((long)generation << 32) | ((long)parts << 16));
        for (int w = 1; w < parts && w <= _workers.Length; w++) _workers[w - 1].Start();
        Work(generation, 0);
        long deadline = Stopwatch.GetTimestamp() + SpinTime;
        while (Volatile.Read(ref _finished) != parts && Stopwatch.GetTimestamp() < deadline) Thread.SpinWait(1);
        while (Volatile.Read(ref _finished) != parts) Finished.Wait();
        _job = null;
        if (_failure is Exception failure) ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Claims and runs parts of job <paramref name="generation"/> on thread <paramref name="thread"/> until none is left.</summary>
    private static void Work(int generation, int thread)
    {
        while (true)
        {
            long claims = Volatile.Read(ref _claims);
            int parts = Volatile.Read(ref _parts), front = (int)(claims & MaxParts), back = (int)(claims >> 16) & MaxParts;
            // A worker beyond the job's parts stays out: what it keeps for itself (scratch) is sized by the parts.
            if ((int)(claims >> 32) != generation || front >= back || thread >= parts) return;
            long next = thread == 0 ? claims + 1 : claims - (1L << 16);
            if (Interlocked.CompareExchange(ref _claims, next, claims) != claims) continue;
            int part = thread == 0 ? front : back - 1;
            // The job cannot end before this part does, so its fields are this generation's from here on.
            parts = _parts;
            try
            {
                _job!.Run(part, parts, thread);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            if (Interlocked.Increment(ref _finished) == parts) Finished.Set();
        }
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
        private readonly ManualResetEventSlim _wake = new(false);
        private int _jobs, _asleep, _handoffs;
        private long _leastHandoff = long.MaxValue;

        public Worker(int thread)
        {
            var worker = new Thread(() => Loop(thread)) { IsBackground = true, Name = $"NormReg worker {thread}" };
            worker.Start();
        }

        /// <summary>
        /// Asks the worker to help with the job just published. The increment is a full fence: either the worker, about to sleep, sees
        /// it, or this sees the worker asleep and wakes it.
        /// </summary>
        public void Start()
        {
            Interlocked.Increment(ref _jobs);
            if (Volatile.Read(ref _asleep) != 0) _wake.Set();
        }

        private void Loop(int thread)
        {
            int seen = 0;
            while (true)
            {
                seen = AwaitJob(seen, out bool spinning);
                if (spinning) MeasureHandoff();
                // A request that arrives after its job has ended finds the generation moved on or no part left, and claims nothing.
                Work((int)(Volatile.Read(ref _claims) >> 32), thread);
            }
        }

        /// <summary>Takes the time since the job was published into this window's least, and publishes the least when the window is full.</summary>
        private void MeasureHandoff()
        {
            if (!Measuring) return;
            long published = Volatile.Read(ref _published); // before the clock: a job published in between then only lengthens this one
            _leastHandoff = Math.Min(_leastHandoff, Stopwatch.GetTimestamp() - published);
            if (++_handoffs < HandoffWindow) return;
            Volatile.Write(ref _handoff, (long)(_leastHandoff * NanosecondsPerTick));
            (_handoffs, _leastHandoff) = (0, long.MaxValue);
        }

        /// <summary>
        /// Returns the count of requests once it differs from <paramref name="seen"/>: spinning first, polling every 60 ns or so (where
        /// <c>SpinWait(8)</c> took 380 ns, half of it, on average, added to every handoff), then asleep until woken; whether it found the
        /// request <paramref name="spinning"/>.
        /// </summary>
        private int AwaitJob(int seen, out bool spinning)
        {
            spinning = true;
            long deadline = Stopwatch.GetTimestamp() + SpinTime;
            int jobs;
            while ((jobs = Volatile.Read(ref _jobs)) == seen)
            {
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.SpinWait(1);
                    continue;
                }
                _wake.Reset();
                Interlocked.Exchange(ref _asleep, 1); // a full fence, the other half of Start's
                if (Volatile.Read(ref _jobs) == seen)
                {
                    _wake.Wait();
                    spinning = false;
                }
                Volatile.Write(ref _asleep, 0);
                deadline = Stopwatch.GetTimestamp() + SpinTime;
            }
            return jobs;
        }
    }
}
