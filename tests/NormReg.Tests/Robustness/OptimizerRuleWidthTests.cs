using System;
using System.Linq;

namespace NormReg.Tests.Robustness;

/// <summary>
/// Every update rule against an independent double-precision reference, at widths that run only the scalar tail (1, 7),
/// exactly the vector body (8, 64), and both (9, 31, 33, 67): a rule that differs in its vector loop alone cannot pass.
/// </summary>
public sealed class OptimizerRuleWidthTests
{
    public static readonly int[] Widths = [1, 7, 8, 9, 31, 33, 64, 67];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string rule in Rules.Keys)
        {
            foreach (int width in Widths) data.Add(rule, width);
        }
        return data;
    }

    /// <summary>Each rule: the optimizer and its reference in double, step for step as PyTorch 1.13 writes it.</summary>
    private static readonly System.Collections.Generic.Dictionary<string, (Func<Optimizer> Make, Func<Reference> Reference)> Rules = new()
    {
        ["sgd"] = (() => new Sgd(0.1), () => new SgdReference(0.1, 0, 0, 0, false)),
        ["sgd momentum"] = (() => new Sgd(0.1, momentum: 0.9), () => new SgdReference(0.1, 0.9, 0, 0, false)),
        ["sgd dampening"] = (() => new Sgd(0.1, momentum: 0.9, dampening: 0.3), () => new SgdReference(0.1, 0.9, 0.3, 0, false)),
        ["sgd nesterov"] = (() => new Sgd(0.1, momentum: 0.8, nesterov: true), () => new SgdReference(0.1, 0.8, 0, 0, true)),
        ["sgd weight decay"] = (() => new Sgd(0.1, momentum: 0.5, weightDecay: 0.05), () => new SgdReference(0.1, 0.5, 0, 0.05, false)),
        ["adam"] = (() => new Adam(0.01), () => new AdamReference(0.01, 0.9, 0.999, 1e-8, 0, false)),
        ["adam weight decay"] = (() => new Adam(0.01, weightDecay: 0.1), () => new AdamReference(0.01, 0.9, 0.999, 1e-8, 0.1, false)),
        ["adamw"] = (() => new AdamW(0.01, beta1: 0.8, beta2: 0.99, weightDecay: 0.2), () => new AdamReference(0.01, 0.8, 0.99, 1e-8, 0.2, true)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_value_follows_the_reference_in_the_body_and_the_tail(string rule, int width)
    {
        var random = new Random(width * 31 + rule.Length);
        float[] p = Enumerable.Range(0, width).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        double[] reference = p.Select(v => (double)v).ToArray();
        Optimizer optimizer = Rules[rule].Make();
        Reference r = Rules[rule].Reference();
        for (int step = 1; step <= 4; step++)
        {
            float[] g = Enumerable.Range(0, width).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
            optimizer.Step(p, g);
            r.Step(reference, g, step);
            for (int i = 0; i < width; i++)
            {
                Assert.True(Math.Abs(p[i] - reference[i]) <= 2e-6 * Math.Max(1, Math.Abs(reference[i])),
                    $"{rule}, width {width}, step {step}: value {i} is {p[i]}, the reference {reference[i]}");
            }
        }
    }

    public static TheoryData<string, int> DecayingCases()
    {
        var data = new TheoryData<string, int>();
        foreach (string rule in new[] { "sgd momentum", "sgd dampening", "sgd nesterov", "adam", "adamw" })
        {
            foreach (int width in Widths) data.Add(rule, width);
        }
        return data;
    }

    /// <summary>
    /// A dead unit's state: tiny gradients once, then 0, so that the momentum (Adam's first moment) decays by its factor each step.
    /// Below 2^−126, the smallest normal float, every state value is stored as 0, in the vector body and the tail alike, never as a
    /// subnormal float (PyTorch keeps those; arithmetic on them is many times slower), and not before: the last value each element
    /// held was below 2^−126 only once multiplied by the factor. Adam's second moment, (1 − β₂)·g² ≈ 1e−39 at once, is 0 from the start.
    /// </summary>
    [Theory]
    [MemberData(nameof(DecayingCases))]
    public void A_decaying_state_is_stored_as_zero_below_the_smallest_normal_float(string rule, int width)
    {
        const float smallestNormal = 1.17549435E-38f;
        var random = new Random(width);
        float[] p = Enumerable.Range(0, width).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        float[] g = Enumerable.Range(0, width).Select(_ => (float)((random.Next(2) * 2 - 1) * (0.5 + random.NextDouble()) * 1e-18)).ToArray();
        Optimizer optimizer = Rules[rule].Make();
        double factor = rule.StartsWith("sgd", StringComparison.Ordinal) ? ((Sgd)optimizer).Momentum : ((Adam)optimizer).Beta1;
        optimizer.Step(p, g);
        float[] last = optimizer.StateBuffer(0).ToArray(), zeros = new float[width];
        for (int step = 2; step <= 900; step++)
        {
            optimizer.Step(p, zeros);
            for (int b = 0; b < optimizer.StateBufferCount; b++)
            {
                Span<float> state = optimizer.StateBuffer(b);
                for (int i = 0; i < width; i++)
                {
                    float v = state[i];
                    Assert.False(v != 0 && Math.Abs(v) < smallestNormal, $"{rule}, width {width}, step {step}: state {b}[{i}] is subnormal ({v:R})");
                    if (b == 0 && v == 0 && last[i] != 0)
                    {
                        Assert.True(Math.Abs(last[i]) * factor < smallestNormal * 1.0001, $"{rule}, width {width}: [{i}] was flushed from {last[i]:R}, above 2^-126 once decayed");
                    }
                    if (b == 0) last[i] = v;
                }
            }
        }
        for (int b = 0; b < optimizer.StateBufferCount; b++) Assert.All(optimizer.StateBuffer(b).ToArray(), v => Assert.Equal(0f, v));
    }

    private abstract class Reference
    {
        public abstract void Step(double[] p, float[] g, int step);
    }

    private sealed class SgdReference(double lr, double mu, double dampening, double wd, bool nesterov) : Reference
    {
        private double[]? _b;

        public override void Step(double[] p, float[] g, int step)
        {
            _b ??= new double[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                double d = g[i] + wd * p[i];
                if (mu != 0)
                {
                    _b[i] = step == 1 ? d : mu * _b[i] + (1 - dampening) * d;
                    d = nesterov ? d + mu * _b[i] : _b[i];
                }
                p[i] -= lr * d;
            }
        }
    }

    private sealed class AdamReference(double lr, double b1, double b2, double eps, double wd, bool decoupled) : Reference
    {
        private double[]? _m, _v;

        public override void Step(double[] p, float[] g, int step)
        {
            _m ??= new double[p.Length];
            _v ??= new double[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                if (decoupled) p[i] *= 1 - lr * wd;
                double grad = g[i] + (decoupled ? 0 : wd * p[i]);
                _m[i] = b1 * _m[i] + (1 - b1) * grad;
                _v[i] = b2 * _v[i] + (1 - b2) * grad * grad;
                double mHat = _m[i] / (1 - Math.Pow(b1, step));
                p[i] -= lr * mHat / (Math.Sqrt(_v[i]) / Math.Sqrt(1 - Math.Pow(b2, step)) + eps);
            }
        }
    }
}
