using System;
using System.Linq;
using System.Text.Json;
using NormReg.Tests.Networks;

namespace NormReg.Tests.PyTorch;

/// <summary>
/// Whole training steps against PyTorch (regularized_training.json): <c>[L2(λ)]</c> rows with plain SGD equal
/// <c>SGD(weight_decay = 2λ)</c> on the weights, L2 rows under Adam equal Adam's coupled decay, and AdamW's
/// decoupled decay is a different trajectory that matches <c>torch.optim.AdamW</c>.
/// </summary>
public sealed class RegularizedTrainingFixtureTests
{
    private const string File = "regularized_training.json";
    private const int Batch = 6;

    public static TheoryData<string> Cases => Fixtures.CaseNames(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Five_steps_match_PyTorch_parameters_and_losses(string name)
    {
        float[][] trajectory = Run(name, out float[] losses);
        JsonElement c = Fixtures.Case(File, name);

        Fixtures.AssertClose(c.Floats("losses"), losses, "losses", 1e-6);
        int step = 0;
        foreach (JsonElement expected in c.GetProperty("expected").EnumerateArray())
        {
            Fixtures.AssertClose(expected.ToFloats(), trajectory[step], $"step {step + 1} parameters", 1e-6);
            step++;
        }
        Assert.Equal(5, step);
    }

    [Fact]
    public void L2_under_Adam_and_AdamW_decoupled_decay_are_different_trajectories()
    {
        float[] adam = Run("adam_l2", out _)[^1], adamW = Run("adamw", out _)[^1];

        Assert.True(adam.Zip(adamW).Max(p => Math.Abs(p.First - p.Second)) > 1e-4);
    }

    private static float[][] Run(string name, out float[] losses)
    {
        JsonElement root = Fixtures.Document(File);
        float[] inputs = root.Floats("inputs"), targets = root.Floats("targets");
        Assert.Equal(0.01, root.Double("lambda"));
        (IRegressor net, Optimizer optimizer) = name switch
        {
            "sgd_l2" => ((IRegressor)new L2Regressor(Batch), (Optimizer)new Sgd(0.1)),
            "adam_l2" => (new L2Regressor(Batch), new Adam(0.01)),
            "adamw" => (new TanhRegressor(Batch), new AdamW(0.01, weightDecay: 0.02)),
            _ => throw new ArgumentException(name),
        };
        root.Floats("initial").CopyTo(net.Parameters);
        losses = new float[5];
        var trajectory = new float[5][];
        for (int step = 0; step < 5; step++)
        {
            losses[step] = net.TrainStep(inputs, targets, Batch, optimizer);
            trajectory[step] = net.Parameters.ToArray();
        }
        return trajectory;
    }
}
