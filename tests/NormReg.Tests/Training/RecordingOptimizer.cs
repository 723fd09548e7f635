using System;
using System.Collections.Generic;

namespace NormReg.Tests.TrainingLoop;

/// <summary>
/// Plain gradient descent, <c>θ ← θ − lr·g</c>, written here so the tests do not depend on Sgd's or Adam's update rules.
/// It keeps the gradients each update received and, if asked, a copy of the parameters after each update.
/// </summary>
internal sealed class RecordingOptimizer(double learningRate, bool keepParameters = false) : Optimizer(learningRate)
{
    public List<float[]> ReceivedGradients { get; } = [];

    public List<float[]> ParametersAfterStep { get; } = [];

    protected override void Allocate(int parameterCount)
    {
    }

    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        ReceivedGradients.Add(gradients.ToArray());
        float lr = (float)LearningRate;
        for (int i = 0; i < parameters.Length; i++) parameters[i] -= lr * gradients[i];
        if (keepParameters) ParametersAfterStep.Add(parameters.ToArray());
    }
}
