using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Regularization;

/// <summary>The reported penalty and the max-norm constraint.</summary>
public sealed class PenaltyAndConstraintTests
{
    [Fact]
    public void Penalty_sums_the_rows_terms_over_weights_and_only_the_asked_biases()
    {
        var net = new LayerNormNet(2, seed: 1);
        // [Dense(6), L1L2(0.001, 0.01, IncludeBias = true)] and [LayerNorm(Epsilon = 1e-3), L1(0.002)] on γ only.
        double dense = net.Dense1.Weights.ToArray().Concat(net.Dense1.Bias.ToArray()).Sum(w => 0.001 * Math.Abs(w) + 0.01 * w * w);
        double gamma = net.LayerNorm2.Gamma.ToArray().Sum(g => 0.002 * Math.Abs(g));

        Assert.Equal(dense + gamma, net.Penalty, 1e-9);
        Assert.Equal(0, new DeepClassifier().Penalty);
    }

    [Fact]
    public void MaxNorm_rescales_rows_above_the_limit_after_an_update_and_leaves_the_others()
    {
        var net = new RegularizedClassifier(2);
        Span<float> w = net.Dense2.Weights;
        w.Clear();
        w[..16].Fill(1.25f);  // row 0: norm 5
        w[16] = 1;            // row 1: norm 1
        float[] before = w.ToArray();

        net.Update(new Sgd(0.1)); // no backward yet: zero gradients, so only the constraint acts

        Assert.Equal(2.0, Math.Sqrt(net.Dense2.Weights[..16].ToArray().Sum(v => (double)v * v)), 1e-5);
        Assert.Equal(before[16..], net.Dense2.Weights[16..].ToArray());
    }
}
