using System;
using System.Text.Json;
using Xunit.Abstractions;

namespace NormReg.Tests.PyTorch;

/// <summary>
/// <see cref="Sgd"/>, <see cref="Adam"/> and <see cref="AdamW"/> against <c>torch.optim</c> (optimizers.json):
/// ten scripted gradients, and the parameters after every step.
/// </summary>
public sealed class OptimizerFixtureTests(ITestOutputHelper output)
{
    private const string File = "optimizers.json";
    private const double Absolute = 1e-6;

    public static TheoryData<string> Cases => Fixtures.CaseNames(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trajectory_matches_PyTorch_at_every_step(string name)
    {
        JsonElement c = Fixtures.Case(File, name);
        Optimizer optimizer = Create(c.GetProperty("optimizer").GetString()!, c.GetProperty("options"));
        float[] parameters = c.Floats("initial");
        JsonElement.ArrayEnumerator expected = c.GetProperty("expected").EnumerateArray();
        double largest = 0;

        int step = 0;
        foreach (JsonElement gradients in c.GetProperty("gradients").EnumerateArray())
        {
            optimizer.Step(parameters, gradients.ToFloats());
            Assert.True(expected.MoveNext());
            largest = Math.Max(largest, Fixtures.AssertClose(expected.Current.ToFloats(), parameters, $"step {++step} parameters", Absolute));
        }
        Assert.Equal(10, step);
        output.WriteLine($"optimizers.json {name}: max abs error {largest:G3}");
    }

    private static Optimizer Create(string kind, JsonElement o) => kind switch
    {
        "sgd" => new Sgd(o.Double("lr"), o.Double("momentum"), o.Double("dampening"), o.Double("weight_decay"), o.GetProperty("nesterov").GetBoolean()),
        "adam" => new Adam(o.Double("lr"), o.Double("beta1"), o.Double("beta2"), o.Double("eps"), o.Double("weight_decay")),
        "adamw" => new AdamW(o.Double("lr"), o.Double("beta1"), o.Double("beta2"), o.Double("eps"), o.Double("weight_decay")),
        _ => throw new ArgumentException($"Unknown optimizer '{kind}'.", nameof(kind)),
    };
}
