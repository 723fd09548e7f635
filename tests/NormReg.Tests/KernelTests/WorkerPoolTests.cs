using System;
using System.Threading;
using NormReg.Runtime;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// The pool's contract, on jobs of many shapes: every part runs exactly once whichever thread claims it, the calling thread takes
/// part, a thread's index stays below the parts, the calling thread runs a first run of the parts and the workers the rest (so that
/// parts cut by weight rows stay on their cores from one job to the next), a part's exception comes back as it was thrown and
/// leaves the pool usable, and a second caller is turned away while a job runs.
/// </summary>
[Collection(nameof(ParallelKernelTests))]
public sealed class WorkerPoolTests
{
    [Fact]
    public void Every_part_runs_exactly_once_on_a_thread_below_the_parts_the_caller_from_the_first()
    {
        var job = new CountingJob();
        Assert.True(WorkerPool.TryEnter(3)); // two workers at least, so that one is often late for a job of few parts
        WorkerPool.Exit();
        for (int round = 0; round < 20000; round++)
        {
            int parts = 1 + round % 7, threads = 1 + round % 3;
            job.Reset();
            Assert.True(WorkerPool.TryEnter(threads));
            try
            {
                WorkerPool.Run(job, parts);
            }
            finally
            {
                WorkerPool.Exit();
            }
            for (int part = 0; part < parts; part++) Assert.True(job.Runs[part] == 1, $"Round {round}: part {part} of {parts} ran {job.Runs[part]} times.");
            Assert.True(job.BadThreads == 0, $"Round {round}: {job.BadThreads} parts ran on a thread at or above the parts, or a worker called itself 0.");
            if (parts == 1) Assert.True(job.CallerRuns == 1, $"Round {round}: the one part ran {job.CallerRuns} times on the calling thread.");
            for (int part = 0; part < parts; part++)
            {
                bool byCaller = job.Threads[part] == 0;
                Assert.True(byCaller == part < job.CallerRuns,
                    $"Round {round}: the calling thread ran {job.CallerRuns} of {parts} parts, but part {part} ran on thread {job.Threads[part]}.");
            }
        }
    }

    [Fact]
    public void A_failing_part_is_rethrown_as_thrown_and_the_pool_stays_usable()
    {
        var failing = new FailingJob();
        Assert.True(WorkerPool.TryEnter(2));
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(failing, 2));
            Assert.Equal("part 1 failed", e.Message);
            var counting = new CountingJob();
            counting.Reset();
            WorkerPool.Run(counting, 2);
            Assert.Equal([1, 1], counting.Runs[..2]);
        }
        finally
        {
            WorkerPool.Exit();
        }
    }

    [Fact]
    public void A_second_caller_is_turned_away_while_the_pool_is_claimed()
    {
        Assert.True(WorkerPool.TryEnter(2));
        try
        {
            bool other = true;
            var thread = new Thread(() => other = WorkerPool.TryEnter(2));
            thread.Start();
            thread.Join();
            Assert.False(other);
        }
        finally
        {
            WorkerPool.Exit();
        }
        Assert.True(WorkerPool.TryEnter(2));
        WorkerPool.Exit();
    }

    private sealed class CountingJob : PoolJob
    {
        public int[] Runs = new int[8], Threads = new int[8];
        public int BadThreads, CallerRuns;
        private int _caller;

        public void Reset()
        {
            Array.Clear(Runs);
            BadThreads = CallerRuns = 0;
            _caller = Environment.CurrentManagedThreadId;
        }

        public override void Run(int part, int parts, int thread)
        {
            Interlocked.Increment(ref Runs[part]);
            Threads[part] = thread;
            if (thread < 0 || thread >= parts || (thread == 0) != (Environment.CurrentManagedThreadId == _caller)) Interlocked.Increment(ref BadThreads);
            if (thread == 0) Interlocked.Increment(ref CallerRuns);
            Thread.SpinWait(20 * (part + 1));
        }
    }

    private sealed class FailingJob : PoolJob
    {
        public override void Run(int part, int parts, int thread)
        {
            if (part == 1) throw new InvalidOperationException("part 1 failed");
        }
    }
}
