using System;
using System.Linq;
using System.Reflection;
using NormReg.Kernels;
using NormReg.Runtime;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary>
/// TrainStep's fused update of large Dense rows (Sgd, at most 32 samples) against the unfused step, bit for bit: parameters,
/// running statistics, momentum, loss, and every gradient except the fused rows' weight gradients, which read NaN. The unfused
/// twin steps with <c>ClipGlobalNorm = double.MaxValue</c>, which never scales and so runs the unfused update with the same
/// arithmetic. Where the update cannot be proven finite, the step falls back and behaves exactly as the twin: same result, or the
/// same refusal with the same message, the same untouched state and the same gradients.
/// </summary>
public sealed class FusedUpdateTests
{
    public static TheoryData<int, int> Configurations()
    {
        var data = new TheoryData<int, int>();
        foreach (int sgd in Enumerable.Range(0, 5))
        {
            foreach (int batch in new[] { 2, 3, 16, 32 }) data.Add(sgd, batch);
        }
        return data;
    }

    private static Sgd Make(int sgd, bool fusing = true)
    {
        Sgd optimizer = sgd switch
        {
            0 => new Sgd(0.05),
            1 => new Sgd(0.05, momentum: 0.9),
            2 => new Sgd(0.05, momentum: 0.9, nesterov: true),
            3 => new Sgd(0.05, momentum: 0.8, dampening: 0.3, weightDecay: 1e-3),
            _ => new Sgd(0.02, weightDecay: 0.01),
        };
        if (!fusing) optimizer.ClipGlobalNorm = double.MaxValue;
        return optimizer;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void A_classifier_step_fused_gives_the_bits_of_the_unfused_step(int sgd, int batch)
    {
        const int over = FusedStep.MaxBatch + 1;
        var fused = new FusedClassifier(maxBatchSize: over, seed: 3);
        var twin = new FusedClassifier(maxBatchSize: over, seed: 3);
        Sgd optimizer = Make(sgd), reference = Make(sgd, fusing: false);
        var random = new Random(sgd * 10 + batch);
        // A step of one sample too many in the middle is not fused: the momentum it writes must be read again by the fused steps after it.
        int[] batches = [batch, batch, batch, over, batch, batch];
        foreach (int n in batches)
        {
            float[] inputs = Gaussian(random, n * FusedClassifier.InputSize);
            int[] labels = Enumerable.Range(0, n).Select(_ => random.Next(FusedClassifier.OutputSize)).ToArray();
            float loss = fused.TrainStep(inputs, labels, n, optimizer);
            float expected = twin.TrainStep(inputs, labels, n, reference);
            Assert.Equal(Bits([expected]), Bits([loss]));
            AssertSameState(fused, twin, optimizer, reference, fusedGradients: n <= FusedStep.MaxBatch);
        }
        Assert.Equal(5, FusedSteps(fused));
        Assert.Equal(0, FusedSteps(twin));
    }

    /// <summary>
    /// The same property over drawn batches: each seed draws a rule and eight steps of 2 (BatchNorm's least) to one past
    /// <see cref="FusedStep.MaxBatch"/> samples, fused against unfused (a step one past the limit runs unfused on both).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Drawn_batch_sizes_fused_give_the_bits_of_the_unfused_step(int seed)
    {
        const int over = FusedStep.MaxBatch + 1;
        var random = new Random(seed);
        int sgd = random.Next(5);
        var fused = new FusedClassifier(maxBatchSize: over, seed: seed);
        var twin = new FusedClassifier(maxBatchSize: over, seed: seed);
        Sgd optimizer = Make(sgd), reference = Make(sgd, fusing: false);
        int expectedFused = 0;
        for (int step = 0; step < 8; step++)
        {
            int n = random.Next(fused.MinimumTrainingBatch, over + 1);
            float[] inputs = Gaussian(random, n * FusedClassifier.InputSize);
            int[] labels = Enumerable.Range(0, n).Select(_ => random.Next(FusedClassifier.OutputSize)).ToArray();
            float loss = fused.TrainStep(inputs, labels, n, optimizer);
            float expected = twin.TrainStep(inputs, labels, n, reference);
            Assert.Equal(Bits([expected]), Bits([loss]));
            AssertSameState(fused, twin, optimizer, reference, fusedGradients: n <= FusedStep.MaxBatch);
            if (n <= FusedStep.MaxBatch) expectedFused++;
        }
        Assert.Equal(expectedFused, FusedSteps(fused));
    }

    /// <summary>
    /// The regressor's row has no penalty: with plain momentum (<paramref name="sgd"/> 1) its steps after the first take the update's
    /// branch-free shape, with Nesterov's (2) the general one; 1 and 5 samples walk it row by row, 16 four rows at a time.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 5)]
    [InlineData(1, 16)]
    [InlineData(2, 1)]
    [InlineData(2, 8)]
    [InlineData(2, 16)]
    public void A_regressor_step_fused_gives_the_bits_of_forward_backward_and_update(int sgd, int batch)
    {
        var fused = new FusedRegressor(maxBatchSize: 16, seed: 11);
        var twin = new FusedRegressor(maxBatchSize: 16, seed: 11);
        Sgd optimizer = Make(sgd), reference = Make(sgd);
        var random = new Random(10 * sgd + batch);
        var outputs = new float[batch * FusedRegressor.OutputSize];
        var outputGradients = new float[outputs.Length];
        for (int step = 0; step < 4; step++)
        {
            float[] inputs = Gaussian(random, batch * FusedRegressor.InputSize);
            float[] targets = Gaussian(random, outputs.Length);
            float loss = fused.TrainStep(inputs, targets, batch, optimizer);
            // The custom loop of the public API: the same forward, loss, backward and update, never deferred.
            twin.Forward(inputs, outputs, batch, ForwardMode.Training);
            float expected = twin.ComputeLoss(outputs, targets, batch, outputGradients);
            twin.Backward(outputGradients, batch);
            twin.Update(reference);
            Assert.Equal(Bits([expected]), Bits([loss]));
            AssertSameState(fused, twin, optimizer, reference, fusedGradients: true);
        }
        Assert.Equal(4, FusedSteps(fused));
    }

    /// <summary>
    /// The kernel alone with plain momentum, the rule its branch-free shape computes from the second step, and with a penalty, which
    /// takes the general one: the weights and momentum of the unfused gradient and update, bit for bit, and the largest momentum
    /// magnitude it returns. 203 inputs leave a vector tail at every width and 131 outputs rows past the last four; 1 and 2 samples
    /// walk the rows one at a time, 16 four at a time. Strided, each sample of x and dy is read at <see cref="FusedUpdate.Stride"/>
    /// from the last, as TrainStep copies them, with NaN between the samples.
    /// </summary>
    [Theory]
    [InlineData(1, false, false)]
    [InlineData(2, false, false)]
    [InlineData(16, false, false)]
    [InlineData(2, true, false)]
    [InlineData(16, true, false)]
    [InlineData(2, false, true)]
    [InlineData(3, true, true)]
    [InlineData(16, false, true)]
    [InlineData(16, true, true)]
    public void The_kernel_gives_the_bits_of_the_unfused_gradient_and_momentum_step(int n, bool penalized, bool strided)
    {
        const int inputs = 203, outputs = 131;
        var random = new Random(n);
        float[] initial = Gaussian(random, outputs * inputs), weights = initial.ToArray(), expected = initial.ToArray();
        float[] momentum = new float[initial.Length], gradients = new float[initial.Length];
        var reference = new Sgd(0.05, momentum: 0.9);
        float l2 = penalized ? 1e-3f : 0f;
        for (int step = 0; step < 3; step++)
        {
            float[] x = Gaussian(random, n * inputs), dy = Gaussian(random, n * outputs);
            Assert.True(Dense.BackwardParameters(x, dy, gradients, default, n, inputs, outputs, penalized ? expected : default, 0f, l2));
            reference.Step(expected, gradients);
            int xStride = strided ? FusedUpdate.Stride(inputs) : inputs, dyStride = strided ? FusedUpdate.Stride(outputs) : outputs;
            float largest = FusedUpdate.Sgd(Spread(x, n, inputs, xStride), xStride, Spread(dy, n, outputs, dyStride), dyStride, weights, momentum,
                n, inputs, outputs, penalized, 0f, 2f * l2, new SgdConstants(0.05f, 0.9f, 1f, 0f, false, First: step == 0));
            Assert.Equal(Bits(expected), Bits(weights));
            Assert.Equal(Bits(reference.StateBuffer(0)), Bits(momentum));
            Assert.Equal(momentum.Max(MathF.Abs), largest);
        }
    }

    /// <summary>The samples of <paramref name="values"/> (<paramref name="count"/> each) <paramref name="stride"/> apart, NaN between.</summary>
    private static float[] Spread(float[] values, int n, int count, int stride)
    {
        float[] spread = Enumerable.Repeat(float.NaN, (n - 1) * stride + count).ToArray();
        for (int s = 0; s < n; s++) values.AsSpan(s * count, count).CopyTo(spread.AsSpan(s * stride));
        return spread;
    }

    /// <summary>
    /// Samples copied for the update lie whole cache lines apart, never a multiple of 1 KB (rows 4 KB apart share a set of the
    /// first-level cache), and no further apart than they must.
    /// </summary>
    [Fact]
    public void The_update_spreads_samples_over_cache_sets_and_no_further()
    {
        for (int count = 1; count <= 5000; count++)
        {
            int stride = FusedUpdate.Stride(count);
            Assert.True(stride >= count && stride % 16 == 0 && stride % 256 != 0 && stride < count + 32, $"{count} values: stride {stride}");
        }
        Assert.Equal(1040, FusedUpdate.Stride(1024));
        Assert.Equal(208, FusedUpdate.Stride(203));
    }

    /// <summary>
    /// Rows whose gradient is 0 after the first step (dead units): their momentum decays by μ each step and, below 2^−126, is stored
    /// as 0 by the kernel as by the unfused update, never as a subnormal float; the live rows and the weights stay the unfused step's
    /// bits throughout. 2 samples walk the rows one at a time, 16 four at a time; 203 inputs leave a tail at every width.
    /// </summary>
    [Theory]
    [InlineData(2, false)]
    [InlineData(16, false)]
    [InlineData(16, true)]
    public void A_dead_rows_momentum_goes_to_zero_not_subnormal_fused_and_unfused(int n, bool penalized)
    {
        const int inputs = 203, outputs = 131, live = 8;
        var random = new Random(n);
        float[] initial = Gaussian(random, outputs * inputs), weights = initial.ToArray(), expected = initial.ToArray();
        float[] momentum = new float[initial.Length], gradients = new float[initial.Length];
        var reference = new Sgd(0.05, momentum: 0.9);
        for (int step = 0; step < 60; step++)
        {
            float[] x = Gaussian(random, n * inputs), dy = Gaussian(random, n * outputs);
            for (int s = 0; s < n; s++)
            {
                for (int o = live; o < outputs; o++) dy[s * outputs + o] = step == 0 ? dy[s * outputs + o] * 1e-37f : 0f;
            }
            // The penalty's rule (general, L1 only, so that a dead row's gradient stays 0) on the first step only.
            bool l1 = penalized && step == 0;
            Assert.True(Dense.BackwardParameters(x, dy, gradients, default, n, inputs, outputs, l1 ? expected : default, l1 ? 1e-37f : 0f, 0f));
            reference.Step(expected, gradients);
            FusedUpdate.Sgd(x, inputs, dy, outputs, weights, momentum, n, inputs, outputs, l1, l1 ? 1e-37f : 0f, 0f, new SgdConstants(0.05f, 0.9f, 1f, 0f, false, First: step == 0));
            Assert.Equal(Bits(expected), Bits(weights));
            Assert.Equal(Bits(reference.StateBuffer(0)), Bits(momentum));
            Assert.DoesNotContain(momentum, v => v != 0 && MathF.Abs(v) < 1.17549435E-38f);
        }
        Assert.All(momentum.AsSpan(live * inputs).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_fused_step_allocates_nothing_after_the_first()
    {
        var net = new FusedClassifier(maxBatchSize: 8, seed: 1);
        var optimizer = new Sgd(0.01, momentum: 0.9);
        var random = new Random(3);
        float[] inputs = Gaussian(random, 8 * FusedClassifier.InputSize);
        int[] labels = Enumerable.Range(0, 8).Select(_ => random.Next(FusedClassifier.OutputSize)).ToArray();
        for (int i = 0; i < 50; i++) net.TrainStep(inputs, labels, 8, optimizer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) net.TrainStep(inputs, labels, 8, optimizer);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(70, FusedSteps(net));
    }

    [Fact]
    public void The_NaN_of_unstored_gradients_is_written_once_not_every_step()
    {
        var net = new FusedRegressor(maxBatchSize: 4, seed: 2);
        var optimizer = Make(1);
        var random = new Random(6);
        float[] inputs = Gaussian(random, 4 * FusedRegressor.InputSize), targets = Gaussian(random, 4 * FusedRegressor.OutputSize);
        net.TrainStep(inputs, targets, 4, optimizer);
        Span<float> gradients = ((NetworkCore)typeof(FusedRegressor).GetField("_core", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(net)!).Gradients.AsSpan();
        Assert.True(float.IsNaN(gradients[0]));
        gradients[0] = 42f; // a pass over the row's gradients every step would cost as much as storing them
        net.TrainStep(inputs, targets, 4, optimizer);
        Assert.Equal(42f, gradients[0]);
        Assert.Equal(2, FusedSteps(net));
    }

    [Fact]
    public void Backward_after_a_fused_step_writes_every_gradient_again()
    {
        var net = new FusedRegressor(maxBatchSize: 4, seed: 2);
        var twin = new FusedRegressor(maxBatchSize: 4, seed: 2);
        var random = new Random(4);
        float[] inputs = Gaussian(random, 4 * FusedRegressor.InputSize), targets = Gaussian(random, 4 * FusedRegressor.OutputSize);
        net.TrainStep(inputs, targets, 4, Make(1));
        twin.TrainStep(inputs, targets, 4, Make(1, fusing: false));
        Assert.True(float.IsNaN(net.Gradients[0]));
        var outputs = new float[4 * FusedRegressor.OutputSize];
        var outputGradients = new float[outputs.Length];
        foreach (FusedRegressor n in new[] { net, twin })
        {
            n.Forward(inputs, outputs, 4, ForwardMode.Training);
            n.ComputeLoss(outputs, targets, 4, outputGradients);
            n.Backward(outputGradients, 4);
        }
        Assert.Equal(Bits(twin.Gradients), Bits(net.Gradients));
        Assert.All(net.Gradients.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void Adam_clipping_and_batches_over_the_limit_step_unfused_with_every_gradient()
    {
        const int over = FusedStep.MaxBatch + 1;
        var net = new FusedRegressor(maxBatchSize: over, seed: 2);
        var random = new Random(5);
        float[] inputs = Gaussian(random, over * FusedRegressor.InputSize), targets = Gaussian(random, over * FusedRegressor.OutputSize);
        net.TrainStep(inputs, targets, over, Make(1));
        net.TrainStep(inputs.AsSpan(0, 4 * FusedRegressor.InputSize), targets.AsSpan(0, 4 * FusedRegressor.OutputSize), 4, new Adam(0.01));
        net.TrainStep(inputs.AsSpan(0, 4 * FusedRegressor.InputSize), targets.AsSpan(0, 4 * FusedRegressor.OutputSize), 4, new Sgd(0.01) { ClipGlobalNorm = 1 });
        Assert.Equal(0, FusedSteps(net));
        Assert.All(net.Gradients.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    /// <summary>
    /// Steps the fused path must not take, or whose refusal it must reproduce: a learning rate too large to prove the update finite
    /// (it is finite), a weight near float's limit with a weight decay that pushes it over (refused), inputs so large the gradients
    /// overflow, and a NaN weight written through the API (its output, and so the loss, is NaN). Weights are changed after one sound
    /// step, so that the refused step meets rows that deferred before.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Steps_that_cannot_be_proven_behave_exactly_as_unfused(int scenario)
    {
        var fused = new FusedRegressor(maxBatchSize: 4, seed: 7);
        var twin = new FusedRegressor(maxBatchSize: 4, seed: 7);
        var random = new Random(scenario);
        float[] inputs = Gaussian(random, 4 * FusedRegressor.InputSize), targets = Gaussian(random, 4 * FusedRegressor.OutputSize);
        (Sgd optimizer, Sgd reference) = scenario switch
        {
            0 => (new Sgd(1e35), new Sgd(1e35) { ClipGlobalNorm = double.MaxValue }),
            1 or 2 => (new Sgd(1.0, weightDecay: 3), new Sgd(1.0, weightDecay: 3) { ClipGlobalNorm = double.MaxValue }),
            _ => (Make(1), Make(1, fusing: false)),
        };
        // One sound step first (fused on one side), so that the rows have deferred once and their gradients read NaN.
        float[] warm = Gaussian(random, 4 * FusedRegressor.InputSize);
        fused.TrainStep(warm, targets, 4, new Sgd(1e-3));
        twin.TrainStep(warm, targets, 4, new Sgd(1e-3) { ClipGlobalNorm = double.MaxValue });
        // Weight 5 of the first row at 3e38: with its input tiny the forward pass stays finite and the decay overflows it (1); with
        // the inputs as drawn its output may overflow too (2). Inputs near 1e30 (3); a NaN weight (4).
        if (scenario == 1) for (int n = 0; n < 4; n++) inputs[n * FusedRegressor.InputSize + 5] = 1e-3f;
        if (scenario == 3) for (int i = 0; i < inputs.Length; i++) inputs[i] *= 1e30f;
        foreach (FusedRegressor net in new[] { fused, twin })
        {
            if (scenario is 1 or 2) net.Parameters[5] = 3e38f;
            if (scenario == 4) net.Parameters[FusedRegressor.InputSize + 3] = float.NaN;
        }
        long fusedBefore = FusedSteps(fused);
        float[] parametersBefore = fused.Parameters.ToArray();

        string? message = Outcome(() => fused.TrainStep(inputs, targets, 4, optimizer));
        string? expected = Outcome(() => twin.TrainStep(inputs, targets, 4, reference));

        Assert.Equal(expected, message);
        if (scenario != 3) Assert.Equal(fusedBefore, FusedSteps(fused)); // huge inputs may still give provable gradients (tanh saturated)
        Assert.Equal(Bits(twin.Parameters), Bits(fused.Parameters));
        Assert.Equal(Bits(Expected(twin, fusedGradients: FusedSteps(fused) > fusedBefore)), Bits(fused.Gradients));
        Assert.Equal(optimizer.Steps, reference.Steps);
        if (message is not null) Assert.Equal(Bits(parametersBefore), Bits(fused.Parameters));
        Assert.True(scenario is 0 or 3 || message is not null, $"scenario {scenario} was expected to be refused");
    }

    [Fact]
    public void A_refused_update_outside_the_fused_rows_restores_them_and_counts_no_step()
    {
        var optimizer = new Sgd(1.0, momentum: 0.9);
        float[] p = Enumerable.Range(0, 40).Select(i => i / 40f).ToArray();
        float[] g = Enumerable.Range(0, 40).Select(i => 1 - i / 40f).ToArray();
        optimizer.Step(p, g);
        p[33] = -3.4e38f;
        g[33] = 3e38f;
        float[] parameters = p.ToArray(), momentum = optimizer.MomentumBuffer.ToArray();
        int[] fused = [5, 10, 20, 3];

        Assert.False(optimizer.TryBeginFused(p, g, fused));

        Assert.Equal(Bits(parameters), Bits(p));
        Assert.Equal(Bits(momentum), Bits(optimizer.MomentumBuffer));
        Assert.Equal(1, optimizer.Steps);

        // Sound: everything outside the fused ranges moves as a whole step moves it, and their momentum joins on commit.
        g[33] = 0.5f;
        var whole = new Sgd(1.0, momentum: 0.9);
        float[] q = Enumerable.Range(0, 40).Select(i => i / 40f).ToArray();
        whole.Step(q, Enumerable.Range(0, 40).Select(i => 1 - i / 40f).ToArray());
        q[33] = -3.4e38f;
        whole.Step(q, g);
        Assert.True(optimizer.TryBeginFused(p, g, fused));
        optimizer.CommitFused(new FusedRegressor(1, 1), fused);
        foreach (int i in Enumerable.Range(0, 40).Where(i => i is < 5 or (>= 15 and < 20) or >= 23))
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(q[i]), BitConverter.SingleToInt32Bits(p[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(whole.MomentumBuffer[i]), BitConverter.SingleToInt32Bits(optimizer.MomentumBuffer[i]));
        }
        Assert.Equal(parameters[7], p[7]); // inside a fused range: left to the caller
    }

    [Theory]
    [InlineData(1.0, 0.01, 0.0, 0.9, 0.0, true)]
    [InlineData(1e29, 0.01, 0.0, 0.9, 0.0, true)]
    [InlineData(1e30, 1.0, 0.0, 0.9, 0.0, false)] // the gradient alone may reach 1e30
    [InlineData(1.0, 10.0, 0.05, 0.0, 0.0, false)] // lr·2·l2 = 1: past the proof's 0.999
    [InlineData(1.0, 1.0, 0.0, 0.9, 1e31, false)] // the momentum carried over is too large
    [InlineData(1.0, 0.5, 0.4, 0.0, 0.0, true)]
    [InlineData(1.0, 1.0, 0.0, 0.0, 0.0, true)]
    public void The_proof_accepts_bounded_updates_and_refuses_the_rest(double gradientBound, double lr, double l2, double mu, double momentumBound, bool provable)
    {
        var constants = new SgdConstants((float)lr, (float)mu, 1f, 0f, false, First: momentumBound == 0);
        Assert.Equal(provable, FusedStep.Provable(gradientBound, l2 > 0, 0f, 2f * (float)l2, constants, momentumBound));
    }

    [Fact]
    public void A_penalty_or_a_decay_whose_coefficient_could_grow_the_weights_is_not_proven()
    {
        var plain = new SgdConstants(0.5f, 0f, 1f, 0f, false, true);
        Assert.True(FusedStep.Provable(1, true, 0f, 0.9f, plain, 0));
        Assert.False(FusedStep.Provable(1, true, 0f, 1.1f, plain, 0)); // g + 1.1·w may overflow before the rate scales it
        Assert.False(FusedStep.Provable(1, false, 0f, 0f, plain with { WeightDecay = 0.6f, Momentum = 0.9f, Nesterov = true }, 0)); // d + μ·b ≈ 1.14·w
        Assert.True(FusedStep.Provable(1, false, 0f, 0f, plain with { WeightDecay = 0.5f, Momentum = 0.9f, Nesterov = true, First = false }, 1e20));
    }

    private static string? Outcome(Action step)
    {
        try
        {
            step();
            return null;
        }
        catch (ArithmeticException e)
        {
            return e.Message;
        }
    }

    private static void AssertSameState(INetwork fused, INetwork twin, Sgd optimizer, Sgd reference, bool fusedGradients)
    {
        Assert.Equal(Bits(twin.Parameters), Bits(fused.Parameters));
        float[] state = new float[fused.StateLength], expectedState = new float[twin.StateLength];
        fused.CopyState(state);
        twin.CopyState(expectedState);
        Assert.Equal(Bits(expectedState), Bits(state));
        if (optimizer.StateBufferCount > 0) Assert.Equal(Bits(reference.StateBuffer(0)), Bits(optimizer.StateBuffer(0)));
        Assert.Equal(reference.Steps, optimizer.Steps);
        Assert.Equal(Bits(Expected(twin, fusedGradients)), Bits(fused.Gradients));
    }

    /// <summary>The twin's gradients, with NaN for the weights of the rows a fused step never stores when it fused.</summary>
    private static float[] Expected(INetwork twin, bool fusedGradients)
    {
        float[] expected = twin.Gradients.ToArray();
        if (!fusedGradients) return expected;
        foreach (LayerDescription layer in twin.Architecture.Layers.Where(l => l.Type == LayerType.Dense && l.WeightCount >= 16384))
        {
            expected.AsSpan(layer.WeightOffset, layer.WeightCount).Fill(float.NaN);
        }
        return expected;
    }

    private static long FusedSteps(object network) =>
        ((NetworkCore)network.GetType().GetField("_core", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(network)!).FusedSteps;

    private static float[] Gaussian(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }
}
