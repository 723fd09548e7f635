using System;
using System.Linq;
using NormReg.Kernels;
using static NormReg.Tests.KernelTests.ImageGradients;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// <see cref="Conv2D"/> against a direct double-precision convolution and its central differences, on shapes that take every
/// path: one sample and many (the weight gradient one chain over them all), 1 × 1 kernels read in place, strides 1 to 3, valid and
/// asymmetric "same" padding, channel and filter counts across the product's tile sizes.
/// </summary>
public sealed class ConvKernelTests
{
    public static TheoryData<int, int, int, int, int, int, int, bool> Shapes => new()
    {
        // n, C, H, W, F, K, S, same
        { 1, 1, 5, 5, 1, 3, 1, false },
        { 3, 16, 10, 10, 32, 3, 1, true },   // 100 pixels, runs of three values in the weight gradient's patch rows
        { 2, 3, 17, 17, 5, 3, 2, false },
        { 1, 4, 20, 20, 6, 5, 1, true },     // 400 pixels, padded patch rows of 100 + 4
        { 4, 8, 16, 16, 16, 1, 1, false },   // 1 × 1, 256 pixels: the input is the patch matrix
        { 3, 5, 4, 6, 7, 1, 1, false },      // 1 × 1 on few pixels
        { 33, 2, 4, 4, 3, 3, 1, true },      // 16 pixels, 33 samples summed in one chain per weight
        { 2, 3, 9, 7, 4, 4, 3, true },       // stride 3 with an even kernel: padding 1 above, 2 below
        { 2, 2, 3, 3, 9, 5, 1, true },       // kernel larger than the input
        { 2, 3, 7, 13, 17, 3, 1, false },    // 55 pixels: a tile of three vectors, narrower ones, three scalar columns; 17 filters: 8 + 8 + 1 rows
        { 3, 6, 12, 12, 16, 5, 1, false },   // LeNet's second convolution: 16 filters in two tiles of 8, a patch of 150
        { 2, 2, 15, 14, 9, 5, 2, true },     // 5 × 5 at stride 2 in padding: vector runs a stride apart, runs cut at both edges
        { 1, 2, 11, 12, 10, 9, 1, true },    // 9 × 9: runs longer than two vectors, output rows cut by the padding
        { 2, 5, 7, 21, 8, 3, 1, true },      // dx gathered four channels at a time (the last four overlapping), rows of 16 + 4 + 1; dW from the planes with 8 filters
        { 3, 3, 9, 11, 12, 4, 1, false },    // even kernel, valid: a gather of 3 channels (the last repeated), rows past their end into the next
        { 2, 6, 9, 9, 8, 3, 2, true },       // stride 2 with 8 filters: the scatter and the patch rows, not the planes
        { 2, 5, 8, 16, 16, 3, 1, true },     // dW from the input rows: 3 × 3 "same" through the padded window, 15 row groups (3 tiles of 4, 3 alone), two chunks of 8 pixels
        { 2, 3, 6, 8, 32, 5, 1, true },      // dW from the input rows: 5 × 5 "same", 32 filters (two 16-float strips), 15 row groups (7 pairs and 1)
        { 1, 7, 10, 10, 16, 3, 1, false },   // dW from the input rows: 3 × 3 valid, read in place, 21 row groups (5 tiles of 4 and 1); dx placed, one block of 7 channels
        { 2, 3, 12, 12, 5, 5, 1, false },    // dx through the placed patch gradient: 5 × 5 valid to 8 × 8, blocks of 2 channels and 1, 5 filters; dW from the patch rows
        { 2, 8, 13, 19, 5, 3, 1, true },     // dx as a correlation of dy: rows of 19 + 2, 273 columns (vectors, narrower ones, a scalar), 8 channels, depth 45
        { 1, 6, 11, 30, 7, 5, 1, true },     // the same at 5 × 5: a tile of 6 channels, padded planes of 15 × 34
        { 2, 9, 10, 24, 4, 4, 1, true },     // the same with an even kernel: two padding rows above the output gradient, one below; 9 channels: 5 + 4 rows
    };

    [Fact]
    public void The_input_gradient_of_a_padding_as_wide_as_the_kernel_matches_the_double_reference()
    {
        // K − 1 rows and columns of padding on every side: the output is larger than the input and its padded planes have no frame above or left.
        Run run = Measure(2, new ConvGeometry(8, 10, 12, 4, 3, 1, 2, 2, 12, 14));
        Assert.Empty(run.ForwardMismatches);
        Assert.Empty(Mismatches("dx", run.X, run.Dx, run.Loss));
    }

    [Theory]
    [InlineData(1, 2, 2, 10)]   // the last column of a row: its discarded neighbours read it across the row's end
    [InlineData(0, 0, 0, 0)]    // the first value of the first plane
    [InlineData(1, 3, 5, 10)]   // the last value of the last plane
    public void A_NaN_in_the_output_gradient_reaches_exactly_the_inputs_it_was_read_through(int sample, int filter, int i, int j)
    {
        const int n = 2;
        ConvGeometry g = ConvGeometry.Create(8, 6, 11, 4, 3, 1, same: true);
        float[] dy = Random(n * g.OutputLength, 6), w = Random(g.Filters * g.PatchSize, 7), dx = new float[n * g.InputLength];
        dy[sample * g.OutputLength + (filter * g.OutHeight + i) * g.OutWidth + j] = float.NaN;

        Conv2D.BackwardInput(dy, w, dx, new float[g.ScratchLength(n)], n, g);

        for (int s = 0; s < n; s++)
        for (int c = 0; c < g.Channels; c++)
        for (int h = 0; h < g.Height; h++)
        for (int x = 0; x < g.Width; x++)
        {
            bool read = s == sample && Math.Abs(h - i) <= 1 && Math.Abs(x - j) <= 1;
            Assert.True(read == float.IsNaN(dx[s * g.InputLength + (c * g.Height + h) * g.Width + x]), $"dx[{s}, {c}, {h}, {x}]");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_and_gradients_match_the_double_reference_and_its_central_differences(int n, int c, int h, int w, int f, int k, int s, bool same)
    {
        ConvGeometry g = ConvGeometry.Create(c, h, w, f, k, s, same);
        Run run = Measure(n, g);

        Assert.Empty(run.ForwardMismatches);
        Assert.Empty(Mismatches("dW", run.W, run.Dw, run.Loss));
        Assert.Empty(Mismatches("db", run.B, run.Db, run.Loss));
        Assert.Empty(Mismatches("dx", run.X, run.Dx, run.Loss));
    }

    [Fact]
    public void A_corrupted_gradient_is_caught()
    {
        Run run = Measure(3, ConvGeometry.Create(16, 10, 10, 32, 3, 1, same: true));
        Assert.Empty(Mismatches("dW", run.W, run.Dw, run.Loss));

        int sampled = Sampled(run.Dw.Length)[10];
        run.Dw[sampled] += 1e-2f;
        Assert.Single(Mismatches("dW", run.W, run.Dw, run.Loss));
        run.Dx[0] *= 1.01f;
        Assert.Single(Mismatches("dx", run.X, run.Dx, run.Loss));
    }

    [Theory]
    [InlineData(3, 16, 10, 32, 3)]
    [InlineData(33, 2, 4, 3, 3)]
    public void The_penalty_gradient_is_added_to_every_weight_gradient(int n, int c, int size, int f, int k)
    {
        ConvGeometry g = ConvGeometry.Create(c, size, size, f, k, 1, same: true);
        float[] x = Random(n * g.InputLength, 1), dy = Random(n * g.OutputLength, 2), weights = Random(f * g.PatchSize, 3);
        for (int i = 0; i < weights.Length; i += 7) weights[i] = 0; // sign(0) = 0
        float[] plain = new float[weights.Length], penalized = new float[weights.Length], scratch = new float[g.ScratchLength(n)];
        const float l1 = 0.01f, l2 = 0.03f;

        Conv2D.BackwardParameters(x, dy, plain, default, scratch, n, g);
        Conv2D.BackwardParameters(x, dy, penalized, default, scratch, n, g, weights, l1, l2);

        for (int i = 0; i < weights.Length; i++)
        {
            double expected = plain[i] + l1 * Math.Sign(weights[i]) + 2 * l2 * (double)weights[i];
            Assert.True(Math.Abs(expected - penalized[i]) <= 1e-6 * (1 + Math.Abs(expected)), $"dW[{i}]: expected {expected}, got {penalized[i]}");
        }
    }

    [Theory]
    [InlineData(-1, -1)]
    [InlineData(5, -1)]      // a NaN in the input: a column of dW
    [InlineData(-1, 37)]     // an infinity in the output gradient: a row of dW and a bias
    [InlineData(399, -1)]    // in the last sample's last pixel
    public void BackwardParameters_reports_whether_every_gradient_is_finite(int poisonedInput, int poisonedGradient)
    {
        const int n = 4;
        ConvGeometry g = ConvGeometry.Create(1, 10, 10, 3, 3, 1, same: true);
        float[] x = Random(n * g.InputLength, 4), dy = Random(n * g.OutputLength, 5);
        if (poisonedInput >= 0) x[poisonedInput] = float.NaN;
        if (poisonedGradient >= 0) dy[poisonedGradient] = float.PositiveInfinity;
        float[] dw = new float[3 * g.PatchSize], db = new float[3];

        bool finite = Conv2D.BackwardParameters(x, dy, dw, db, new float[g.ScratchLength(n)], n, g);

        Assert.Equal(poisonedInput < 0 && poisonedGradient < 0, finite);
        Assert.Equal(dw.Concat(db).All(float.IsFinite), finite);
    }

    [Fact]
    public void Short_spans_are_refused_with_the_argument_named()
    {
        ConvGeometry g = ConvGeometry.Create(2, 6, 6, 3, 3, 1, same: false);
        float[] x = new float[2 * g.InputLength], w = new float[3 * g.PatchSize], y = new float[2 * g.OutputLength];
        var scratch = new float[g.ScratchLength(2) - 1];

        var e = Assert.Throws<ArgumentException>(() => Conv2D.Forward(x, w, default, y, scratch, 2, g));
        Assert.Equal("scratch", e.ParamName);
        Assert.Contains($"{g.ScratchLength(2)}", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2D.BackwardInput(y, w, new float[x.Length - 1], new float[g.ScratchLength(2)], 2, g));
        Assert.Equal("dx", e.ParamName);
    }

    private sealed record Run(double[] X, double[] W, double[] B, float[] Dx, float[] Dw, float[] Db, Func<double> Loss, string[] ForwardMismatches);

    /// <summary>Runs the three kernels on random data, and builds the reference loss Σ r·y over the double copies of x, W and b.</summary>
    private static Run Measure(int n, ConvGeometry g)
    {
        float[] x = Random(n * g.InputLength, 11), w = Random(g.Filters * g.PatchSize, 12, 1f / MathF.Sqrt(g.PatchSize)), b = Random(g.Filters, 13);
        float[] r = Random(n * g.OutputLength, 14);
        float[] scratch = new float[g.ScratchLength(n)], y = new float[n * g.OutputLength];
        float[] dw = new float[w.Length], db = new float[b.Length], dx = new float[x.Length];
        Conv2D.Forward(x, w, b, y, scratch, n, g);
        Conv2D.BackwardParameters(x, r, dw, db, scratch, n, g);
        Conv2D.BackwardInput(r, w, dx, scratch, n, g);

        double[] xd = ToDouble(x), wd = ToDouble(w), bd = ToDouble(b);
        double[] expected = Reference(xd, wd, bd, n, g);
        string[] forward = Enumerable.Range(0, y.Length).Where(i => !(Math.Abs(expected[i] - y[i]) <= 1e-5 * (1 + Math.Abs(expected[i]))))
            .Select(i => $"y[{i}]: expected {expected[i]:G9}, got {y[i]:G9}").ToArray();
        double Loss() => Reference(xd, wd, bd, n, g).Select((v, i) => v * r[i]).Sum();
        return new Run(xd, wd, bd, dx, dw, db, Loss, forward);
    }

    /// <summary>The convolution as its definition reads, in double.</summary>
    private static double[] Reference(double[] x, double[] w, double[] b, int n, ConvGeometry g)
    {
        var y = new double[n * g.OutputLength];
        for (int s = 0; s < n; s++)
        for (int f = 0; f < g.Filters; f++)
        for (int i = 0; i < g.OutHeight; i++)
        for (int j = 0; j < g.OutWidth; j++)
        {
            double sum = b[f];
            for (int c = 0; c < g.Channels; c++)
            for (int ki = 0; ki < g.Kernel; ki++)
            for (int kj = 0; kj < g.Kernel; kj++)
            {
                int row = i * g.Stride + ki - g.PadTop, column = j * g.Stride + kj - g.PadLeft;
                if (row < 0 || row >= g.Height || column < 0 || column >= g.Width) continue;
                sum += w[((f * g.Channels + c) * g.Kernel + ki) * g.Kernel + kj] * x[s * g.InputLength + (c * g.Height + row) * g.Width + column];
            }
            y[s * g.OutputLength + (f * g.OutHeight + i) * g.OutWidth + j] = sum;
        }
        return y;
    }

    [Fact]
    public void Scratch_that_would_not_fit_an_array_is_refused_with_the_sizes()
    {
        var g = ConvGeometry.Create(64, 2048, 2048, 1, 3, 1, same: true);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => g.ScratchLength(1));

        Assert.Contains("64×2048×2048 → 1×2048×2048", e.Message);
        Assert.Contains("more than a .NET array holds", e.Message);
    }
}
