using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Robustness;

/// <summary>
/// An update that would make a finite parameter or state value infinite is refused all or nothing: at any width and any
/// position (vector body or tail), for every rule, the parameters and the optimizer's state stay byte-identical.
/// An optimizer bound to one network instance refuses its twin.
/// </summary>
public sealed class OptimizerRefusalTests
{
    public static TheoryData<int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int width in OptimizerRuleWidthTests.Widths)
        {
            foreach (int rule in Enumerable.Range(0, 4)) data.Add(rule, width, (width * 7 + rule) % width);
        }
        return data;
    }

    private static Optimizer Make(int rule) => rule switch
    {
        0 => new Sgd(1.0),
        1 => new Sgd(1.0, momentum: 0.9, dampening: 0.1),
        2 => new Adam(0.01),
        _ => new AdamW(0.01) { ClipGlobalNorm = 1e30 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_overflowing_update_leaves_parameters_and_state_byte_identical(int rule, int width, int position)
    {
        var random = new Random(width + 100 * rule);
        float[] p = Enumerable.Range(0, width).Select(_ => (float)random.NextDouble()).ToArray();
        Optimizer optimizer = Make(rule);
        optimizer.Step(p, Enumerable.Range(0, width).Select(_ => (float)random.NextDouble()).ToArray()); // state to protect
        float[] g = Enumerable.Range(0, width).Select(_ => (float)random.NextDouble()).ToArray();
        // SGD: a parameter near float's limit pushed over it; Adam: a gradient whose square overflows the second moment.
        if (rule < 2) p[position] = -3.4e38f;
        g[position] = 3e38f;
        byte[] before = Bytes(p, optimizer);
        long steps = optimizer.Steps;

        var e = Assert.Throws<ArithmeticException>(() => optimizer.Step(p, g));

        Assert.Equal(before, Bytes(p, optimizer));
        Assert.Equal(steps, optimizer.Steps);
        Assert.Contains($"parameter {position}", e.Message);
        Assert.Contains("unchanged", e.Message);
        // The next sound step is the one the refused step never disturbed.
        g[position] = 0.5f;
        optimizer.Step(p, g);
        Assert.All(p, v => Assert.True(float.IsFinite(v)));
    }

    private static byte[] Bytes(float[] p, Optimizer optimizer)
    {
        var all = p.AsEnumerable();
        for (int b = 0; b < optimizer.StateBufferCount; b++) all = all.Concat(optimizer.StateBuffer(b).ToArray());
        return all.SelectMany(BitConverter.GetBytes).ToArray();
    }

    [Fact]
    public void Through_the_network_the_refusal_names_the_layer()
    {
        var net = new L2Regressor(4, seed: 1);
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8];
        net.Forward(x, new float[2 * L2Regressor.OutputSize], 2, ForwardMode.Training);
        net.Backward(Enumerable.Repeat(1f, 2 * L2Regressor.OutputSize).ToArray(), 2);
        int k = Enumerable.Range(0, net.Gradients.Length).MaxBy(i => Math.Abs(net.Gradients[i]));
        float g = net.Gradients[k];
        Assert.True(g != 0, "the network's gradients are all zero");
        var optimizer = new Sgd(1e37 / Math.Abs(g)); // moves k by 1e37, every other parameter by less
        net.Parameters[k] = g > 0 ? -3.4e38f : 3.4e38f; // the gradient of a weight does not depend on its own value
        float[] before = net.Parameters.ToArray();
        var e = Assert.Throws<ArithmeticException>(() => optimizer.Step(net));
        Assert.Contains(StateValidator.DescribeParameter(L2Regressor.Architecture, k), e.Message);
        Assert.Contains("L2Regressor", e.Message);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal(0, optimizer.Steps);
    }

    [Fact]
    public void An_optimizer_bound_to_one_instance_refuses_its_twin_everywhere()
    {
        var a = new LinearClassifier(4, seed: 1);
        var b = new LinearClassifier(4, seed: 1);
        var optimizer = new Adam(1e-3);
        optimizer.RequireFits(b); // unbound: any network of the size
        optimizer.Step(a);
        optimizer.RequireFits(a);
        var e = Assert.Throws<ArgumentException>(() => optimizer.RequireFits(b));
        Assert.Equal("optimizer", e.ParamName);
        Assert.Contains("another LinearClassifier instance", e.Message);
        Assert.Throws<ArgumentException>(() => optimizer.Step(b));
        Assert.Throws<ArgumentException>(() => b.Save(new System.IO.MemoryStream(), optimizer));
        float[] x = Enumerable.Range(0, 8 * LinearClassifier.InputSize).Select(i => (float)Math.Sin(i)).ToArray();
        int[] y = Enumerable.Range(0, 8).Select(i => i % LinearClassifier.OutputSize).ToArray();
        Assert.Throws<ArgumentException>(() => b.Fit(x, y, optimizer, new FitOptions { Epochs = 1, BatchSize = 4 }));
        // Fit binds too: an optimizer that trained b by Fit refuses a.
        var fitted = new Adam(1e-3);
        b.Fit(x, y, fitted, new FitOptions { Epochs = 1, BatchSize = 4 });
        Assert.Throws<ArgumentException>(() => fitted.RequireFits(a));
    }
}
