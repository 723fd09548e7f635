using System;
using System.Linq;
using NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// <see cref="Dense.ForwardReLU(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>, which stores
/// <c>max(0, v)</c> as the product is stored: against a double-precision reference, and bit for bit against <c>Dense.Forward</c> then
/// <see cref="Activations.ReLU"/> on every product path of <see cref="DenseKernelTests.Shapes"/> (the head computed transposed, the short
/// tiled products, the dot products with and without steps past the last sixteen), NaN and −0 included.
/// </summary>
public sealed class DenseReLUKernelTests
{
    [Theory]
    [MemberData(nameof(DenseKernelTests.Shapes), MemberType = typeof(DenseKernelTests))]
    public void Matches_the_reference(int batch, int inputs, int outputs)
    {
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 1), Random(outputs * inputs, 2), Random(outputs, 3));
        float[] y = Filled(batch * outputs);

        Dense.ForwardReLU(x, w, b, y, batch, inputs, outputs);

        double tolerance = 1e-6 * Math.Max(1, inputs);
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = b[o];
                for (int i = 0; i < inputs; i++) sum += (double)x[n * inputs + i] * w[o * inputs + i];
                float got = y[n * outputs + o];
                Assert.True(got >= 0 && Math.Abs(Math.Max(0, sum) - got) <= tolerance, $"[{n}, {o}]: expected max(0, {sum:G9}), got {got:G9}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(DenseKernelTests.Shapes), MemberType = typeof(DenseKernelTests))]
    public void Gives_the_bits_of_Forward_then_ReLU(int batch, int inputs, int outputs)
    {
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 4), Random(outputs * inputs, 5), Random(outputs, 6));
        x[(batch - 1) * inputs] = float.NaN; // the last sample's outputs all NaN, which ReLU keeps
        float[] fused = Filled(batch * outputs), separate = Filled(batch * outputs);

        Dense.ForwardReLU(x, w, b, fused, batch, inputs, outputs);
        Dense.Forward(x, w, b, separate, batch, inputs, outputs);
        Activations.ReLU(separate, separate);

        Assert.Equal(Bits(separate), Bits(fused));
        Assert.All(fused.AsSpan((batch - 1) * outputs).ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Theory]
    [InlineData(2, 96, 64)]  // dot products of whole sixteens: the totals stored a row of a tile at a time
    [InlineData(9, 100, 64)] // steps past the last sixteen: each total ended alone
    [InlineData(3, 40, 20)]  // 64 steps or fewer: tiled, then the pass over the outputs
    [InlineData(64, 16, 2)]  // a head of few outputs, computed transposed
    public void Sums_of_minus_zero_are_stored_as_plus_zero(int batch, int inputs, int outputs)
    {
        // Each product, −10⁻⁶⁰, rounds to −0, and so do their sums: ReLU's max(0, −0) is +0.
        float[] x = Enumerable.Repeat(1e-30f, batch * inputs).ToArray(), w = Enumerable.Repeat(-1e-30f, outputs * inputs).ToArray();
        float[] separate = Filled(batch * outputs), fused = Filled(batch * outputs);
        Dense.Forward(x, w, default, separate, batch, inputs, outputs);
        Assert.All(separate, v => Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(v)));

        Dense.ForwardReLU(x, w, default, fused, batch, inputs, outputs);

        Assert.All(fused, v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));
    }

    [Theory]
    [InlineData(1, 784, 256)]
    [InlineData(13, 80, 66)]
    [InlineData(70, 96, 65)]
    [InlineData(9, 100, 64)]
    public void Gives_the_bits_of_the_bfloat16_Forward_then_ReLU(int batch, int inputs, int outputs)
    {
        (float[] x, float[] b) = (Random(batch * inputs, 7), Random(outputs, 8));
        var w = new ushort[outputs * inputs];
        BFloat16.Round(Random(outputs * inputs, 9), w);
        float[] fused = Filled(batch * outputs), separate = Filled(batch * outputs);

        Dense.ForwardReLU(x, w, b, fused, batch, inputs, outputs);
        Dense.Forward(x, w, b, separate, batch, inputs, outputs);
        Activations.ReLU(separate, separate);

        Assert.Equal(Bits(separate), Bits(fused));
        Assert.Contains(fused, v => v == 0);
        Assert.Contains(fused, v => v > 0);
    }

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
    }

    /// <summary>Garbage the kernel must overwrite.</summary>
    private static float[] Filled(int count) => Enumerable.Repeat(float.NaN, count).ToArray();

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
