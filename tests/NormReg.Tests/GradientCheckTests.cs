using System;
using System.Collections.Generic;
using System.Linq;
using NormReg.Tests.Networks;
using NormReg.Tests.Reference;
using static NormReg.Tests.Reference.ReferenceLayer;

namespace NormReg.Tests;

/// <summary>
/// The generated backward pass against central finite differences of an independent double-precision
/// reference, for networks of depth 1 to 3 that together use every activation and every loss.
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

        double[] expected = c.Reference.Forward(m.Parameters, m.Inputs, Batch);
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

    private sealed record Measured(
        double[] Parameters, double[] Inputs, float[] Outputs,
        float[] ParameterGradients, float[] InputGradients,
        double[] NumericParameterGradients, double[] NumericInputGradients);

    private static Measured Measure(Case c)
    {
        INetwork net = c.Create();
        Assert.Equal(c.Reference.ParameterCount, net.Parameters.Length);
        var random = new Random(42);
        float[] inputs = Enumerable.Range(0, Batch * net.InputSize).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        // Biases start at zero; random ones make the check cover them properly.
        foreach (ref float p in net.Parameters) p += (float)(0.2 * random.NextDouble() - 0.1);

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

        double[] parameters = net.Parameters.ToArray().Select(v => (double)v).ToArray();
        double[] x = inputs.Select(v => (double)v).ToArray();
        return new Measured(parameters, x, outputs, net.Gradients.ToArray(), inputGradients,
            GradientComparison.CentralDifferences(p => c.Reference.MeanLoss(p, x, targets, Batch), parameters),
            GradientComparison.CentralDifferences(xi => c.Reference.MeanLoss(parameters, xi, targets, Batch), x));
    }
}
