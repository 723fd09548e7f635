using System;
using System.Threading;
using NormReg.Runtime;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// The pool's contract, on jobs of many shapes: every part runs exactly once whichever thread claims it, the calling thread takes
/// part, a thread's index stays below the parts, a part's exception comes back as it was thrown and leaves the pool usable, and a
/// second caller is turned away while a job runs.
/// </summary>
[Collection(nameof(ParallelKernelTests))]
public sealed class WorkerPoolTests
{
    [Fact]
    public void Every_part_runs_exactly_once_on_a_thread_below_the_parts()
    {
        var job = new CountingJob();
        for (int round = 0; round < 2000; round++)
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
            for (int part = 0; part < parts; part++) Assert.Equal(1, job.Runs[part]);
            Assert.Equal(0, job.BadThreads);
            if (parts == 1) Assert.Equal(1, job.CallerRuns);
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
        public int[] Runs = new int[8];
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
            if (thread < 0 || thread >= parts || (thread == 0) != (Environment.CurrentManagedThreadId == _caller)) Interlocked.Increment(ref BadThreads);
            if (thread == 0) Interlocked.Increment(ref CallerRuns);
            Thread.SpinWait(200 * (part + 1));
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
