using System;
using System.Linq;
using NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// <see cref="Dense.ForwardPacked"/> on weights from <see cref="Dense.PackWeights"/>: bit for bit against <c>Dense.Forward</c> and
/// <c>Dense.ForwardReLU</c> (every tile height, panels of one, two and three vectors, outputs past the last whole vector, steps past the
/// last whole sixteen, no bias, NaN, infinity and −0), and against a double-precision reference. On the paths that do not pack (below 512
/// bits or without FMA) the tests check that it says so and refuses.
/// </summary>
public sealed class DensePackedKernelTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 128, 784, 256 }, // MnistMlp's first layer: whole tiles, whole sixteens
        { 128, 256, 128 }, // its second: panels of three vectors and of two
        { 1, 784, 256 },   // one row
        { 7, 100, 50 },    // seven rows, steps past the sixteens, a panel of 48 and one of 2 outputs
        { 13, 65, 97 },    // one step more than the sequential products take; 97 = 2 panels + 1 output
        { 9, 200, 64 },    // eight rows and one, a panel and a vector
        { 20, 1024, 150 }, // every height from 8 down to 4
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gives_the_bits_of_Forward(int batch, int inputs, int outputs)
    {
        if (!Dense.PacksWeights(inputs, outputs)) return; // the paths without packing: Refuses_where_it_does_not_pack
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 1), Random(outputs * inputs, 2), Random(outputs, 3));
        x[(batch - 1) * inputs] = float.NaN; // the last sample's outputs all NaN
        if (batch > 1) x[inputs + 1] = float.PositiveInfinity; // the second's ±infinity or NaN
        float[] packed = Pack(w, inputs, outputs);

        foreach (bool relu in new[] { false, true })
        {
            foreach (float[] bias in new[] { b, [] })
            {
                float[] expected = Filled(batch * outputs), got = Filled(batch * outputs);
                if (relu) Dense.ForwardReLU(x, w, bias, expected, batch, inputs, outputs);
                else Dense.Forward(x, w, bias, expected, batch, inputs, outputs);

                Dense.ForwardPacked(x, packed, bias, got, batch, inputs, outputs, relu);

                Assert.Equal(Bits(expected), Bits(got));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_the_reference(int batch, int inputs, int outputs)
    {
        if (!Dense.PacksWeights(inputs, outputs)) return;
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 4), Random(outputs * inputs, 5), Random(outputs, 6));
        float[] y = Filled(batch * outputs);

        Dense.ForwardPacked(x, Pack(w, inputs, outputs), b, y, batch, inputs, outputs, relu: false);

        double tolerance = 1e-6 * inputs;
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = b[o];
                for (int i = 0; i < inputs; i++) sum += (double)x[n * inputs + i] * w[o * inputs + i];
                Assert.True(Math.Abs(sum - y[n * outputs + o]) <= tolerance, $"[{n}, {o}]: expected {sum:G9}, got {y[n * outputs + o]:G9}");
            }
        }
    }

    [Fact]
    public void Sums_of_minus_zero_stay_minus_zero_and_become_plus_zero_under_ReLU()
    {
        const int batch = 3, inputs = 96, outputs = 64;
        if (!Dense.PacksWeights(inputs, outputs)) return;
        // Each product, −10⁻⁶⁰, rounds to −0, and so do their sums; with no bias nothing is added to them.
        float[] x = Enumerable.Repeat(1e-30f, batch * inputs).ToArray(), packed = Pack(Enumerable.Repeat(-1e-30f, outputs * inputs).ToArray(), inputs, outputs);
        float[] plain = Filled(batch * outputs), relu = Filled(batch * outputs);

        Dense.ForwardPacked(x, packed, default, plain, batch, inputs, outputs, relu: false);
        Dense.ForwardPacked(x, packed, default, relu, batch, inputs, outputs, relu: true);

        Assert.All(plain, v => Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(v)));
        Assert.All(relu, v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));
    }

    [Theory]
    [InlineData(64, 48)] // 64 inputs are summed in order, not in sixteen partial sums
    [InlineData(784, 47)] // fewer outputs than a panel
    public void Refuses_where_it_does_not_pack(int inputs, int outputs)
    {
        if (Dense.PacksWeights(784, 256)) Assert.False(Dense.PacksWeights(inputs, outputs));
        if (Dense.PacksWeights(inputs, outputs)) return;
        float[] packed = new float[Dense.PackedLength(inputs, outputs)];
        Assert.Throws<NotSupportedException>(() => Dense.PackWeights(new float[inputs * outputs], packed, inputs, outputs));
        Assert.Throws<NotSupportedException>(() => Dense.ForwardPacked(new float[inputs], packed, default, new float[outputs], 1, inputs, outputs, relu: false));
    }

    [Fact]
    public void Rejects_short_spans()
    {
        const int inputs = 100, outputs = 50;
        if (!Dense.PacksWeights(inputs, outputs)) return;
        float[] packed = new float[Dense.PackedLength(inputs, outputs)];
        Assert.Throws<ArgumentException>(() => Dense.PackWeights(new float[inputs * outputs - 1], packed, inputs, outputs));
        Assert.Throws<ArgumentException>(() => Dense.PackWeights(new float[inputs * outputs], packed.AsSpan(1), inputs, outputs));
        Assert.Throws<ArgumentException>(() => Dense.ForwardPacked(new float[2 * inputs - 1], packed, default, new float[2 * outputs], 2, inputs, outputs, relu: false));
        Assert.Throws<ArgumentException>(() => Dense.ForwardPacked(new float[2 * inputs], packed, default, new float[2 * outputs - 1], 2, inputs, outputs, relu: false));
        Assert.Throws<ArgumentException>(() => Dense.ForwardPacked(new float[2 * inputs], packed, new float[outputs - 1], new float[2 * outputs], 2, inputs, outputs, relu: false));
    }

    private static float[] Pack(float[] weights, int inputs, int outputs)
    {
        float[] packed = Filled(Dense.PackedLength(inputs, outputs));
        Dense.PackWeights(weights, packed, inputs, outputs);
        return packed;
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
