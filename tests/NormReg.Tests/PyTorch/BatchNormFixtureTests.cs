using System;
using System.Linq;
using System.Text.Json;
using NormReg.Kernels;
using Xunit.Abstractions;

namespace NormReg.Tests.PyTorch;

/// <summary>
/// <see cref="BatchNorm"/> against <c>nn.BatchNorm1d</c> (batchnorm.json): three training steps on different
/// batches with outputs, gradients and running statistics after each, then inference on the running statistics,
/// and the fold into a preceding dense layer.
/// </summary>
public sealed class BatchNormFixtureTests(ITestOutputHelper output)
{
    private const string File = "batchnorm.json";
    private const double Absolute = 1e-5, Relative = 1e-4;

    public static TheoryData<string> Cases => Fixtures.CaseNames(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_steps_and_inference_match_PyTorch(string name)
    {
        JsonElement c = Fixtures.Case(File, name);
        int batch = c.Int("batch"), features = c.Int("features");
        float momentum = (float)c.Double("momentum"), epsilon = (float)c.Double("epsilon");
        float[] gamma = c.Floats("gamma"), beta = c.Floats("beta");
        float[] runningMean = new float[features], runningVariance = Enumerable.Repeat(1f, features).ToArray();
        float[] y = new float[batch * features], normalized = new float[batch * features], inverseStd = new float[features];
        float[] dx = new float[batch * features], dGamma = new float[features], dBeta = new float[features];
        double largest = 0;

        int index = 0;
        foreach (JsonElement step in c.GetProperty("steps").EnumerateArray())
        {
            string at = $"step {++index}";
            BatchNorm.ForwardTraining(step.Floats("input"), gamma, beta, y, normalized, inverseStd, runningMean, runningVariance, batch, features, momentum, epsilon);
            largest = Math.Max(largest, Check(step.Floats("output"), y, $"{at} output"));
            largest = Math.Max(largest, Check(step.Floats("running_mean"), runningMean, $"{at} running_mean"));
            largest = Math.Max(largest, Check(step.Floats("running_var"), runningVariance, $"{at} running_var"));

            // Backward overwrites its outputs: stale values must not leak in.
            dx.AsSpan().Fill(float.NaN);
            dGamma.AsSpan().Fill(float.NaN);
            dBeta.AsSpan().Fill(float.NaN);
            BatchNorm.Backward(step.Floats("grad_output"), normalized, inverseStd, gamma, dx, dGamma, dBeta, batch, features);
            largest = Math.Max(largest, Check(step.Floats("grad_input"), dx, $"{at} grad_input"));
            largest = Math.Max(largest, Check(step.Floats("grad_gamma"), dGamma, $"{at} grad_gamma"));
            largest = Math.Max(largest, Check(step.Floats("grad_beta"), dBeta, $"{at} grad_beta"));
        }

        JsonElement eval = c.GetProperty("eval");
        BatchNorm.ForwardInference(eval.Floats("input"), gamma, beta, runningMean, runningVariance, y, batch, features, epsilon);
        largest = Math.Max(largest, Check(eval.Floats("output"), y, "eval output"));
        output.WriteLine($"batchnorm.json {name}: max abs error {largest:G3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Folding_into_the_dense_layer_before_matches_dense_then_inference(string name)
    {
        JsonElement c = Fixtures.Case(File, name);
        int batch = c.Int("batch"), features = c.Int("features");
        float epsilon = (float)c.Double("epsilon");
        float[] gamma = c.Floats("gamma"), beta = c.Floats("beta"), x = c.GetProperty("eval").Floats("input");
        JsonElement last = c.GetProperty("steps").EnumerateArray().Last();
        float[] runningMean = last.Floats("running_mean"), runningVariance = last.Floats("running_var");

        // A dense layer features → features in front of the normalization, with and without a bias.
        var random = new Random(features * 31 + batch);
        float[] weights = Enumerable.Range(0, features * features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] bias = Enumerable.Range(0, features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        double largest = 0;
        foreach (float[] b in new[] { bias, Array.Empty<float>() })
        {
            float[] hidden = new float[batch * features], expected = new float[batch * features];
            Dense.Forward(x, weights, b, hidden, batch, features, features);
            BatchNorm.ForwardInference(hidden, gamma, beta, runningMean, runningVariance, expected, batch, features, epsilon);

            float[] foldedWeights = new float[features * features], foldedBias = new float[features], actual = new float[batch * features];
            BatchNorm.Fold(weights, b, gamma, beta, runningMean, runningVariance, foldedWeights, foldedBias, features, features, epsilon);
            Dense.Forward(x, foldedWeights, foldedBias, actual, batch, features, features);
            largest = Math.Max(largest, Check(expected, actual, b.Length == 0 ? "folded, no bias" : "folded"));
        }
        output.WriteLine($"batchnorm.json {name} fold: max abs error {largest:G3}");
    }

    private static double Check(float[] expected, ReadOnlySpan<float> actual, string what) =>
        Fixtures.AssertClose(expected, actual, what, Absolute, Relative);
}
