using System;
using System.Linq;
using NormReg.Kernels;
using NormReg.Runtime;
using NormReg.Tests.Networks;
using NormReg.Tests.Networks.Images;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// Whole networks at 1, 2 and 3 threads (3 parts on any machine: the pool starts the workers asked for): Predict split by samples,
/// training with its products split by outputs, its convolutions' forward and input gradient split by samples (and, for a network
/// whose rows treat each sample on its own, its whole forward pass split by samples), and Fit, all give the same bits; nothing is allocated per call on any thread. The batches are chosen above the
/// sizes from which the runtime splits, which each test checks against multiply-adds counted here from the declarations.
/// </summary>
[Collection(nameof(ParallelKernelTests))]
public sealed class ThreadCountTests
{
    /// <summary>ThreadedClassifier: 400·256 + 256·128 + 128·5 multiply-adds per sample; the first weights are wide enough to be split in training.</summary>
    private const long ClassifierWork = 400 * 256 + 256 * 128 + 128 * 5;

    /// <summary>ThreadedCnn: 8 filters of 3·3·3 over 16×16 pixels, 16 filters of 8·3·3 over 6×6, then 576 → 4.</summary>
    private const long CnnWork = 8 * 27 * 256 + 16 * 72 * 36 + 576 * 4;

    /// <summary>ThreadedBatchNormCnn: 8 filters of 3·3 over 14×14 pixels, 16 filters of 8·3·3 over 5×5, then 400 → 4.</summary>
    private const long BatchNormCnnWork = 8 * 9 * 196 + 16 * 72 * 25 + 400 * 4;

    /// <summary>TorchCnn: 4 filters of 2·3·3 over 9×8 pixels, 6 filters of 4·3·3 over 2×2, then 24 → 3.</summary>
    private const long TorchCnnWork = 4 * 18 * 72 + 6 * 36 * 4 + 24 * 3;

    [Theory]
    [InlineData(nameof(ThreadedClassifier), 130, ClassifierWork, false)]
    [InlineData(nameof(ThreadedClassifier), 130, ClassifierWork, true)]
    [InlineData(nameof(ThreadedCnn), 42, CnnWork, false)]
    [InlineData(nameof(ThreadedBatchNormCnn), 80, BatchNormCnnWork, false)]
    [InlineData(nameof(TorchCnn), 202, TorchCnnWork, false)]
    public void Predict_gives_the_same_bits_at_one_two_and_three_threads(string name, int batch, long work, bool bfloat16)
    {
        INetwork probe = Create(name, batch);
        Assert.Equal(2, BatchSplit.Parts(batch, work, probe.Architecture.ParameterCount, 2, cost: 1));
        Assert.Equal(3, BatchSplit.Parts(batch, work, probe.Architecture.ParameterCount, 3, cost: 1));
        float[] inputs = Random(batch * probe.InputSize, 1);

        float[] Outputs(int threads) => AtThreads(threads, () =>
        {
            INetwork net = Trained(name, batch);
            if (bfloat16) ((ThreadedClassifier)net).InferencePrecision = WeightPrecision.BFloat16;
            return PredictTwice(net, inputs, batch);
        });

        float[] one = Outputs(1);
        Assert.All(one, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(one, Outputs(2));
        Assert.Equal(one, Outputs(3));
    }

    [Fact]
    public void Predict_with_its_first_weights_split_by_their_rows_gives_the_bits_of_one_thread()
    {
        // 48 samples are too few to split by samples (every part would read all the weights), and enough for the 400 → 256 product to
        // split its weights' rows over the threads: read unpacked, where one thread reads the packed copy.
        const int batch = 48;
        INetwork probe = Create(nameof(ThreadedClassifier), batch);
        Assert.Equal(1, BatchSplit.Parts(batch, ClassifierWork, probe.Architecture.ParameterCount, 2, cost: 1));
        Assert.True(Gemm.Splits((long)batch * 400 * 256, 256, 400));
        float[] inputs = Random(batch * probe.InputSize, 2);

        float[] Outputs(int threads) => AtThreads(threads, () => PredictTwice(Trained(nameof(ThreadedClassifier), batch), inputs, batch));

        Assert.Equal(Outputs(1), Outputs(2));
    }

    /// <summary>
    /// Predict twice on the same inputs, which must give the same bits: the first reads the weights as training left them, the second
    /// packs them where the packed kernel runs (<see cref="NetworkCore.PackingDue"/>).
    /// </summary>
    private static float[] PredictTwice(INetwork net, float[] inputs, int batch)
    {
        float[] first = new float[batch * net.OutputSize], second = new float[batch * net.OutputSize];
        net.Predict(inputs, first, batch);
        net.Predict(inputs, second, batch);
        Assert.Equal(first, second);
        return second;
    }

    /// <summary>
    /// Each network's largest segment of the training passes (rows between two that sum over the batch), which must be split:
    /// ThreadedClassifier's forward from ReLU1 to Dense3, ThreadedCnn's backward from Conv2D2 to ReLU1, ThreadedBatchNormCnn's forward
    /// from ReLU1 to Dense1 (with its dropout keyed per value).
    /// </summary>
    [Theory]
    [InlineData(nameof(ThreadedClassifier), 130, 256 * 128 + 128 * 5, 256 * 128 + 128 * 5)]
    [InlineData(nameof(ThreadedCnn), 42, 16 * 72 * 36, 16 * 72)]
    [InlineData(nameof(ThreadedBatchNormCnn), 80, 16 * 72 * 25 + 400 * 4, 16 * 72 + 400 * 4)]
    public void TrainStep_gives_the_same_bits_at_one_two_and_three_threads(string name, int batch, long segmentWork, long segmentWeights)
    {
        Assert.Equal(2, BatchSplit.Parts(batch, segmentWork, segmentWeights, 2, cost: 1));
        Assert.Equal(3, BatchSplit.Parts(batch, segmentWork, segmentWeights, 3, cost: 1));
        float[] State(int threads) => AtThreads(threads, () =>
        {
            INetwork net = Trained(name, batch);
            float[] state = new float[net.StateLength];
            net.CopyState(state);
            return state;
        });

        float[] one = State(1);
        Assert.NotEqual(Initial(name, batch), one); // the steps moved the weights
        Assert.Equal(one, State(2));
        Assert.Equal(one, State(3));
    }

    /// <summary>
    /// WideThreadedClassifier at batch 32 and 33: Dense2's input gradient (fewer than 128 rows) splits by its depth, and its forward by
    /// its weight rows; at 32 samples the wide rows' weight gradients are summed in the fused update, split by the same rows, at 33 by
    /// the product split by those rows, which the optimizer then updates on the same threads.
    /// </summary>
    [Theory]
    [InlineData(32)]
    [InlineData(33)]
    public void TrainStep_with_an_input_gradient_split_by_depth_gives_the_same_bits_at_one_two_and_three_threads(int batch)
    {
        Assert.Equal(batch <= 32, FusedStep.CanDefer(new Sgd(0.05, momentum: 0.9), batch));
        Assert.True(Gemm.Splits((long)batch * 420 * 320, 320, 420), "Dense2's products must be split");
        Assert.True(420 * 320 > BatchSplit.CachedWeights, "Dense2's segments must not be split by samples");
        float[] State(int threads) => AtThreads(threads, () =>
        {
            INetwork net = Trained(nameof(WideThreadedClassifier), batch);
            float[] state = new float[net.StateLength];
            net.CopyState(state);
            return state;
        });

        float[] one = State(1);
        Assert.NotEqual(Initial(nameof(WideThreadedClassifier), batch), one);
        Assert.Equal(one, State(2));
        Assert.Equal(one, State(3));
    }

    [Fact]
    public void Fit_gives_the_same_bits_at_one_and_two_threads()
    {
        const int samples = 390, batch = 130;
        float[] features = Random(samples * ThreadedClassifier.InputSize, 3);
        int[] labels = Labels(samples, ThreadedClassifier.OutputSize, 4);

        float[] State(int threads) => AtThreads(threads, () =>
        {
            var net = new ThreadedClassifier(batch, seed: 7);
            net.FitNormalization(features);
            History history = net.Fit(features, labels, new Adam(1e-3), new FitOptions { Epochs = 2, BatchSize = batch, Seed = 5 });
            Assert.Equal(2, history.Epochs.Count);
            float[] state = new float[net.StateLength];
            net.CopyState(state);
            return state;
        });

        Assert.Equal(State(1), State(2));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    public void TrainStep_updates_in_parts_exactly_when_its_products_were_split(bool adam, int threads)
    {
        const int batch = 128; // above the fused update's batches: the update runs after the backward pass
        AtThreads(threads, () =>
        {
            var net = new ThreadedClassifier(batch, seed: 7);
            Optimizer optimizer = adam ? new Adam(1e-3) : new Sgd(0.01, momentum: 0.9);
            float[] inputs = Random(batch * ThreadedClassifier.InputSize, 3);
            net.FitNormalization(inputs);
            net.TrainStep(inputs, Labels(batch, ThreadedClassifier.OutputSize, 4), batch, optimizer);
            Assert.Equal(threads > 1, optimizer.LastStepInParts);
            return 0;
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_update_refused_in_parts_changes_nothing(bool adam)
    {
        const int batch = 128; // a batch whose first product is split, above the fused update's batches, which keep no weight gradients
        AtThreads(2, () =>
        {
            var net = new ThreadedClassifier(batch, seed: 7);
            LayerDescription first = ThreadedClassifier.Architecture.Layers.First(l => l.Type == LayerType.Dense);
            Assert.True(Gemm.Splits((long)batch * first.Units * first.FanIn, first.Units, first.FanIn), "the update must run in parts");
            Optimizer optimizer = adam ? new Adam(1e-3) : new Sgd(0.01, momentum: 0.9);
            float[] inputs = Random(batch * ThreadedClassifier.InputSize, 3);
            int[] labels = Labels(batch, ThreadedClassifier.OutputSize, 4);
            net.FitNormalization(inputs);
            net.TrainStep(inputs, labels, batch, optimizer);
            // A custom loop's step of the same batch, whose last weight gradient of the first matrix turns infinite: that weight lies
            // in the rows of part 1, which the calling thread need not run.
            float[] outputs = new float[batch * ThreadedClassifier.OutputSize], gradients = new float[outputs.Length];
            net.Forward(inputs, outputs, batch, ForwardMode.Training);
            net.ComputeLoss(outputs, labels, batch, gradients);
            net.Backward(gradients, batch);
            System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(net.Gradients), net.Gradients.Length)
                [first.WeightOffset + first.WeightCount - 1] = float.PositiveInfinity;
            float[] before = new float[net.StateLength], optimizerBefore = Snapshot(optimizer);
            net.CopyState(before);
            long steps = optimizer.Steps;
            Assert.Throws<ArithmeticException>(() => net.Update(optimizer));
            Assert.True(optimizer.LastStepInParts);
            float[] after = new float[net.StateLength];
            net.CopyState(after);
            Assert.Equal(before, after);
            Assert.Equal(steps, optimizer.Steps);
            Assert.Equal(optimizerBefore, Snapshot(optimizer));
            return 0;
        });

        static float[] Snapshot(Optimizer optimizer)
        {
            var buffers = new System.Collections.Generic.List<float>();
            for (int i = 0; i < optimizer.StateBufferCount; i++) buffers.AddRange(optimizer.StateBuffer(i).ToArray());
            return [.. buffers];
        }
    }

    [Fact]
    public void Split_passes_allocate_nothing_on_any_thread()
    {
        const int batch = 130;
        ThreadedClassifier dense = (ThreadedClassifier)Trained(nameof(ThreadedClassifier), batch);
        ThreadedCnn cnn = (ThreadedCnn)Trained(nameof(ThreadedCnn), batch);
        ThreadedBatchNormCnn normalized = (ThreadedBatchNormCnn)Trained(nameof(ThreadedBatchNormCnn), batch);
        float[] normalizedInputs = Random(batch * ThreadedBatchNormCnn.InputSize, 8);
        float[] denseInputs = Random(batch * ThreadedClassifier.InputSize, 5), cnnInputs = Random(batch * ThreadedCnn.InputSize, 6);
        float[] denseOutputs = new float[batch * ThreadedClassifier.OutputSize], cnnOutputs = new float[batch * ThreadedCnn.OutputSize];
        int[] labels = Labels(batch, ThreadedCnn.OutputSize, 7); // classes both networks have
        var denseOptimizer = new Sgd(0.01, momentum: 0.9);
        var cnnOptimizer = new Sgd(0.01, momentum: 0.9);
        var normalizedOptimizer = new Sgd(0.01, momentum: 0.9);
        AtThreads(2, () =>
        {
            void Calls()
            {
                for (int i = 0; i < 10; i++)
                {
                    dense.Predict(denseInputs, denseOutputs, batch);
                    cnn.Predict(cnnInputs, cnnOutputs, batch);
                    dense.TrainStep(denseInputs, labels, batch, denseOptimizer);
                    cnn.TrainStep(cnnInputs, labels, batch, cnnOptimizer);
                    normalized.Predict(normalizedInputs, cnnOutputs, batch);
                    normalized.TrainStep(normalizedInputs, labels, batch, normalizedOptimizer);
                }
            }
            Calls(); // the workers' scratch, the optimizers' state, tier-up
            Calls();
            // Counted on every thread (the collection runs alone), the least of three rounds: one-off runtime work elsewhere in the
            // process may allocate during a round, but an allocation per call (24 B at least) would reach 24 B per call in every round.
            long bytes = long.MaxValue;
            for (int round = 0; round < 3; round++)
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                Calls();
                bytes = Math.Min(bytes, GC.GetTotalAllocatedBytes(precise: true) - before);
            }
            Assert.True(bytes < 24 * 60, $"60 split calls allocated {bytes} bytes.");
            return 0;
        });
    }

    [Fact]
    public void The_convolutions_of_the_batch_norm_cnn_split_their_batch_of_80_in_training()
    {
        Assert.Equal(2, BatchSplit.Parts(80, 8 * 9 * 196, 8 * 9, 2, cost: 1));
        Assert.Equal(2, BatchSplit.Parts(80, 16 * 72 * 25, 16 * 72, 2, cost: 1));
    }

    [Fact]
    public void Small_batches_and_one_thread_are_never_split()
    {
        Assert.Equal(1, BatchSplit.Parts(1, 1 << 30, 1 << 20, 8, cost: 1)); // one sample, however large
        Assert.Equal(1, BatchSplit.Parts(128, 1000, 1000, 8, cost: 1)); // 128 000 multiply-adds: below the threshold
        Assert.Equal(1, BatchSplit.Parts(1024, 1 << 20, 1 << 20, 1, cost: 1)); // one thread
        Assert.Equal(1, BatchSplit.Parts(32, 1 << 20, 1 << 20, 2, cost: 1)); // a dense network at batch 32: each part would read all the weights for 16 samples
        Assert.Equal(2, BatchSplit.Parts(64, 1 << 20, 1 << 20, 2, cost: 1));
        Assert.Equal(2, BatchSplit.Parts(8, 300_000, 45_000, 4, cost: 1)); // weights that stay in cache: 4 samples a part is enough
    }

    [Theory]
    [InlineData(130, 2)]
    [InlineData(130, 3)]
    [InlineData(42, 3)]
    [InlineData(9, 4)]
    public void The_parts_cover_the_batch_once_in_whole_tiles(int batch, int parts)
    {
        int next = 0;
        for (int part = 0; part < parts; part++)
        {
            (int start, int end) = BatchSplit.Range(batch, parts, part);
            Assert.Equal(next, start);
            Assert.True(end >= start);
            if (end < batch) Assert.Equal(0, (end - start) % 4);
            next = end;
        }
        Assert.Equal(batch, next);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("3", 3)]
    [InlineData("1", 1)]
    public void The_environment_variable_sets_the_threads(string? text, int? expected) => Assert.Equal(expected, Parallelism.Parse(text));

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("two")]
    [InlineData("2.5")]
    public void The_environment_variable_refuses_what_is_not_a_thread_count(string text)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Parallelism.Parse(text));
        Assert.Contains($"NORMREG_MAX_THREADS must be a whole number of threads, at least 1; got '{text}'", e.Message);
    }

    /// <summary>The network after its normalization is fitted and three SGD steps (dropout drawn) on batches of its own.</summary>
    private static INetwork Trained(string name, int batch)
    {
        INetwork net = Create(name, batch);
        if (net is not IClassifier classifier) throw new InvalidOperationException($"{name} is not a classifier.");
        float[] inputs = Random(3 * batch * net.InputSize, 11);
        int[] labels = Labels(3 * batch, net.OutputSize, 12);
        if (name is not (nameof(ThreadedBatchNormCnn) or nameof(WideThreadedClassifier))) net.FitNormalization(inputs);
        var optimizer = new Sgd(0.05, momentum: 0.9);
        for (int step = 0; step < 3; step++)
        {
            classifier.TrainStep(inputs.AsSpan(step * batch * net.InputSize, batch * net.InputSize), labels.AsSpan(step * batch, batch), batch, optimizer);
        }
        return net;
    }

    private static float[] Initial(string name, int batch)
    {
        INetwork net = Create(name, batch);
        float[] state = new float[net.StateLength];
        net.CopyState(state);
        return state;
    }

    private static INetwork Create(string name, int batch) => name switch
    {
        nameof(ThreadedClassifier) => new ThreadedClassifier(batch, seed: 3),
        nameof(ThreadedCnn) => new ThreadedCnn(batch, seed: 3),
        nameof(ThreadedBatchNormCnn) => new ThreadedBatchNormCnn(batch, seed: 3),
        nameof(TorchCnn) => new TorchCnn(batch, seed: 3),
        nameof(WideThreadedClassifier) => new WideThreadedClassifier(batch, seed: 3),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Runs <paramref name="run"/> with <see cref="Parallelism.MaxThreads"/> at <paramref name="threads"/>, then puts it back.</summary>
    internal static T AtThreads<T>(int threads, Func<T> run)
    {
        int before = Parallelism.MaxThreads;
        Parallelism.MaxThreads = threads;
        try
        {
            return run();
        }
        finally
        {
            Parallelism.MaxThreads = before;
        }
    }

    /// <summary><paramref name="count"/> values uniform in [−1, 1) from <paramref name="seed"/>.</summary>
    internal static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static int[] Labels(int count, int classes, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(classes)).ToArray();
    }
}
