using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// The products split over the worker pool: the same bits at one to four threads (the pool splits outputs, or a small batch's input
/// gradient into panels added in the serial order), nothing
/// allocated per call on any thread, and two threads using the kernels at once finish (the second computes alone while the pool is busy).
/// The shapes are above the size from which a product is split.
/// </summary>
[Collection(nameof(ParallelKernelTests))]
public sealed class ParallelKernelTests
{
    /// <summary>Alone, after the other tests: it sets the process-wide <see cref="Parallelism.MaxThreads"/> and counts every thread's allocations.</summary>
    [CollectionDefinition(nameof(ParallelKernelTests), DisableParallelization = true)]
    public sealed class Alone;

    /// <summary>
    /// Batch, inputs, outputs: weights that are split (by their rows), with input gradients split by samples at a batch of 130 and,
    /// below 128 samples, by the depth (panels of 128 weight rows, the last one short, cut unevenly at three threads); at a batch of 2
    /// the input gradient's kernel reads each weight row whole.
    /// </summary>
    public static TheoryData<int, int, int> Shapes => new() { { 130, 600, 520 }, { 70, 1030, 517 }, { 9, 1030, 600 }, { 2, 2050, 1100 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Products_give_the_same_bits_at_one_to_four_threads(int batch, int inputs, int outputs)
    {
        Assert.True(Gemm.Splits((long)batch * inputs * outputs, outputs, inputs), "the products must be split");
        float[] x = Random(batch * inputs, 1), w = Random(outputs * inputs, 2), b = Random(outputs, 3), dy = Random(batch * outputs, 4);
        float[][] one = Products(1);

        for (int threads = 2; threads <= 4; threads++)
        {
            float[][] split = Products(threads);
            for (int product = 0; product < one.Length; product++)
            {
                Assert.True(one[product].AsSpan().SequenceEqual(split[product]), $"Product {product} differs between one and {threads} threads.");
            }
        }

        float[][] Products(int threads)
        {
            int before = Parallelism.MaxThreads;
            Parallelism.MaxThreads = threads;
            try
            {
                float[] y = new float[batch * outputs], dw = new float[outputs * inputs], db = new float[outputs], dx = new float[batch * inputs];
                Dense.Forward(x, w, b, y, batch, inputs, outputs);
                Assert.True(Dense.BackwardParameters(x, dy, dw, db, batch, inputs, outputs, w, 1e-3f, 1e-2f));
                Dense.BackwardInput(dy, w, dx, batch, inputs, outputs);
                return [y, dw, db, dx];
            }
            finally
            {
                Parallelism.MaxThreads = before;
            }
        }
    }

    /// <summary>Weights of at least <see cref="Gemm.StreamedWeights"/> split the forward product by their rows at any batch, with the bits of one thread.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_forward_of_large_weights_is_split_at_small_batches_with_the_same_bits(int batch)
    {
        const int inputs = 1030, outputs = 520;
        Assert.True(inputs * outputs >= Gemm.StreamedWeights);
        Assert.False(Gemm.Splits((long)batch * inputs * outputs, outputs, inputs), "below the work from which every product splits");
        float[] x = Random(batch * inputs, 11), w = Random(outputs * inputs, 12), b = Random(outputs, 13);
        float[] Forward(int threads) => ThreadCountTests.AtThreads(threads, () =>
        {
            Assert.Equal(threads, Gemm.ForwardParts(batch, outputs, inputs));
            float[] y = new float[batch * outputs];
            Dense.ForwardReLU(x, w, b, y, batch, inputs, outputs);
            return y;
        });

        float[] one = Forward(1);
        for (int o = 0; o < outputs; o++)
        {
            double sum = b[o];
            for (int i = 0; i < inputs; i++) sum += (double)x[i] * w[o * inputs + i];
            Assert.True(Math.Abs(Math.Max(sum, 0) - one[o]) <= 1e-4 * (1 + Math.Abs(sum)), $"output {o}: expected {Math.Max(sum, 0)}, got {one[o]}");
        }
        Assert.Equal(one, Forward(2));
        Assert.Equal(one, Forward(3));
    }

    /// <summary>
    /// A training segment runs with <see cref="Gemm.Training"/> set, so its forward reads large weights whole on the thread whose update
    /// writes them; the inference pass and the thread afterwards do not.
    /// </summary>
    [Fact]
    public void Training_segments_read_large_weights_on_their_own_thread_and_inference_splits_them()
    {
        const int inputs = 1030, outputs = 520;
        var passes = new RecordingPasses(() => Gemm.ForwardParts(1, outputs, inputs));
        var split = new NormReg.Runtime.BatchSplit(passes, (long)inputs * outputs);
        ThreadCountTests.AtThreads(2, () =>
        {
            split.RunSegment(0, 1, (long)inputs * outputs, (long)inputs * outputs);
            split.Run(1, (long)inputs * outputs);
            return 0;
        });
        Assert.Equal([1, 2], passes.Parts);
        Assert.False(Gemm.Training);
    }

    /// <summary>Passes that record what <see cref="Gemm.ForwardParts"/> answers inside a training segment and inside the inference pass.</summary>
    private sealed class RecordingPasses(Func<int> parts) : NormReg.Runtime.INetworkPasses
    {
        public System.Collections.Generic.List<int> Parts { get; } = [];

        public ReadOnlySpan<float> Forward(int batchSize, ForwardMode mode) => throw new NotSupportedException();

        public void ForwardRows(int start, int count, int thread) => Parts.Add(parts());

        public void TrainingRows(int segment, int start, int count, int thread) => Parts.Add(parts());

        public bool Backward(int batchSize, ReadOnlySpan<float> outputGradients, Span<float> inputGradients) => throw new NotSupportedException();
    }

    /// <summary>
    /// The forward on packed weights, split by panels of outputs, each part adding the bias and the ReLU as it stores: the bits of the
    /// unpacked forward on one thread, at one, two and three threads.
    /// </summary>
    [Theory]
    [InlineData(130, 600, 520)] // split as every product of its work is
    [InlineData(3, 1030, 1024)] // weights split at any batch; steps past the sixteens, at 512 bits the last panels two of two vectors
    public void The_packed_forward_is_split_by_panels_with_the_bits_of_one_thread(int batch, int inputs, int outputs)
    {
        if (!Dense.PacksWeights(inputs, outputs)) return;
        float[] x = Random(batch * inputs, 21), w = Random(outputs * inputs, 22), b = Random(outputs, 23), packed = new float[Dense.PackedLength(inputs, outputs)];
        Dense.PackWeights(w, packed, inputs, outputs);
        int[] expected = ThreadCountTests.AtThreads(1, () =>
        {
            float[] y = new float[batch * outputs];
            Dense.ForwardReLU(x, w, b, y, batch, inputs, outputs);
            return Array.ConvertAll(y, BitConverter.SingleToInt32Bits);
        });
        Assert.Contains(expected, v => v != 0);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            int[] got = ThreadCountTests.AtThreads(threads, () =>
            {
                Assert.Equal(threads, Gemm.ForwardParts(batch, outputs, inputs));
                float[] y = new float[batch * outputs];
                Dense.ForwardReLU(x, w, packed, b, y, batch, inputs, outputs);
                return Array.ConvertAll(y, BitConverter.SingleToInt32Bits);
            });
            Assert.Equal(expected, got);
        }
    }

    [Fact]
    public void The_fused_update_gives_the_bits_of_the_unfused_update_at_one_and_two_threads()
    {
        const int n = 8, inputs = 1030, outputs = 601; // above the size from which the fused update splits and its row-walk bound (n × inputs ≤ 2048), with rows past the last four
        Assert.True(Gemm.Splits((long)n * inputs * outputs, outputs, inputs));
        float[] x = Random(n * inputs, 7), dy = Random(n * outputs, 8), initial = Random(outputs * inputs, 9);
        // Unfused: the penalized gradient, then Nesterov SGD, twice (the second step carries momentum).
        var reference = new Sgd(0.1, momentum: 0.9, nesterov: true);
        float[] expected = initial.ToArray(), gradients = new float[initial.Length];
        for (int step = 0; step < 2; step++)
        {
            Assert.True(Dense.BackwardParameters(x, dy, gradients, default, n, inputs, outputs, expected, 1e-3f, 1e-2f));
            reference.Step(expected, gradients);
        }
        foreach (int threads in new[] { 1, 2 })
        {
            int before = Parallelism.MaxThreads;
            Parallelism.MaxThreads = threads;
            try
            {
                float[] weights = initial.ToArray(), momentum = new float[initial.Length];
                float largest = 0;
                for (int step = 0; step < 2; step++)
                {
                    largest = FusedUpdate.Sgd(x, inputs, dy, outputs, weights, momentum, n, inputs, outputs, true, 1e-3f, 2f * 1e-2f, new SgdConstants(0.1f, 0.9f, 1f, 0f, true, First: step == 0));
                }
                Assert.True(weights.AsSpan().SequenceEqual(expected), $"The weights differ from the unfused update's at {threads} threads.");
                Assert.True(momentum.AsSpan().SequenceEqual(reference.StateBuffer(0)), $"The momentum differs from the unfused update's at {threads} threads.");
                Assert.Equal(momentum.Max(MathF.Abs), largest);
            }
            finally
            {
                Parallelism.MaxThreads = before;
            }
        }
    }

    /// <summary>
    /// BatchNorm over vectors split by features: forward (outputs, x̂, 1/σ, running statistics) and backward (dx, dγ, dβ) with the bits
    /// of one thread, 520 features cut at 272 as a split product's rows are, so a core normalizes the features it computed. A feature in
    /// the second part whose variance overflows keeps its running statistics and turns NaN there as on one thread.
    /// </summary>
    [Fact]
    public void BatchNorm_over_features_is_split_by_features_with_the_bits_of_one_thread()
    {
        const int batch = 130, features = 520, huge = 400;
        float[] x = Random(batch * features, 21), dy = Random(batch * features, 22), gamma = Random(features, 23), beta = Random(features, 24);
        for (int n = 0; n < batch; n++) x[n * features + huge] = n % 2 == 0 ? 1e30f : -1e30f;
        float[][] Passes(int threads) => ThreadCountTests.AtThreads<float[][]>(threads, () =>
        {
            Assert.Equal(threads, BatchNorm.FeatureParts.Parts(batch, features));
            float[] y = new float[x.Length], normalized = new float[x.Length], inverseStd = new float[features], dx = new float[x.Length];
            float[] mean = Random(features, 25), variance = Random(features, 26).Select(v => v + 2f).ToArray(), dGamma = new float[features], dBeta = new float[features];
            BatchNorm.ForwardTraining(x, gamma, beta, y, normalized, inverseStd, mean, variance, batch, features, 0.1f, 1e-5f);
            Assert.True(float.IsNaN(y[huge]) && float.IsFinite(mean[huge]) && float.IsFinite(variance[huge]));
            // The backward pass on the finite features alone: x̂ of the overflowing one is NaN.
            for (int n = 0; n < batch; n++) normalized[n * features + huge] = 0f;
            Assert.True(BatchNorm.Backward(dy, normalized, inverseStd.Select(v => float.IsNaN(v) ? 1f : v).ToArray(), gamma, dx, dGamma, dBeta, batch, features));
            return [y, normalized, inverseStd, mean, variance, dx, dGamma, dBeta];
        });

        float[][] one = Passes(1), two = Passes(2);
        for (int pass = 0; pass < one.Length; pass++)
        {
            Assert.True(one[pass].Select(BitConverter.SingleToInt32Bits).SequenceEqual(two[pass].Select(BitConverter.SingleToInt32Bits)), $"Output {pass} differs between one and two threads.");
        }
    }

    [Fact]
    public void A_split_product_allocates_nothing_on_any_thread()
    {
        const int batch = 128, inputs = 300, outputs = 200;
        float[] x = Random(batch * inputs, 5), w = Random(outputs * inputs, 6), y = new float[batch * outputs], dw = new float[w.Length];
        float[] packed = new float[Dense.PackedLength(inputs, outputs)];
        bool packs = Dense.PacksWeights(inputs, outputs);
        if (packs) Dense.PackWeights(w, packed, inputs, outputs);
        float[] gamma = Random(outputs, 7), beta = Random(outputs, 8), normalized = new float[y.Length], saved = new float[y.Length];
        float[] inverseStd = new float[outputs], mean = new float[outputs], variance = new float[outputs];
        // An input gradient at a batch of 9, split by its depth: the later panels' chains kept in the job's own buffer.
        const int few = 9, wide = 1030, deep = 600;
        float[] wideWeights = Random(deep * wide, 9), fewGradients = Random(few * deep, 10), fewInputGradients = new float[few * wide];
        Assert.Equal(2, ThreadCountTests.AtThreads(2, () => BatchNorm.FeatureParts.Parts(batch, outputs)));
        int before = Parallelism.MaxThreads;
        Parallelism.MaxThreads = 2;
        try
        {
            void Calls()
            {
                for (int i = 0; i < 20; i++)
                {
                    Dense.Forward(x, w, default, y, batch, inputs, outputs);
                    Dense.BackwardParameters(x, y, dw, default, batch, inputs, outputs, w, 0, 1e-3f);
                    if (packs) Dense.ForwardReLU(x, w, packed, default, y, batch, inputs, outputs);
                    BatchNorm.ForwardTraining(y, gamma, beta, normalized, saved, inverseStd, mean, variance, batch, outputs, 0.1f, 1e-5f);
                    BatchNorm.Backward(y, saved, inverseStd, gamma, normalized, mean, variance, batch, outputs);
                    Dense.BackwardInput(fewGradients, wideWeights, fewInputGradients, few, wide, deep);
                }
            }
            Calls(); // starts the worker, tiers the code up
            Calls();
            // Counted on every thread (the collection runs alone), the least of three rounds: one-off runtime work elsewhere in the
            // process may allocate during a round, but an allocation per call (24 B at least) would reach 24 B per call in every round.
            long bytes = long.MaxValue;
            for (int round = 0; round < 3; round++)
            {
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                Calls();
                bytes = Math.Min(bytes, GC.GetTotalAllocatedBytes(precise: true) - allocated);
            }
            Assert.True(bytes < 24 * 40, $"60 or 80 split products and 40 split BatchNorm passes allocated {bytes} bytes.");
        }
        finally
        {
            Parallelism.MaxThreads = before;
        }
    }

    [Fact]
    public async Task Two_threads_using_the_kernels_at_once_both_finish_with_the_serial_results()
    {
        const int batch = 128, inputs = 300, outputs = 200;
        float[] x = Random(batch * inputs, 7), w = Random(outputs * inputs, 8);
        var expected = new float[batch * outputs];
        int before = Parallelism.MaxThreads;
        Parallelism.MaxThreads = 1;
        Dense.Forward(x, w, default, expected, batch, inputs, outputs);
        Parallelism.MaxThreads = 2;
        try
        {
            Task<bool>[] users = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
            {
                var y = new float[batch * outputs];
                for (int i = 0; i < 200; i++)
                {
                    Dense.Forward(x, w, default, y, batch, inputs, outputs);
                    if (!y.AsSpan().SequenceEqual(expected)) return false;
                }
                return true;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

            bool[] results = await Task.WhenAll(users).WaitAsync(TimeSpan.FromMinutes(1));
            Assert.All(results, Assert.True);
        }
        finally
        {
            Parallelism.MaxThreads = before;
        }
    }

    [Fact]
    public void MaxThreads_refuses_less_than_one()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxThreads = 0);
        Assert.Contains("at least 1; got 0", e.Message);
    }

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
