using System;
using System.Linq;
using NormReg.Kernels;
using static NormReg.Tests.KernelTests.ImageGradients;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// <see cref="Pooling"/>'s backward passes against central differences of double-precision references of the forward (max
/// pooling on distinct values, where it is differentiable), and max pooling's NaN and −∞ rules as PyTorch's CPU kernel has them.
/// </summary>
public sealed class PoolingKernelTests
{
    public static TheoryData<int, int, int, int, int, int> Shapes => new()
    {
        // n, C, H, W, size, stride
        { 2, 3, 6, 8, 2, 2 },
        { 2, 2, 7, 9, 3, 2 },   // overlapping windows
        { 1, 3, 5, 7, 2, 2 },   // a row and a column left over
        { 3, 1, 6, 6, 3, 1 },   // stride 1: most values in nine windows
        { 1, 2, 4, 4, 4, 4 },   // one window per channel
        { 2, 3, 9, 21, 2, 2 },  // 2 × 2 at stride 2: vectors of four outputs and a tail of two, a row left over
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Max_pooling_gradient_matches_central_differences(int n, int c, int h, int w, int size, int stride)
    {
        var g = PoolGeometry.Create(c, h, w, size, stride);
        float[] x = Random(n * g.InputLength, 1), r = Random(n * g.OutputLength, 2);
        float[] y = new float[r.Length], dx = new float[x.Length];
        int[] argmax = new int[r.Length];

        Pooling.MaxForward(x, y, argmax, n, g);
        Pooling.MaxBackward(r, argmax, dx, n, g);

        double[] xd = ToDouble(x);
        double[] expected = Reference(xd, n, g, window => window.Max());
        Assert.Equal(expected.Select(v => (float)v), y);
        Assert.Empty(Mismatches("dx", xd, dx, () => Loss(Reference(xd, n, g, window => window.Max()), r), h: 1e-6));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Max_pooling_gradient_through_the_ReLU_before_it_matches_central_differences(int n, int c, int h, int w, int size, int stride)
    {
        var g = PoolGeometry.Create(c, h, w, size, stride);
        float[] x = Random(n * g.InputLength, 3), r = Random(n * g.OutputLength, 4);
        for (int i = 0; i < h * w; i++) x[i] = -Math.Abs(x[i]) - 0.01f; // sample 0's first channel: windows with no positive value
        float[] relu = x.Select(v => Math.Max(v, 0f)).ToArray(), y = new float[r.Length], dx = new float[x.Length];
        int[] argmax = new int[r.Length];
        dx.AsSpan().Fill(float.NaN);

        Pooling.MaxForward(relu, y, argmax, n, g);
        Pooling.MaxBackward(r, argmax, dx, n, g, y);

        double[] xd = ToDouble(x);
        Assert.Contains(y, v => v == 0); // their gradient must stop at the ReLU
        Assert.Contains(y, v => v > 0);
        Assert.Empty(Mismatches("dx", xd, dx, () => Loss(Reference(xd.Select(v => Math.Max(v, 0)).ToArray(), n, g, window => window.Max()), r), h: 1e-6));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Max_pooling_gradient_overwrites_stale_values_and_follows_any_winner(bool winnerOutsideWindow)
    {
        // 2 × 2 at stride 2 on 5 × 11: vectors of four windows, a tail of one, a row and a column that get no gradient.
        const int n = 2;
        var g = PoolGeometry.Create(3, 5, 11, 2, 2);
        float[] x = Random(n * g.InputLength, 9), r = Random(n * g.OutputLength, 10), y = new float[r.Length], dx = new float[x.Length];
        int[] argmax = new int[r.Length];
        Pooling.MaxForward(x, y, argmax, n, g);
        r[1] = -0f;
        if (winnerOutsideWindow) argmax[g.OutputLength + 2] = 0; // sample 1's third window names the sample's first input
        var expected = new double[x.Length];
        for (int o = 0; o < r.Length; o++) expected[o / g.OutputLength * g.InputLength + argmax[o]] += r[o];
        dx.AsSpan().Fill(float.NaN);

        Pooling.MaxBackward(r, argmax, dx, n, g);

        Assert.Equal(expected.Select(v => (float)v), dx);
        Assert.DoesNotContain(dx, v => BitConverter.SingleToInt32Bits(v) == int.MinValue); // 0 + (−0) is +0, as a cleared sum gives
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Max_pooling_at_inference_gives_the_reference_values(int n, int c, int h, int w, int size, int stride)
    {
        var g = PoolGeometry.Create(c, h, w, size, stride);
        float[] x = Random(n * g.InputLength, 8), y = new float[n * g.OutputLength];
        y.AsSpan().Fill(float.NaN);

        Pooling.MaxForward(x, y, default, n, g);

        Assert.Equal(Reference(ToDouble(x), n, g, window => window.Max()).Select(v => (float)v), y);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Average_pooling_gradient_matches_central_differences(int n, int c, int h, int w, int size, int stride)
    {
        var g = PoolGeometry.Create(c, h, w, size, stride);
        float[] x = Random(n * g.InputLength, 3), r = Random(n * g.OutputLength, 4);
        float[] y = new float[r.Length], dx = new float[x.Length];

        Pooling.AverageForward(x, y, n, g);
        Pooling.AverageBackward(r, dx, n, g);

        double[] xd = ToDouble(x);
        AssertClose(Reference(xd, n, g, window => window.Average()), y);
        Assert.Empty(Mismatches("dx", xd, dx, () => Loss(Reference(xd, n, g, window => window.Average()), r)));
    }

    [Fact]
    public void Global_average_pooling_gradient_matches_central_differences()
    {
        const int n = 3, channels = 4, spatial = 35;
        float[] x = Random(n * channels * spatial, 5), r = Random(n * channels, 6), y = new float[r.Length], dx = new float[x.Length];

        Pooling.GlobalAverageForward(x, y, n, channels, spatial);
        Pooling.GlobalAverageBackward(r, dx, n, channels, spatial);

        double[] xd = ToDouble(x);
        double[] Means() => Enumerable.Range(0, n * channels).Select(p => xd.Skip(p * spatial).Take(spatial).Average()).ToArray();
        AssertClose(Means(), y);
        Assert.Empty(Mismatches("dx", xd, dx, () => Loss(Means(), r)));
    }

    [Fact]
    public void Max_pooling_propagates_NaN_keeps_the_first_of_ties_and_answers_a_window_of_minus_infinity_with_its_first_element()
    {
        float nan = float.NaN, inf = float.NegativeInfinity;
        float[] x =
        [
            1, 3, 3, 0,
            3, 2, nan, nan,
            inf, inf, 5, 5,
            inf, inf, 5, 5,
        ];
        var g = PoolGeometry.Create(1, 4, 4, 2, 2);
        float[] y = new float[4];
        int[] argmax = new int[4];

        Pooling.MaxForward(x, y, argmax, 1, g);

        // torch.nn.functional.max_pool2d(x, 2, 2, return_indices=True) on the same input: [3, nan, -inf, 5], indices [1, 7, 8, 10].
        Assert.Equal([3, nan, inf, 5], y);
        Assert.Equal([1, 7, 8, 10], argmax);
        float[] inference = new float[4];
        Pooling.MaxForward(x, inference, default, 1, g);
        Assert.Equal([3, nan, inf, 5], inference);
    }

    [Fact]
    public void Max_pooling_keeps_the_NaN_and_tie_rules_four_windows_at_a_time()
    {
        float nan = float.NaN, inf = float.NegativeInfinity;
        float[] x =
        [
            1, 3, nan, 1, inf, inf, 0, 5, 2, nan,
            3, 2, nan, 0, inf, inf, 5, 5, 1, 7,
        ];
        var g = PoolGeometry.Create(1, 2, 10, 2, 2);
        float[] y = new float[5], inference = new float[5];
        int[] argmax = new int[5];

        Pooling.MaxForward(x, y, argmax, 1, g);
        Pooling.MaxForward(x, inference, default, 1, g);

        // The scan's rules window by window: first of ties, the last NaN, the first of −∞; the fifth window is past the vector.
        Assert.Equal([3, nan, inf, 5, nan], y);
        Assert.Equal([1, 12, 4, 7, 9], argmax);
        Assert.Equal([3, nan, inf, 5, nan], inference);
    }

    [Fact]
    public void Max_pooling_at_inference_needs_no_argmax()
    {
        var g = PoolGeometry.Create(2, 4, 4, 2, 2);
        float[] x = Random(2 * g.InputLength, 7), withIndices = new float[2 * g.OutputLength], without = new float[withIndices.Length];

        Pooling.MaxForward(x, withIndices, new int[withIndices.Length], 2, g);
        Pooling.MaxForward(x, without, default, 2, g);

        Assert.Equal(withIndices, without);
    }

    [Fact]
    public void A_window_past_the_input_is_refused()
    {
        var g = new PoolGeometry(1, 5, 5, 2, 2, 3, 2);
        var e = Assert.Throws<ArgumentException>(() => Pooling.AverageForward(new float[25], new float[6], 1, g));
        Assert.Contains("window", e.Message);
    }

    private static double[] Reference(double[] x, int n, PoolGeometry g, Func<double[], double> pool)
    {
        var y = new double[n * g.OutputLength];
        var window = new double[g.Size * g.Size];
        for (int p = 0; p < n * g.Channels; p++)
        for (int i = 0; i < g.OutHeight; i++)
        for (int j = 0; j < g.OutWidth; j++)
        {
            for (int a = 0; a < g.Size; a++)
            for (int b = 0; b < g.Size; b++) window[a * g.Size + b] = x[p * g.Height * g.Width + (i * g.Stride + a) * g.Width + j * g.Stride + b];
            y[(p * g.OutHeight + i) * g.OutWidth + j] = pool(window);
        }
        return y;
    }

    private static double Loss(double[] y, float[] r) => y.Select((v, i) => v * r[i]).Sum();

    private static void AssertClose(double[] expected, float[] actual) =>
        PyTorch.Fixtures.AssertClose(expected.Select(v => (float)v).ToArray(), actual, "y", 1e-6, 1e-6);
}
