using System;
using NormReg.Tests.Networks;

namespace NormReg.Tests;

/// <summary>After construction and one warm-up step, inference and training allocate nothing.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void Predict_and_TrainStep_allocate_zero_bytes_after_warm_up(string optimizerName)
    {
        const int batch = 32;
        var net = new DeepClassifier(batch, seed: 7);
        Optimizer optimizer = optimizerName == "sgd" ? new Sgd(0.01, momentum: 0.9, nesterov: true) : new Adam(1e-3);
        var random = new Random(1);
        var inputs = new float[batch * DeepClassifier.InputSize];
        var labels = new int[batch];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        for (int i = 0; i < batch; i++) labels[i] = random.Next(DeepClassifier.OutputSize);
        var output = new float[DeepClassifier.OutputSize];
        var outputs = new float[batch * DeepClassifier.OutputSize];

        // Warm-up: JIT compilation and the optimizer's state, allocated on its first step.
        net.TrainStep(inputs, labels, batch, optimizer);
        net.Predict(inputs.AsSpan(0, DeepClassifier.InputSize), output);
        net.Predict(inputs, outputs, batch);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) net.Predict(inputs.AsSpan(0, DeepClassifier.InputSize), output);
        for (int i = 0; i < 100; i++) net.Predict(inputs, outputs, batch);
        for (int i = 0; i < 100; i++) net.TrainStep(inputs, labels, batch, optimizer);
        for (int i = 0; i < 100; i++)
        {
            net.Forward(inputs, outputs, batch, ForwardMode.Training);
            net.Backward(outputs, batch);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
