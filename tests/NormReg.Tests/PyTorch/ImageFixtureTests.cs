using System;
using System.Linq;
using System.Text.Json;
using NormReg.Kernels;
using Xunit.Abstractions;

namespace NormReg.Tests.PyTorch;

/// <summary>
/// The image kernels against PyTorch and torchvision (images.json, written by make_image_fixtures.py with float64 references):
/// Conv2D forward and all three gradients over valid and "same" padding (asymmetric included), strides 1 and 2, with and
/// without bias, 1 × 1 kernels, one or several samples per product; max and average pooling with ties and overlapping windows;
/// global average pooling; BatchNorm2d over three training steps and in eval mode, and folded into a convolution; flips,
/// rotations and translations with the gradients autograd takes through them.
/// </summary>
public sealed class ImageFixtureTests(ITestOutputHelper output)
{
    private const string File = "images.json";
    private const double Absolute = 1e-5, Relative = 1e-4;

    public static TheoryData<string> ConvCases => Names("conv");
    public static TheoryData<string> PoolCases => Names("pool");
    public static TheoryData<string> GlobalAverageCases => Names("global_average");
    public static TheoryData<string> BatchNormCases => Names("batchnorm2d");
    public static TheoryData<string> FlipCases => Names("flip");
    public static TheoryData<string> RotationCases => Names("rotation");
    public static TheoryData<string> TranslationCases => Names("translation");

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2D_forward_and_gradients_match_PyTorch(string name)
    {
        JsonElement c = Case("conv", name);
        int n = c.Int("batch");
        var g = new ConvGeometry(c.Int("channels"), c.Int("height"), c.Int("width"), c.Int("filters"), c.Int("kernel"), c.Int("stride"),
            c.Int("pad_top"), c.Int("pad_left"), c.Int("out_height"), c.Int("out_width"));
        if (c.GetProperty("padding").GetString() == "same")
        {
            Assert.Equal(g, ConvGeometry.Create(g.Channels, g.Height, g.Width, g.Filters, g.Kernel, g.Stride, same: true));
        }
        float[] x = c.Floats("input"), w = c.Floats("weight"), b = c.Floats("bias"), dy = c.Floats("grad_output");
        float[] scratch = Stale(g.ScratchLength(n)), y = Stale(n * g.OutputLength), dw = Stale(w.Length), db = Stale(b.Length), dx = Stale(x.Length);

        Conv2D.Forward(x, w, b, y, scratch, n, g);
        double largest = Check(c.Floats("output"), y, "output");
        // The gradients must not rely on the forward's scratch: another call (inference, another batch) may run between.
        scratch.AsSpan().Fill(float.NaN);
        bool finite = Conv2D.BackwardParameters(x, dy, dw, db, scratch, n, g);
        scratch.AsSpan().Fill(float.NaN);
        Conv2D.BackwardInput(dy, w, dx, scratch, n, g);

        Assert.True(finite);
        largest = Math.Max(largest, Check(c.Floats("grad_weight"), dw, "grad_weight"));
        largest = Math.Max(largest, Check(c.Floats("grad_bias"), db, "grad_bias"));
        largest = Math.Max(largest, Check(c.Floats("grad_input"), dx, "grad_input"));
        output.WriteLine($"conv {name}: max abs error {largest:G3}");
    }

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void Pooling_forward_and_backward_match_PyTorch(string name)
    {
        JsonElement c = Case("pool", name);
        int n = c.Int("batch");
        var g = new PoolGeometry(c.Int("channels"), c.Int("height"), c.Int("width"), c.Int("size"), c.Int("stride"), c.Int("out_height"), c.Int("out_width"));
        Assert.Equal(g, PoolGeometry.Create(g.Channels, g.Height, g.Width, g.Size, g.Stride));
        float[] x = c.Floats("input"), dy = c.Floats("grad_output"), y = Stale(n * g.OutputLength), dx = Stale(x.Length);
        if (c.GetProperty("kind").GetString() == "max")
        {
            int[] argmax = new int[y.Length];
            Pooling.MaxForward(x, y, argmax, n, g);
            // PyTorch's indices are within each channel's plane; the kernel's within the sample.
            int plane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth;
            int[] expected = c.GetProperty("indices").EnumerateArray().Select((v, o) => o / outPlane % g.Channels * plane + v.GetInt32()).ToArray();
            Assert.Equal(expected, argmax);
            Pooling.MaxBackward(dy, argmax, dx, n, g);
            float[] inference = Stale(y.Length);
            Pooling.MaxForward(x, inference, default, n, g); // the inference path, without indices
            Assert.Equal(y, inference);
        }
        else
        {
            Pooling.AverageForward(x, y, n, g);
            Pooling.AverageBackward(dy, dx, n, g);
        }
        double largest = Math.Max(Check(c.Floats("output"), y, "output"), Check(c.Floats("grad_input"), dx, "grad_input"));
        output.WriteLine($"pool {name}: max abs error {largest:G3}");
    }

    [Theory]
    [MemberData(nameof(GlobalAverageCases))]
    public void Global_average_pooling_matches_PyTorch(string name)
    {
        JsonElement c = Case("global_average", name);
        int n = c.Int("batch"), channels = c.Int("channels"), spatial = c.Int("spatial");
        float[] x = c.Floats("input"), y = Stale(n * channels), dx = Stale(x.Length);

        Pooling.GlobalAverageForward(x, y, n, channels, spatial);
        Pooling.GlobalAverageBackward(c.Floats("grad_output"), dx, n, channels, spatial);

        Check(c.Floats("output"), y, "output");
        Check(c.Floats("grad_input"), dx, "grad_input");
    }

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNorm2d_training_steps_and_inference_match_PyTorch(string name)
    {
        JsonElement c = Case("batchnorm2d", name);
        int n = c.Int("batch"), channels = c.Int("channels"), spatial = c.Int("height") * c.Int("width");
        float momentum = (float)c.Double("momentum"), epsilon = (float)c.Double("epsilon");
        float[] gamma = c.Floats("gamma"), beta = c.Floats("beta");
        float[] runningMean = new float[channels], runningVariance = Enumerable.Repeat(1f, channels).ToArray();
        int length = n * channels * spatial;
        float[] y = Stale(length), normalized = Stale(length), inverseStd = Stale(channels), dx = Stale(length), dGamma = Stale(channels), dBeta = Stale(channels);
        double largest = 0;
        int index = 0;
        foreach (JsonElement step in c.GetProperty("steps").EnumerateArray())
        {
            string at = $"step {++index}";
            BatchNorm.ForwardTrainingSpatial(step.Floats("input"), gamma, beta, y, normalized, inverseStd, runningMean, runningVariance, n, channels, spatial, momentum, epsilon);
            largest = Math.Max(largest, Check(step.Floats("output"), y, $"{at} output"));
            largest = Math.Max(largest, Check(step.Floats("running_mean"), runningMean, $"{at} running_mean"));
            largest = Math.Max(largest, Check(step.Floats("running_var"), runningVariance, $"{at} running_var"));

            Assert.True(BatchNorm.BackwardSpatial(step.Floats("grad_output"), normalized, inverseStd, gamma, dx, dGamma, dBeta, n, channels, spatial));
            largest = Math.Max(largest, Check(step.Floats("grad_input"), dx, $"{at} grad_input"));
            largest = Math.Max(largest, Check(step.Floats("grad_gamma"), dGamma, $"{at} grad_gamma"));
            largest = Math.Max(largest, Check(step.Floats("grad_beta"), dBeta, $"{at} grad_beta"));
        }
        JsonElement eval = c.GetProperty("eval");
        BatchNorm.ForwardInferenceSpatial(eval.Floats("input"), gamma, beta, runningMean, runningVariance, y, n, channels, spatial, epsilon);
        largest = Math.Max(largest, Check(eval.Floats("output"), y, "eval output"));
        output.WriteLine($"batchnorm2d {name}: max abs error {largest:G3}");
    }

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNorm2d_folded_into_the_convolution_before_matches_convolution_then_inference(string name)
    {
        JsonElement c = Case("batchnorm2d", name);
        int filters = c.Int("channels");
        float epsilon = (float)c.Double("epsilon");
        float[] gamma = c.Floats("gamma"), beta = c.Floats("beta");
        JsonElement last = c.GetProperty("steps").EnumerateArray().Last();
        float[] runningMean = last.Floats("running_mean"), runningVariance = last.Floats("running_var");
        // A 3 × 3 "same" convolution from 3 channels to the normalization's channels, in front of it, with and without a bias.
        ConvGeometry g = ConvGeometry.Create(3, 6, 5, filters, 3, 1, same: true);
        const int n = 2;
        var random = new Random(filters);
        float[] x = Floats(random, n * g.InputLength), w = Floats(random, filters * g.PatchSize), bias = Floats(random, filters);
        float[] scratch = new float[g.ScratchLength(n)];
        foreach (float[] b in new[] { bias, Array.Empty<float>() })
        {
            float[] hidden = new float[n * g.OutputLength], expected = new float[hidden.Length], actual = new float[hidden.Length];
            Conv2D.Forward(x, w, b, hidden, scratch, n, g);
            BatchNorm.ForwardInferenceSpatial(hidden, gamma, beta, runningMean, runningVariance, expected, n, filters, g.OutPixels, epsilon);

            float[] foldedWeights = new float[w.Length], foldedBias = new float[filters];
            BatchNorm.Fold(w, b, gamma, beta, runningMean, runningVariance, foldedWeights, foldedBias, g.PatchSize, filters, epsilon);
            Conv2D.Forward(x, foldedWeights, foldedBias, actual, scratch, n, g);
            Check(expected, actual, b.Length == 0 ? "folded, no bias" : "folded");
        }
    }

    [Theory]
    [MemberData(nameof(FlipCases))]
    public void Flips_match_torchvision(string name)
    {
        JsonElement c = Case("flip", name);
        float[] x = c.Floats("input"), y = Stale(x.Length);
        Augmentation.Flip(x, y, c.GetProperty("horizontal").GetBoolean(), c.GetProperty("vertical").GetBoolean(), c.Int("channels"), c.Int("height"), c.Int("width"));
        Assert.Equal(c.Floats("output"), y);
    }

    [Theory]
    [MemberData(nameof(RotationCases))]
    public void Rotations_and_their_gradients_match_torchvision(string name)
    {
        JsonElement c = Case("rotation", name);
        int channels = c.Int("channels"), height = c.Int("height"), width = c.Int("width");
        float radians = (float)(c.Double("degrees") * Math.PI / 180);
        float[] x = c.Floats("input"), y = Stale(x.Length), dx = Stale(x.Length);

        Augmentation.Rotate(x, y, radians, channels, height, width);
        Augmentation.RotateAdjoint(c.Floats("grad_output"), dx, radians, channels, height, width);

        double largest = Math.Max(Check(c.Floats("output"), y, "output"), Check(c.Floats("grad_input"), dx, "grad_input"));
        output.WriteLine($"rotation {name}: max abs error {largest:G3}");
    }

    [Theory]
    [MemberData(nameof(TranslationCases))]
    public void Translations_and_their_gradients_match_torchvision(string name)
    {
        JsonElement c = Case("translation", name);
        int channels = c.Int("channels"), height = c.Int("height"), width = c.Int("width"), rows = c.Int("rows"), columns = c.Int("columns");
        float[] x = c.Floats("input"), y = Stale(x.Length), dx = Stale(x.Length);

        Augmentation.Translate(x, y, rows, columns, channels, height, width);
        Augmentation.TranslateAdjoint(c.Floats("grad_output"), dx, rows, columns, channels, height, width);

        Assert.Equal(c.Floats("output"), y);
        Assert.Equal(c.Floats("grad_input"), dx);
    }

    private static TheoryData<string> Names(string section) =>
        new(Fixtures.Document(File).GetProperty(section).EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    private static JsonElement Case(string section, string name) =>
        Fixtures.Document(File).GetProperty(section).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>An output buffer full of NaN, so a value the kernel fails to overwrite shows.</summary>
    private static float[] Stale(int length) => Enumerable.Repeat(float.NaN, length).ToArray();

    private static float[] Floats(Random random, int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static double Check(float[] expected, ReadOnlySpan<float> actual, string what) =>
        Fixtures.AssertClose(expected, actual, what, Absolute, Relative);
}
