using System;
using System.Linq;

namespace NormReg.Tests.Model;

/// <summary>One network for each initializer choice: PyTorch's Linear default, Glorot forced before a ReLU, and the automatic choice.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(200)]
[Dense(150, Init = Initializer.PyTorch)]
[ReLU]
[Dense(100, Init = Initializer.GlorotUniform)]
[ReLU]
[Dense(50)]
public partial class InitChoices;

/// <summary>
/// Each initializer draws from the bounds of the library it reproduces: PyTorch's <c>nn.Linear</c> draws weights and bias
/// from U(±1/√fan_in) (<c>kaiming_uniform_(a=√5)</c>: gain √(1/3) times √(3/fan_in)); Keras' <c>glorot_uniform</c> from
/// U(±√(6/(fan_in + fan_out))); He from U(±√(6/fan_in)). A uniform draw on (−b, b) has variance b²/3.
/// </summary>
public sealed class InitializerTests
{
    private readonly InitChoices _net = new(seed: 7);

    [Fact]
    public void PyTorch_draws_weights_and_bias_from_plus_minus_one_over_root_fan_in()
    {
        double bound = 1 / Math.Sqrt(200);
        AssertUniform(_net.Dense1.Weights.ToArray(), bound);
        AssertUniform(_net.Dense1.Bias.ToArray(), bound, varianceTolerance: 0.3); // 150 values: a loose variance check
    }

    [Fact]
    public void GlorotUniform_is_kept_before_a_ReLU_and_the_bias_starts_at_zero()
    {
        AssertUniform(_net.Dense2.Weights.ToArray(), Math.Sqrt(6.0 / (150 + 100)));
        Assert.All(_net.Dense2.Bias.ToArray(), b => Assert.Equal(0f, b));
    }

    [Fact]
    public void Auto_is_Glorot_uniform_for_a_last_layer()
    {
        AssertUniform(_net.Dense3.Weights.ToArray(), Math.Sqrt(6.0 / (100 + 50)));
        Assert.All(_net.Dense3.Bias.ToArray(), b => Assert.Equal(0f, b));
    }

    private static void AssertUniform(float[] values, double bound, double varianceTolerance = 0.05)
    {
        Assert.All(values, v => Assert.InRange(v, -bound, bound));
        Assert.True(values.Max() > 0.9 * bound && values.Min() < -0.9 * bound, $"the draws do not reach ±{bound}: {values.Min()} … {values.Max()}");
        double mean = values.Average(v => (double)v), variance = values.Average(v => ((double)v - mean) * ((double)v - mean));
        Assert.InRange(variance / (bound * bound / 3), 1 - varianceTolerance, 1 + varianceTolerance);
    }
}
