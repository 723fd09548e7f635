using System;
using System.Linq;
using NormReg.Kernels;
using static NormReg.Tests.KernelTests.ImageGradients;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// Every augmentation's backward is the exact transpose of its forward map, <c>⟨A x, y⟩ = ⟨x, Aᵀ y⟩</c> summed in double for
/// random x and y; the random forms draw what their documentation says; and each backward uses what its forward drew.
/// </summary>
public sealed class AugmentationKernelTests
{
    private const int N = 6, Channels = 3, Height = 7, Width = 10;
    private const int Length = Channels * Height * Width;

    [Theory]
    [InlineData(0.0)]
    [InlineData(90.0)]
    [InlineData(17.5)]
    [InlineData(-33.0)]
    [InlineData(180.0)]
    [InlineData(-271.0)]
    public void Rotate_and_RotateAdjoint_are_transposes(double degrees)
    {
        float radians = (float)(degrees * Math.PI / 180);
        AssertAdjoint((x, y) => Augmentation.Rotate(x, y, radians, Channels, Height, Width), (y, x) => Augmentation.RotateAdjoint(y, x, radians, Channels, Height, Width), Length);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, -3)]
    [InlineData(-6, 9)]
    [InlineData(7, 0)]
    public void Translate_and_TranslateAdjoint_are_transposes(int rows, int columns) =>
        AssertAdjoint((x, y) => Augmentation.Translate(x, y, rows, columns, Channels, Height, Width), (y, x) => Augmentation.TranslateAdjoint(y, x, rows, columns, Channels, Height, Width), Length);

    [Fact]
    public void Random_forms_and_their_backward_passes_are_transposes_for_what_was_drawn()
    {
        float[] drawn = new float[2 * N];
        var random = new SeededRandom(3);
        AssertAdjoint((x, y) => Augmentation.RandomFlip(x, y, drawn, true, true, ref random, N, Channels, Height, Width),
            (y, x) => Augmentation.RandomFlipBackward(y, drawn, x, N, Channels, Height, Width), N * Length);
        AssertAdjoint((x, y) => Augmentation.RandomRotation(x, y, drawn, 0.2f, ref random, N, Channels, Height, Width),
            (y, x) => Augmentation.RandomRotationBackward(y, drawn, x, N, Channels, Height, Width), N * Length);
        AssertAdjoint((x, y) => Augmentation.RandomTranslation(x, y, drawn, 0.3f, 0.2f, ref random, N, Channels, Height, Width),
            (y, x) => Augmentation.RandomTranslationBackward(y, drawn, x, N, Channels, Height, Width), N * Length);
    }

    [Fact]
    public void A_wrong_backward_fails_the_transpose_check()
    {
        float radians = 0.3f;
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertAdjoint((x, y) => Augmentation.Rotate(x, y, radians, Channels, Height, Width),
            (y, x) => Augmentation.Rotate(y, x, -radians, Channels, Height, Width), Length)); // the inverse rotation is not the transpose of the bilinear map
    }

    [Fact]
    public void RandomFlip_flips_each_way_with_probability_one_half_independently_and_applies_what_it_drew()
    {
        const int n = 4000;
        float[] x = Random(n * 2 * 2 * 3, 1), y = new float[x.Length], drawn = new float[n], expected = new float[12];
        var random = new SeededRandom(5);

        Augmentation.RandomFlip(x, y, drawn, true, true, ref random, n, 2, 2, 3);

        int[] counts = new int[4];
        for (int s = 0; s < n; s++)
        {
            int d = (int)drawn[s];
            counts[d]++;
            Augmentation.Flip(x.AsSpan(s * 12, 12), expected, (d & 1) != 0, (d & 2) != 0, 2, 2, 3);
            Assert.Equal(expected, y.AsSpan(s * 12, 12).ToArray());
        }
        // Each of the four outcomes has probability ¼: 1000 ± 4.3 standard deviations (27.4 each).
        Assert.All(counts, count => Assert.InRange(count, 880, 1120));

        Augmentation.RandomFlip(x, y, drawn, horizontal: true, vertical: false, ref random, n, 2, 2, 3);
        Assert.All(drawn, d => Assert.True(d is 0 or 1));
    }

    [Fact]
    public void RandomRotation_draws_angles_uniformly_within_factor_times_two_pi()
    {
        const int n = 4000;
        const float factor = 0.1f;
        float[] x = new float[n], y = new float[n], drawn = new float[n];
        var random = new SeededRandom(6);

        Augmentation.RandomRotation(x, y, drawn, factor, ref random, n, 1, 1, 1);

        double limit = factor * 2 * Math.PI;
        Assert.All(drawn, a => Assert.InRange(a, -limit, limit));
        // Uniform on [−L, L]: mean 0 (standard error L/√(3n)), a quarter of the draws in each quarter of the range.
        Assert.InRange(drawn.Average(a => (double)a), -4.5 * limit / Math.Sqrt(3 * n), 4.5 * limit / Math.Sqrt(3 * n));
        Assert.InRange(drawn.Count(a => a > limit / 2), 880, 1120);
        Assert.InRange(drawn.Count(a => a < -limit / 2), 880, 1120);
    }

    [Fact]
    public void RandomTranslation_draws_rounded_uniform_shifts_within_the_factors()
    {
        const int n = 8000, height = 10, width = 20;
        float[] x = new float[n * height * width], y = new float[x.Length], drawn = new float[2 * n];
        var random = new SeededRandom(7);

        Augmentation.RandomTranslation(x, y, drawn, 0.1f, 0.2f, ref random, n, 1, height, width);

        int[] rows = Enumerable.Range(0, n).Select(s => (int)drawn[2 * s]).ToArray(), columns = Enumerable.Range(0, n).Select(s => (int)drawn[2 * s + 1]).ToArray();
        Assert.Equal(Enumerable.Range(-1, 3), rows.Distinct().Order());          // round(U(−1, 1))
        Assert.Equal(Enumerable.Range(-4, 9), columns.Distinct().Order());       // round(U(−4, 4))
        // round(U(−4, 4)) = 0 on [−0.5, 0.5]: probability 1/8; ±4 on half-width intervals, 1/16 each.
        Assert.InRange(columns.Count(c => c == 0), 880, 1120);
        Assert.InRange(columns.Count(c => c == 4), 400, 600);
    }

    /// <summary><c>⟨A x, y⟩ = ⟨x, Aᵀ y⟩</c> in double for random x and y, with stale (NaN) outputs so an unwritten value shows.</summary>
    private static void AssertAdjoint(Action<float[], float[]> forward, Action<float[], float[]> transpose, int length)
    {
        for (int seed = 0; seed < 3; seed++)
        {
            float[] x = Random(length, 10 + seed), y = Random(length, 20 + seed);
            float[] ax = Enumerable.Repeat(float.NaN, length).ToArray(), aty = Enumerable.Repeat(float.NaN, length).ToArray();
            forward(x, ax);
            transpose(y, aty);
            double left = 0, right = 0, scale = 0;
            for (int i = 0; i < length; i++)
            {
                left += (double)ax[i] * y[i];
                right += (double)x[i] * aty[i];
                scale += Math.Abs((double)ax[i] * y[i]);
            }
            Assert.True(Math.Abs(left - right) <= 1e-5 * (1 + scale), $"⟨A x, y⟩ = {left:G9}, ⟨x, Aᵀ y⟩ = {right:G9}");
        }
    }
}
