using NormReg;

namespace Misuse;

// A line that ends in an expectation comment must get exactly the NRG diagnostics it lists from the packaged analyzers; other lines none.

/// <summary>Hand-written training and measurement, the way people port a PyTorch loop.</summary>
public static class ChurnLoop
{
    /// <summary>One epoch of forward, loss, backward and update: training mode, used for training.</summary>
    public static float TrainEpoch(ChurnClassifier net, float[] features, int[] labels, Optimizer optimizer, int batchSize)
    {
        var outputs = new float[batchSize * ChurnClassifier.OutputSize];
        var outputGradients = new float[outputs.Length];
        int batches = labels.Length / batchSize;
        float total = 0;
        for (int b = 0; b < batches; b++)
        {
            var inputs = features.AsSpan(b * batchSize * ChurnClassifier.InputSize, batchSize * ChurnClassifier.InputSize);
            net.Forward(inputs, outputs, batchSize, ForwardMode.Training);
            total += net.ComputeLoss(outputs, labels.AsSpan(b * batchSize, batchSize), batchSize, outputGradients);
            net.Backward(outputGradients, batchSize);
            net.Update(optimizer);
        }
        return total / batches;
    }

    /// <summary>Accuracy on the training set, printed after each epoch: the forward pass is left in training mode.</summary>
    public static double TrainingAccuracy(ChurnClassifier net, float[] features, int[] labels, int batchSize)
    {
        var outputs = new float[batchSize * ChurnClassifier.OutputSize];
        int batches = labels.Length / batchSize, correct = 0;
        for (int b = 0; b < batches; b++)
        {
            var inputs = features.AsSpan(b * batchSize * ChurnClassifier.InputSize, batchSize * ChurnClassifier.InputSize);
            net.Forward(inputs, outputs, batchSize, ForwardMode.Training); // expect: NRG100
            correct += CountCorrect(outputs, labels.AsSpan(b * batchSize, batchSize));
        }
        return (double)correct / (batches * batchSize);
    }

    /// <summary>Held-out accuracy, batch by batch: training mode again, in a method whose name says it evaluates.</summary>
    public static double EvaluateHoldout(ChurnClassifier net, float[] features, int[] labels)
    {
        const int BatchSize = 50;
        var outputs = new float[BatchSize * ChurnClassifier.OutputSize];
        var ignored = new float[outputs.Length];
        int correct = 0, batches = labels.Length / BatchSize;
        for (int b = 0; b < batches; b++)
        {
            var batchLabels = labels.AsSpan(b * BatchSize, BatchSize);
            net.Forward(features.AsSpan(b * BatchSize * ChurnClassifier.InputSize, BatchSize * ChurnClassifier.InputSize), outputs, BatchSize, ForwardMode.Training); // expect: NRG100
            net.ComputeLoss(outputs, batchLabels, BatchSize, ignored);
            net.Backward(ignored, BatchSize); // "to keep the network consistent": it does not make the forward pass an inference one
            correct += CountCorrect(outputs, batchLabels);
        }
        return (double)correct / (batches * BatchSize);
    }

    /// <summary>An online update from one event: BatchNorm cannot normalize a batch of one sample.</summary>
    public static float LearnFromEvent(ChurnClassifier net, ReadOnlySpan<float> features, int label, Optimizer optimizer) =>
        net.TrainStep(features, [label], 1, optimizer); // expect: NRG106

    /// <summary>Monte-Carlo dropout, opted into with ForwardMode.Sampling: mean and spread of the top class's logit.</summary>
    public static (float Mean, float Spread) PredictWithUncertainty(DigitClassifier net, ReadOnlySpan<float> input, int samples)
    {
        Span<float> outputs = stackalloc float[DigitClassifier.OutputSize];
        net.Predict(input, outputs);
        int top = outputs.IndexOf(MaxOf(outputs));
        float sum = 0, sumOfSquares = 0;
        for (int s = 0; s < samples; s++)
        {
            net.Forward(input, outputs, 1, ForwardMode.Sampling);
            sum += outputs[top];
            sumOfSquares += outputs[top] * outputs[top];
        }
        float mean = sum / samples;
        return (mean, MathF.Sqrt(MathF.Max(0, sumOfSquares / samples - mean * mean)));
    }

    private static int CountCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels)
    {
        int width = outputs.Length / labels.Length, correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<float> row = outputs.Slice(i * width, width);
            if (row.IndexOf(MaxOf(row)) == labels[i]) correct++;
        }
        return correct;
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float value in values) max = MathF.Max(max, value);
        return max;
    }
}
