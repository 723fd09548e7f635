using System;
using NormReg;

namespace IdeTour;

// Misuse in code rather than in the declaration: each method compiles and would run, but does something else than its
// author meant (NRG100, NRG106–NRG108). Program.cs does not call them. A line that ends in an expectation comment must get
// exactly the NRG diagnostics it lists.

/// <summary>Training and measuring <see cref="MachineStateClassifier"/> the wrong way.</summary>
public static class TrainingMistakes
{
    /// <summary>Accuracy over a data set, in batches, with the forward pass left in training mode.</summary>
    public static double Accuracy(MachineStateClassifier net, float[] features, int[] labels, int batchSize)
    {
        var outputs = new float[batchSize * MachineStateClassifier.OutputSize];
        int correct = 0, batches = labels.Length / batchSize;
        for (int b = 0; b < batches; b++)
        {
            ReadOnlySpan<float> inputs = features.AsSpan(b * batchSize * MachineData.Features, batchSize * MachineData.Features);
            net.Forward(inputs, outputs, batchSize, ForwardMode.Training); // expect: NRG100 — dropout drawn, batch statistics: results vary; fix: ForwardMode.Inference
            correct += Correct(outputs, labels.AsSpan(b * batchSize, batchSize));
        }
        return (double)correct / (batches * batchSize);
    }

    /// <summary>The same mistake in a method whose name says it evaluates.</summary>
    public static int EvaluateBatch(MachineStateClassifier net, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        var outputs = new float[labels.Length * MachineStateClassifier.OutputSize];
        net.Forward(inputs, outputs, labels.Length, ForwardMode.Training); // expect: NRG100 — training mode in evaluation code; fix: ForwardMode.Inference, or Predict
        return Correct(outputs, labels);
    }

    /// <summary>Online learning, one event at a time.</summary>
    public static float LearnFromEvent(MachineStateClassifier net, ReadOnlySpan<float> reading, int state, Optimizer optimizer) =>
        net.TrainStep(reading, [state], 1, optimizer); // expect: NRG106 — BatchNorm cannot normalize a batch of one (it throws); fix: batches of 2+, or [LayerNorm]

    /// <summary>Fit with AdamW on a network that has L2 rows, and early stopping with nothing to validate on.</summary>
    public static History Train(MachineStateClassifier net, float[] features, int[] labels) =>
        net.Fit(features, labels, new AdamW(1e-3), new FitOptions // expect: NRG107 — AdamW decays the weights the L2 rows already penalize; fix: Adam
        {
            Epochs = 100,
            EarlyStopping = new EarlyStopping { Patience = 5, RestoreBestWeights = true }, // expect: NRG108 — monitors val_loss but gives no validation data; fix: ValidationSplit = 0.2
        });

    private static int Correct(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels)
    {
        int width = outputs.Length / labels.Length, correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(outputs.Slice(i * width, width)) == labels[i]) correct++;
        }
        return correct;
    }
}
