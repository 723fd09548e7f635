using System;
using System.Collections.Generic;
using System.Linq;
using NormReg.Tests.Networks;
using NormReg.Tests.Networks.Images;
using NormReg.Tests.Reference;
using static NormReg.Tests.Reference.ReferenceLayer;

namespace NormReg.Tests;

/// <summary>
/// The generated backward pass against central finite differences of an independent double-precision
/// reference (data loss plus L1/L2 penalty), for networks of depth 1 to 5 that together use every activation,
/// every loss, input scaling, and BatchNorm and LayerNorm in every position: first, after a Dense, after an
/// activation, after each other and last; and convolutional networks with every image row that acts the same in every
/// pass (convolution, both pools, global pooling, Flatten, BatchNorm2d, LayerNorm over C·H·W, per-channel scaling) first,
/// between rows and last.
/// </summary>
public sealed class GradientCheckTests
{
    private const int Batch = 4;

    private sealed record Case(string Name, Func<INetwork> Create, ReferenceNetwork Reference);

    private static readonly Case[] All =
    [
        new("LinearClassifier", () => new LinearClassifier(Batch, seed: 1),
            new ReferenceNetwork(5, Loss.SoftmaxCrossEntropy, Dense(4))),
        new("MultiLabelNet", () => new MultiLabelNet(Batch, seed: 2),
            new ReferenceNetwork(4, Loss.BinaryCrossEntropy, Dense(6), LeakyReLU(0.2), Dense(3))),
        new("DeepClassifier", () => new DeepClassifier(Batch, seed: 3),
            new ReferenceNetwork(4, Loss.SoftmaxCrossEntropy, Dense(8), ReLU(), Dense(6, bias: false), GELU(), Dense(3))),
        new("MixtureRegressor", () => new MixtureRegressor(Batch, seed: 4),
            new ReferenceNetwork(3, Loss.MeanSquaredError, Dense(5), Tanh(), Dense(4), Sigmoid(), Dense(3), Softmax())),
        new("BatchNormFirst", () => Fitted(new BatchNormFirst(Batch, seed: 5), n => n.FitNormalization(Features(40, 4))),
            new ReferenceNetwork(4, Loss.SoftmaxCrossEntropy, ZScore(), BatchNorm(), Dense(5), Tanh(), BatchNorm(epsilon: 1e-3), Dense(3))),
        new("FoldedRegressor", () => new FoldedRegressor(Batch, seed: 6),
            new ReferenceNetwork(4, Loss.MeanSquaredError, Dense(6, l2: 0.01), BatchNorm(), ReLU(), Dense(3, bias: false, l2: 0.02), BatchNorm())),
        new("LayerNormNet", () => Fitted(new LayerNormNet(Batch, seed: 7), n => n.FitNormalization(Features(40, 5))),
            new ReferenceNetwork(5, Loss.BinaryCrossEntropy, MinMax(-1, 1), LayerNorm(), Dense(6, l1: 0.001, l2: 0.01, penalizeBias: true), GELU(),
                LayerNorm(epsilon: 1e-3, l1: 0.002), Dense(4, bias: false), BatchNorm(), Sigmoid(), Dense(2), LayerNorm())),
        new("SmallCnn", () => new SmallCnn(Batch, seed: 8),
            new ReferenceNetwork(Shape.Image(2, 7, 6), Loss.SoftmaxCrossEntropy, Conv2D(3, 3), ReLU(), MaxPool2D(2), Flatten(), Dense(4))),
        new("NormalizedCnn", () => Fitted(new NormalizedCnn(Batch, seed: 9), n => n.FitNormalization(Features(40, NormalizedCnn.InputSize))),
            new ReferenceNetwork(Shape.Image(3, 8, 9), Loss.MeanSquaredError, ZScore(), Conv2D(4, 3, stride: 2, same: true, bias: false), BatchNorm(), Tanh(),
                AvgPool2D(2, stride: 1), Conv2D(5, 2, l2: 0.01), LayerNorm(), GlobalAvgPool(), Dense(2))),
        new("ImageEdges", () => new ImageEdges(Batch, seed: 10),
            new ReferenceNetwork(Shape.Image(2, 6, 5), Loss.MeanSquaredError, BatchNorm(), Conv2D(3, 2, stride: 2, same: true, l1: 0.001), GELU(),
                MaxPool2D(2, stride: 1), Conv2D(2, 1))),
        new("FlattenFirst", () => Fitted(new FlattenFirst(Batch, seed: 11), n => n.FitNormalization(Features(40, FlattenFirst.InputSize))),
            new ReferenceNetwork(Shape.Image(2, 3, 3), Loss.BinaryCrossEntropy, MinMax(0, 1), Flatten(), Dense(4), ReLU(), Dense(2), Flatten())),
        new("PoolFirst", () => new PoolFirst(Batch, seed: 12),
            new ReferenceNetwork(Shape.Image(3, 4, 4), Loss.SoftmaxCrossEntropy, AvgPool2D(2), GlobalAvgPool(), Dense(2))),
    ];

    public static TheoryData<string> Cases => new(All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_and_input_gradients_match_central_differences(string network)
    {
        Case c = All.Single(c => c.Name == network);
        Measured m = Measure(c);

        Assert.Empty(GradientComparison.Mismatches(m.ParameterGradients, m.NumericParameterGradients, "parameter"));
        Assert.Empty(GradientComparison.Mismatches(m.InputGradients, m.NumericInputGradients, "input"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reference_and_generated_forward_agree(string network)
    {
        Case c = All.Single(c => c.Name == network);
        Measured m = Measure(c);

        double[] expected = c.Reference.Forward(m.State, m.Inputs, Batch, training: true);
        Assert.Equal(expected.Length, m.Outputs.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], m.Outputs[i], 1e-5);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_single_wrong_parameter_gradient_is_caught(string network)
    {
        Case c = All.Single(c => c.Name == network);
        Measured m = Measure(c);

        for (int i = 0; i < m.ParameterGradients.Length; i++)
        {
            float[] corrupted = (float[])m.ParameterGradients.Clone();
            corrupted[i] += (float)Math.Max(0.01 * Math.Abs(corrupted[i]), 1e-3);
            List<string> mismatches = GradientComparison.Mismatches(corrupted, m.NumericParameterGradients, "parameter");
            Assert.Equal([$"parameter[{i}]"], mismatches.Select(s => s[..s.IndexOf(':')]));
        }
    }

    private static T Fitted<T>(T network, Action<T> fit)
    {
        fit(network);
        return network;
    }

    private static float[] Features(int samples, int features)
    {
        var random = new Random(samples * features);
        return Enumerable.Range(0, samples * features).Select(i => (float)(3 * random.NextDouble() + i % features)).ToArray();
    }

    private sealed record Measured(
        double[] State, double[] Inputs, float[] Outputs,
        float[] ParameterGradients, float[] InputGradients,
        double[] NumericParameterGradients, double[] NumericInputGradients);

    private static Measured Measure(Case c)
    {
        INetwork net = c.Create();
        Assert.Equal(c.Reference.ParameterCount, net.Parameters.Length);
        Assert.Equal(c.Reference.ParameterCount + c.Reference.StatisticsCount, net.StateLength);
        var random = new Random(42);
        float[] inputs = Enumerable.Range(0, Batch * net.InputSize).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        // Biases start at zero and γ at one; random offsets make the check cover them properly.
        foreach (ref float p in net.Parameters) p += (float)(0.2 * random.NextDouble() - 0.1);
        for (int i = 0; i < inputs.Length; i++) inputs[i] += i % net.InputSize;

        var outputs = new float[Batch * net.OutputSize];
        var outputGradients = new float[outputs.Length];
        var inputGradients = new float[inputs.Length];
        double[] targets;
        net.Forward(inputs, outputs, Batch, ForwardMode.Training);
        if (net is IClassifier classifier)
        {
            int[] labels = Enumerable.Range(0, Batch).Select(_ => random.Next(net.OutputSize)).ToArray();
            classifier.ComputeLoss(outputs, labels, Batch, outputGradients);
            targets = labels.Select(l => (double)l).ToArray();
        }
        else
        {
            float[] values = Enumerable.Range(0, outputs.Length).Select(_ => (float)random.NextDouble()).ToArray();
            ((IRegressor)net).ComputeLoss(outputs, values, Batch, outputGradients);
            targets = values.Select(v => (double)v).ToArray();
        }
        net.Backward(outputGradients, inputGradients, Batch);

        var state = new float[net.StateLength];
        net.CopyState(state);
        double[] s = state.Select(v => (double)v).ToArray();
        int parameters = net.Parameters.Length;
        double[] x = inputs.Select(v => (double)v).ToArray();
        double[] numericParameters = GradientComparison.CentralDifferences(
            p => c.Reference.Objective([.. p, .. s[parameters..]], x, targets, Batch), s[..parameters]);
        return new Measured(s, x, outputs, net.Gradients.ToArray(), inputGradients, numericParameters,
            GradientComparison.CentralDifferences(xi => c.Reference.Objective(s, xi, targets, Batch), x));
    }
}
