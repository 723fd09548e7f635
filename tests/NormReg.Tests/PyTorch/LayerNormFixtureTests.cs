using System;
using System.Text.Json;
using NormReg.Kernels;
using Xunit.Abstractions;

namespace NormReg.Tests.PyTorch;

/// <summary><see cref="LayerNorm"/> against <c>nn.LayerNorm</c> (layernorm.json): output and every gradient.</summary>
public sealed class LayerNormFixtureTests(ITestOutputHelper output)
{
    private const string File = "layernorm.json";
    private const double Absolute = 1e-5, Relative = 1e-4;

    public static TheoryData<string> Cases => Fixtures.CaseNames(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_PyTorch(string name)
    {
        JsonElement c = Fixtures.Case(File, name);
        int batch = c.Int("batch"), features = c.Int("features");
        float[] gamma = c.Floats("gamma"), beta = c.Floats("beta");
        float[] y = new float[batch * features], normalized = new float[batch * features], inverseStd = new float[batch];
        float[] dx = new float[batch * features], dGamma = new float[features], dBeta = new float[features];

        LayerNorm.Forward(c.Floats("input"), gamma, beta, y, normalized, inverseStd, batch, features, (float)c.Double("epsilon"));
        double largest = Check(c.Floats("output"), y, "output");

        // Backward overwrites its outputs: stale values must not leak in.
        dx.AsSpan().Fill(float.NaN);
        dGamma.AsSpan().Fill(float.NaN);
        dBeta.AsSpan().Fill(float.NaN);
        LayerNorm.Backward(c.Floats("grad_output"), normalized, inverseStd, gamma, dx, dGamma, dBeta, batch, features);
        largest = Math.Max(largest, Check(c.Floats("grad_input"), dx, "grad_input"));
        largest = Math.Max(largest, Check(c.Floats("grad_gamma"), dGamma, "grad_gamma"));
        largest = Math.Max(largest, Check(c.Floats("grad_beta"), dBeta, "grad_beta"));
        output.WriteLine($"layernorm.json {name}: max abs error {largest:G3}");
    }

    private static double Check(float[] expected, ReadOnlySpan<float> actual, string what) =>
        Fixtures.AssertClose(expected, actual, what, Absolute, Relative);
}
