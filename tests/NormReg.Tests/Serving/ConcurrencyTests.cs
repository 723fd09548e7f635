using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Serving;

/// <summary>
/// The threading model: one instance serves one caller at a time and refuses a second loudly; a
/// <see cref="NetworkPool{TNetwork}"/> serves one trained network to many threads, bit for bit as the network itself.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 8, CallsPerThread = 10_000, Samples = 64;

    [Fact]
    public void A_pool_serves_many_threads_bit_for_bit_without_allocating()
    {
        (FoldedRegressor trained, float[][] inputs, float[][] expected) = Trained();
        var pool = new NetworkPool<FoldedRegressor>(trained, () => new FoldedRegressor(maxBatchSize: 4), size: 3);
        var mismatches = new ConcurrentBag<string>();
        long[] allocated = new long[Threads];

        // A first round lets every method tier up, then the counted round.
        for (int round = 0; round < 2; round++)
        {
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
            {
                float[] output = new float[FoldedRegressor.OutputSize];
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int call = 0; call < CallsPerThread; call++)
                {
                    int sample = (call + thread * 7) % Samples;
                    pool.Predict(inputs[sample], output);
                    if (!output.AsSpan().SequenceEqual(expected[sample])) mismatches.Add($"round {round}, thread {thread}, call {call}, sample {sample}");
                }
                allocated[thread] = GC.GetAllocatedBytesForCurrentThread() - before;
            });
        }

        Assert.Empty(mismatches);
        // No call allocates: every managed object takes at least 24 bytes, so one allocating call in 10,000 would show
        // as 24 or more, and an allocation per call as 240,000. Less than a byte per call is left for the runtime's own
        // one-off work on a loaded machine (a method compiled on the calling thread), which does not grow with the calls.
        Assert.All(allocated, bytes => Assert.True(bytes < CallsPerThread, $"{bytes} bytes allocated over {CallsPerThread} calls on one thread"));
    }

    [Fact]
    public async Task A_second_caller_inside_one_instance_is_refused_and_the_first_finishes_unharmed()
    {
        var net = new FoldedRegressor(maxBatchSize: 4, seed: 3);
        float[] inputs = [.. Enumerable.Range(0, 8).Select(i => i * 0.25f - 1f)], targets = new float[6];
        using var insideStep = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var optimizer = new BlockingOptimizer(insideStep, release);

        Task step = Task.Run(() => net.TrainStep(inputs, targets, 2, optimizer));
        Assert.True(insideStep.Wait(TimeSpan.FromSeconds(30)), "TrainStep never reached its update.");
        float[] output = new float[3];
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => net.Predict(inputs.AsSpan(0, 4), output));
        release.Set();
        await step;

        Assert.Contains("FoldedRegressor", refused.Message);
        Assert.Contains("NetworkPool", refused.Message);
        net.Predict(inputs.AsSpan(0, 4), output); // free again once the step is done
    }

    [Fact]
    public void Many_threads_on_one_instance_get_either_the_right_answer_or_an_exception_never_a_wrong_answer()
    {
        (FoldedRegressor trained, float[][] inputs, float[][] expected) = Trained();
        int wrong = 0;

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
        {
            float[] output = new float[FoldedRegressor.OutputSize];
            for (int call = 0; call < 2_000; call++)
            {
                int sample = (call + thread * 13) % Samples;
                try
                {
                    trained.Predict(inputs[sample], output);
                    if (!output.AsSpan().SequenceEqual(expected[sample])) Interlocked.Increment(ref wrong);
                }
                catch (InvalidOperationException)
                {
                    // Refused loudly: another thread was inside. That is the contract; a wrong answer is not.
                }
            }
        });

        Assert.Equal(0, wrong);
    }

    [Fact]
    public void A_pool_refuses_a_factory_that_does_not_make_new_networks()
    {
        (FoldedRegressor trained, _, _) = Trained();
        var one = new FoldedRegressor(maxBatchSize: 2);

        Assert.Throws<ArgumentException>(() => new NetworkPool<FoldedRegressor>(trained, () => trained, size: 2));
        Assert.Throws<ArgumentException>(() => new NetworkPool<FoldedRegressor>(trained, () => one, size: 2));
    }

    [Fact]
    public void Refresh_copies_new_weights_into_every_replica()
    {
        (FoldedRegressor trained, float[][] inputs, _) = Trained();
        var pool = new NetworkPool<FoldedRegressor>(trained, () => new FoldedRegressor(), size: 2);
        trained.Parameters[0] += 0.5f;
        float[] expected = new float[3], actual = new float[3];
        trained.Predict(inputs[1], expected);

        pool.Refresh(trained);

        for (int i = 0; i < 4; i++)
        {
            pool.Predict(inputs[1], actual);
            Assert.Equal(expected, actual);
        }
    }

    /// <summary>A network trained a few steps (running statistics moved, so the folds matter) and its own single-threaded answers.</summary>
    private static (FoldedRegressor Net, float[][] Inputs, float[][] Expected) Trained()
    {
        var net = new FoldedRegressor(maxBatchSize: 8, seed: 11);
        var random = new Random(5);
        float[][] inputs = [.. Enumerable.Range(0, Samples).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray())];
        float[] batch = [.. inputs.Take(8).SelectMany(x => x)], targets = [.. Enumerable.Range(0, 24).Select(i => (float)Math.Sin(i))];
        var sgd = new Sgd(0.05, momentum: 0.9);
        for (int step = 0; step < 5; step++) net.TrainStep(batch, targets, 8, sgd);
        float[][] expected = [.. inputs.Select(x =>
        {
            float[] y = new float[FoldedRegressor.OutputSize];
            net.Predict(x, y);
            return y;
        })];
        return (net, inputs, expected);
    }

    /// <summary>An optimizer whose update waits, so a test can act while TrainStep is inside the network.</summary>
    private sealed class BlockingOptimizer(ManualResetEventSlim inside, ManualResetEventSlim release) : Optimizer(0.01)
    {
        protected override void Allocate(int parameterCount)
        {
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            inside.Set();
            release.Wait();
        }
    }
}
