using System;
using System.Linq;
using NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// The forward overloads that read weights from <see cref="Dense.PackWeights"/>: bit for bit against <c>Dense.Forward</c> and
/// <c>Dense.ForwardReLU</c> (every tile height, panels of one, two and three vectors, outputs past the last whole vector, steps past the
/// last whole sixteen, no bias, NaN, infinity and −0), and against a double-precision reference. On the paths that do not pack (128
/// bits or without FMA) the tests check that it says so and refuses.
/// </summary>
public sealed class DensePackedKernelTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 128, 784, 256 }, // MnistMlp's first layer: whole tiles, whole sixteens, panels of three vectors then (at 512 bits) two of two
        { 128, 256, 128 }, // its second: panels of three vectors and of two
        { 1, 784, 256 },   // one row
        { 7, 100, 50 },    // seven rows, steps past the sixteens, a panel of 48 and one of 2 outputs
        { 13, 65, 97 },    // one step more than the sequential products take; 97 = a panel of three vectors, two of two (at 256 bits two of three, one of one), the last with 1 output
        { 9, 200, 64 },    // eight rows and one, two panels of two vectors (at 256 bits one of three and one of one)
        { 20, 1024, 150 }, // every height from 8 down to 4
        { 5, 130, 90 },    // a last panel of three vectors, the third with 10 outputs
        { 6, 90, 80 },     // six rows (at 256 bits a tile of four and one of two), a last panel of two vectors (at 256 bits two tiles of two)
        { 12, 1024, 1024 }, // WideMlp's rows: a group of eight interleaved and four read in place; 20 panels of three vectors, two of two (at 256 bits 21 of three, one of one)
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gives_the_bits_of_Forward(int batch, int inputs, int outputs)
    {
        if (!Dense.PacksWeights(inputs, outputs)) return; // the paths without packing: Refuses_where_it_does_not_pack
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 1), Random(outputs * inputs, 2), Random(outputs, 3));
        if (batch > 1) x[(batch - 2) * inputs] = float.NaN; // the last sample but one's outputs all NaN; the last, alone in a tile of one row, finite
        if (batch > 1) x[inputs + 1] = float.PositiveInfinity; // the second's ±infinity or NaN
        float[] packed = Pack(w, inputs, outputs);

        foreach (bool relu in new[] { false, true })
        {
            foreach (float[] bias in new[] { b, [] })
            {
                float[] expected = Filled(batch * outputs), got = Filled(batch * outputs);
                if (relu) Dense.ForwardReLU(x, w, bias, expected, batch, inputs, outputs);
                else Dense.Forward(x, w, bias, expected, batch, inputs, outputs);

                ForwardPacked(x, w, packed, bias, got, batch, inputs, outputs, relu);

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

        ForwardPacked(x, w, Pack(w, inputs, outputs), b, y, batch, inputs, outputs, relu: false);

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
        float[] x = Enumerable.Repeat(1e-30f, batch * inputs).ToArray(), w = Enumerable.Repeat(-1e-30f, outputs * inputs).ToArray(), packed = Pack(w, inputs, outputs);
        float[] plain = Filled(batch * outputs), relu = Filled(batch * outputs);

        ForwardPacked(x, w, packed, [], plain, batch, inputs, outputs, relu: false);
        ForwardPacked(x, w, packed, [], relu, batch, inputs, outputs, relu: true);

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
        Assert.Throws<NotSupportedException>(() => Dense.Forward(new float[inputs], new float[inputs * outputs], packed, default, new float[outputs], 1, inputs, outputs));
        Assert.Throws<NotSupportedException>(() => Dense.ForwardReLU(new float[inputs], new float[inputs * outputs], packed, default, new float[outputs], 1, inputs, outputs));
    }

    [Fact]
    public void Rejects_short_spans()
    {
        const int inputs = 100, outputs = 50;
        if (!Dense.PacksWeights(inputs, outputs)) return;
        float[] packed = new float[Dense.PackedLength(inputs, outputs)];
        Assert.Throws<ArgumentException>(() => Dense.PackWeights(new float[inputs * outputs - 1], packed, inputs, outputs));
        Assert.Throws<ArgumentException>(() => Dense.PackWeights(new float[inputs * outputs], packed.AsSpan(1), inputs, outputs));
        float[] w = new float[inputs * outputs];
        Assert.Throws<ArgumentException>(() => Dense.Forward(new float[2 * inputs - 1], w, packed, default, new float[2 * outputs], 2, inputs, outputs));
        Assert.Throws<ArgumentException>(() => Dense.Forward(new float[2 * inputs], w, packed, default, new float[2 * outputs - 1], 2, inputs, outputs));
        Assert.Throws<ArgumentException>(() => Dense.Forward(new float[2 * inputs], w, packed, new float[outputs - 1], new float[2 * outputs], 2, inputs, outputs));
        Assert.Throws<ArgumentException>(() => Dense.Forward(new float[2 * inputs], w, packed.AsSpan(1), default, new float[2 * outputs], 2, inputs, outputs));
        Assert.Throws<ArgumentException>(() => Dense.ForwardReLU(new float[2 * inputs], w.AsSpan(1), packed, default, new float[2 * outputs], 2, inputs, outputs));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Packs_each_weight_where_its_pass_reads_it(int batch, int inputs, int outputs)
    {
        _ = batch;
        if (!Dense.PacksWeights(inputs, outputs)) return;
        float[] w = Random(outputs * inputs, 7), packed = Pack(w, inputs, outputs);

        // Panels of 48 outputs (the last as many whole vectors of 16 as it needs; at 512 bits four vectors left as two panels of two),
        // each its tiles' outputs one after the other (at 512 bits one tile, the panel; at 256 bits two of 24 in a panel of 48, else
        // tiles of 16); in a tile, pass l holding steps l, 16 + l, 32 + l.. in order, then the steps past the last whole sixteen, a row
        // of the tile's outputs per step, zeros past the last output.
        int whole = inputs / 16 * 16, steps = whole / 16;
        float[] expected = new float[packed.Length];
        for (int j0 = 0, width; j0 < outputs; j0 += width)
        {
            int vectors = (outputs - j0 + 15) / 16;
            width = vectors == 4 && Simd.Width == 512 ? 32 : Math.Min(48, vectors * 16);
            int tile = Simd.Width == 512 ? width : width == 48 ? 24 : 16;
            for (int o = 0; o < width; o += tile)
            {
                for (int p = 0; p < inputs; p++)
                {
                    int row = p < whole ? p % 16 * steps + p / 16 : p;
                    for (int j = 0; j < tile; j++)
                    {
                        int output = j0 + o + j;
                        expected[(j0 + o) * inputs + row * tile + j] = output < outputs ? w[output * inputs + p] : 0f;
                    }
                }
            }
        }
        Assert.Equal(Bits(expected), Bits(packed));
    }

    /// <summary>
    /// The overload that reads packed weights, with the worker pool held so that it cannot split the product and runs the packed kernel
    /// (held by another test, the pool is as busy).
    /// </summary>
    private static void ForwardPacked(float[] x, float[] w, float[] packed, float[] bias, float[] y, int batch, int inputs, int outputs, bool relu)
    {
        bool held = NormReg.Runtime.WorkerPool.TryEnter(1);
        try
        {
            if (relu) Dense.ForwardReLU(x, w, packed, bias, y, batch, inputs, outputs);
            else Dense.Forward(x, w, packed, bias, y, batch, inputs, outputs);
        }
        finally
        {
            if (held) NormReg.Runtime.WorkerPool.Exit();
        }
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
