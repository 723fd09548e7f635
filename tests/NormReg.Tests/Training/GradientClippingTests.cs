using System;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary><see cref="Optimizer.ClipGlobalNorm"/> against PyTorch's <c>clip_grad_norm_</c>, computed by hand.</summary>
public sealed class GradientClippingTests
{
    [Fact]
    public void Gradients_above_the_limit_are_scaled_as_clip_grad_norm()
    {
        // g = (3, 4, 0): total = √(9 + 16) = 5; coef = 1 / (5 + 1e-6) = 0.19999996000000800 → float 0.19999996;
        // clipped g = (0.59999988, 0.79999984, 0).
        var optimizer = new RecordingOptimizer(1) { ClipGlobalNorm = 1 };
        float[] gradients = [3, 4, 0];

        optimizer.Step(new float[3], gradients);

        Assert.Equal(5, optimizer.LastGradientNorm, 1e-12);
        float[] received = optimizer.ReceivedGradients[0];
        Assert.Equal(0.59999988f, received[0], 1e-7f);
        Assert.Equal(0.79999984f, received[1], 1e-7f);
        Assert.Equal(0f, received[2]);
        Assert.Equal([3f, 4f, 0f], gradients);
    }

    [Fact]
    public void Gradients_under_the_limit_are_used_unchanged()
    {
        // g = (0.3, −0.4): total 0.5; coef = 2 / 0.500001 ≈ 4 ≥ 1 → no scaling.
        var optimizer = new RecordingOptimizer(1) { ClipGlobalNorm = 2 };
        float[] gradients = [0.3f, -0.4f];

        optimizer.Step(new float[2], gradients);

        Assert.Equal(gradients, optimizer.ReceivedGradients[0]);
        Assert.Equal(0.5, optimizer.LastGradientNorm, 1e-7);
    }

    [Fact]
    public void A_norm_equal_to_the_limit_is_still_scaled_by_the_epsilon()
    {
        // g = (0, 2): total 2, limit 2: coef = 2 / 2.000001 = 0.9999995 < 1, so PyTorch scales: g₁ = 1.999999.
        var optimizer = new RecordingOptimizer(1) { ClipGlobalNorm = 2 };

        optimizer.Step(new float[2], [0f, 2f]);

        Assert.Equal(1.999999f, optimizer.ReceivedGradients[0][1], 1e-6f);
        Assert.True(optimizer.ReceivedGradients[0][1] < 2f);
    }

    [Fact]
    public void Without_clipping_no_norm_is_measured()
    {
        var optimizer = new RecordingOptimizer(1);

        optimizer.Step(new float[2], [30f, 40f]);

        Assert.Equal([30f, 40f], optimizer.ReceivedGradients[0]);
        Assert.True(double.IsNaN(optimizer.LastGradientNorm));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void A_limit_that_is_not_positive_is_rejected(double limit)
    {
        var optimizer = new RecordingOptimizer(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.ClipGlobalNorm = limit);
    }

    [Fact]
    public void The_network_gradients_stay_unclipped_and_the_norm_is_theirs()
    {
        var net = new DeepClassifier(4, seed: 2);
        var optimizer = new RecordingOptimizer(0.01) { ClipGlobalNorm = 1e-3 };
        float[] inputs = [0.1f, 0.9f, -0.4f, 0.3f, 1, -1, 0.5f, 0.2f, -0.7f, 0.6f, 0.8f, -0.2f, 0.3f, 0.3f, -0.9f, 0.4f];

        net.TrainStep(inputs, [0, 1, 2, 1], 4, optimizer);

        double sum = 0;
        foreach (float g in net.Gradients) sum += (double)g * g;
        Assert.Equal(Math.Sqrt(sum), optimizer.LastGradientNorm, 1e-9);
        Assert.True(optimizer.LastGradientNorm > 1e-3, $"norm {optimizer.LastGradientNorm}: the case must clip");
        double clippedSum = 0;
        foreach (float g in optimizer.ReceivedGradients[0]) clippedSum += (double)g * g;
        Assert.Equal(1e-3, Math.Sqrt(clippedSum), 1e-8);
    }

    [Fact]
    public void A_TrainStep_with_clipping_allocates_zero_bytes_after_warm_up()
    {
        const int batch = 16;
        var net = new DeepClassifier(batch, seed: 7);
        var optimizer = new Adam(1e-3) { ClipGlobalNorm = 1e-3 };
        var random = new Random(1);
        var inputs = new float[batch * DeepClassifier.InputSize];
        var labels = new int[batch];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        for (int i = 0; i < batch; i++) labels[i] = random.Next(DeepClassifier.OutputSize);
        // Warm-up beyond the first step: JIT tier-up of the calls below counts runtime bookkeeping if it happens while measured.
        for (int i = 0; i < 200; i++) net.TrainStep(inputs, labels, batch, optimizer);

        // The fewest bytes of three rounds: a method the runtime recompiles in the middle of one round is not the step's,
        // while a step that allocates does so in every round.
        long allocated = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) net.TrainStep(inputs, labels, batch, optimizer);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
        Assert.True(optimizer.LastGradientNorm > 1e-3, $"norm {optimizer.LastGradientNorm}: the steps must clip");
    }
}
