using System;
using System.Linq;
using NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// The register-blocked dense kernels against a naive double-precision reference, on shapes that exercise every
/// tile and remainder path (batch, inputs and outputs below, at and past multiples of 4, 8 and 32).
/// </summary>
public sealed class DenseKernelTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 3 }, { 1, 8, 4 }, { 1, 784, 256 }, { 2, 9, 5 }, { 3, 31, 33 }, { 4, 8, 32 },
        { 4, 64, 64 }, { 5, 17, 13 }, { 7, 100, 70 }, { 8, 3, 2 }, { 9, 40, 36 }, { 33, 65, 31 }, { 128, 64, 10 },
        { 200, 37, 9 }, { 6, 70, 300 }, // past one packed panel of 128 steps: dW sums over 200 samples, dx over 300 outputs
        { 130, 600, 5 }, { 6, 4100, 20 }, // more than one L2 block: of dW's 600 columns, of the forward's 20 weight rows
        // The tiles' remainders: 8-row (512-bit) and 6-row (256/128) tiles of x with 1–7 rows left, tiles of 3 and 2 weight rows with
        // one left, 48-, 16- and 8-column strips followed by 16-, 8- and 4-column vectors and 1–3 single columns, products of 65 to
        // 200 steps with 1–15 past the last whole sixteen.
        { 15, 67, 53 }, { 23, 130, 7 }, { 17, 33, 99 }, { 9, 200, 61 }, { 2, 65, 6 }, { 13, 16, 35 }, { 31, 81, 94 }, { 20, 45, 1 },
        // A head of few outputs on many rows, computed transposed: two blocks of 256 rows, the second of 43 (not a multiple of 4).
        { 299, 31, 3 }, { 64, 64, 8 },
        // The forward's rows of x copied to aligned scratch (more than one tile of rows, at least 64 weight rows), with whole sixteens
        // of steps (the totals stored a row of a tile at a time, the last tile's bias gathered one by one) and with 1–15 steps more.
        { 20, 96, 70 }, { 13, 80, 66 }, { 9, 129, 64 }, { 70, 96, 65 }, // the last: 64 rows copied, then 6
        // Batches of one and two, whose input gradients read each weight row whole: three panels of steps (the last of 44), and a
        // row 7 floats past the last whole vector; and two outputs, whose weight gradient (two rows) does, with the penalty.
        { 1, 130, 300 }, { 2, 71, 129 }, { 9, 200, 2 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_the_reference(int batch, int inputs, int outputs)
    {
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 1), Random(outputs * inputs, 2), Random(outputs, 3));
        var y = new float[batch * outputs];

        Dense.Forward(x, w, b, y, batch, inputs, outputs);

        AssertClose(Reference(batch, outputs, (n, o) => b[o] + Sum(inputs, i => (double)x[n * inputs + i] * w[o * inputs + i])), y, inputs);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_matches_the_reference(int batch, int inputs, int outputs)
    {
        (float[] x, float[] w, float[] dy) = (Random(batch * inputs, 4), Random(outputs * inputs, 5), Random(batch * outputs, 6));
        float[] dw = Filled(outputs * inputs), db = Filled(outputs), dx = Filled(batch * inputs);

        Dense.BackwardParameters(x, dy, dw, db, batch, inputs, outputs);
        Dense.BackwardInput(dy, w, dx, batch, inputs, outputs);

        AssertClose(Reference(outputs, inputs, (o, i) => Sum(batch, n => (double)dy[n * outputs + o] * x[n * inputs + i])), dw, batch);
        AssertClose(Reference(1, outputs, (_, o) => Sum(batch, n => dy[n * outputs + o])), db, batch);
        AssertClose(Reference(batch, inputs, (n, i) => Sum(outputs, o => (double)dy[n * outputs + o] * w[o * inputs + i])), dx, outputs);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_with_a_penalty_adds_its_gradient_to_every_weight(int batch, int inputs, int outputs)
    {
        (float[] x, float[] w, float[] dy) = (Random(batch * inputs, 7), Random(outputs * inputs, 8), Random(batch * outputs, 9));
        for (int i = 0; i < w.Length; i += 5) w[i] = 0; // sign(0) = 0
        float[] dw = Filled(outputs * inputs);
        const float l1 = 0.01f, l2 = 0.03f;

        Dense.BackwardParameters(x, dy, dw, default, batch, inputs, outputs, w, l1, l2);

        AssertClose(Reference(outputs, inputs, (o, i) =>
        {
            double weight = w[o * inputs + i];
            return Sum(batch, n => (double)dy[n * outputs + o] * x[n * inputs + i]) + l1 * Math.Sign(weight) + 2 * l2 * weight;
        }), dw, batch + 2);
    }

    [Theory]
    [InlineData(5, 70, 300, -1)]          // finite
    [InlineData(5, 70, 300, 3)]           // a NaN in x: one column of dW, tiled
    [InlineData(5, 70, 300, 69)]          // in the last column, past the tiles
    [InlineData(3, 9, 6, 4)]              // nine columns: a 4×8 tile, then the ninth alone
    [InlineData(200, 37, 9, 199 * 37)]    // in the second panel of 128 samples
    public void Backward_reports_whether_every_parameter_gradient_is_finite(int batch, int inputs, int outputs, int poisoned)
    {
        (float[] x, float[] dy) = (Random(batch * inputs, 14), Random(batch * outputs, 15));
        if (poisoned >= 0) x[poisoned] = float.NaN;
        float[] dw = Filled(outputs * inputs), db = Filled(outputs);

        bool finite = Dense.BackwardParameters(x, dy, dw, db, batch, inputs, outputs);

        Assert.Equal(dw.Concat(db).All(float.IsFinite), finite);
        Assert.Equal(poisoned < 0, finite);
    }

    [Fact]
    public void Backward_reports_gradients_that_overflow_and_a_penalty_that_does()
    {
        (float[] x, float[] dy) = (Enumerable.Repeat(3e38f, 2 * 40).ToArray(), Enumerable.Repeat(1f, 2 * 8).ToArray());
        float[] dw = new float[8 * 40], huge = Enumerable.Repeat(3e38f, 8 * 40).ToArray();

        Assert.False(Dense.BackwardParameters(x, dy, dw, default, 2, 40, 8));                                // 2 · 3e38 overflows
        Assert.False(Dense.BackwardParameters(x.AsSpan(0, 40), dy.AsSpan(0, 8), dw, default, 1, 40, 8, huge, 0f, 1f)); // 3e38 + 2 · 3e38
        Assert.True(Dense.BackwardParameters(x.AsSpan(0, 40), dy.AsSpan(0, 8), dw, default, 1, 40, 8));
    }

    [Fact]
    public void An_empty_batch_gives_zero_gradients_plus_the_penalty()
    {
        float[] w = Random(6 * 40, 13), dw = Filled(w.Length), plain = Filled(w.Length);

        Dense.BackwardParameters([], [], dw, default, 0, 40, 6, w, 0f, 0.5f);
        Dense.BackwardParameters([], [], plain, default, 0, 40, 6);

        Assert.Equal(w.Select(v => 2 * 0.5f * v).ToArray(), dw);
        Assert.All(plain, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(1030, 300, 5)] // one or two rows read each weight row whole; five use the tiles
    [InlineData(71, 129, 3)]
    [InlineData(200, 300, 7)]  // at 256 bits two tiles of 4 × 3 vectors, the second of 3 rows
    [InlineData(200, 300, 8)]
    [InlineData(200, 300, 16)] // two row groups read the weights in place (512 bits)
    [InlineData(200, 300, 20)] // three or more copy each strip of weights first
    public void An_input_gradient_gets_the_same_bits_whatever_its_batch(int inputs, int outputs, int batch)
    {
        (float[] dy, float[] w) = (Random(batch * outputs, 13), Random(outputs * inputs, 14));
        var together = new float[batch * inputs];
        Dense.BackwardInput(dy, w, together, batch, inputs, outputs);

        for (int n = 0; n < batch; n++)
        {
            var alone = new float[inputs];
            Dense.BackwardInput(dy.AsSpan(n * outputs, outputs), w, alone, 1, inputs, outputs);
            Assert.Equal(together.AsSpan(n * inputs, inputs).ToArray(), alone);
            int first = n / 2 * 2, count = Math.Min(2, batch - first);
            var pair = new float[count * inputs];
            Dense.BackwardInput(dy.AsSpan(first * outputs, count * outputs), w, pair, count, inputs, outputs);
            Assert.Equal(alone, pair.AsSpan(n % 2 * inputs, inputs).ToArray());
        }
    }

    [Theory]
    [InlineData(784, 256, 11)] // 4x4 tiles, then a 3-row remainder
    [InlineData(31, 13, 11)]
    [InlineData(5, 3, 11)]
    [InlineData(31, 3, 37)]    // a head of few outputs: computed transposed on the whole batch, not on one or two rows
    public void A_sample_gets_the_same_bits_whatever_its_batch(int inputs, int outputs, int batch)
    {
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 10), Random(outputs * inputs, 11), Random(outputs, 12));
        var together = new float[batch * outputs];
        Dense.Forward(x, w, b, together, batch, inputs, outputs);

        for (int n = 0; n < batch; n++)
        {
            var alone = new float[outputs];
            Dense.Forward(x.AsSpan(n * inputs, inputs), w, b, alone, 1, inputs, outputs);
            Assert.Equal(alone, together.AsSpan(n * outputs, outputs).ToArray());
            var pair = new float[2 * outputs];
            Dense.Forward(x.AsSpan(n / 2 * 2 * inputs, Math.Min(2, batch - n / 2 * 2) * inputs), w, b, pair, Math.Min(2, batch - n / 2 * 2), inputs, outputs);
            Assert.Equal(alone, pair.AsSpan(n % 2 * outputs, outputs).ToArray());
        }
    }

    [Theory]
    [InlineData(1, 96, 64)]   // one row of x, four weight rows at a time
    [InlineData(3, 128, 70)]  // fewer rows than a tile
    [InlineData(13, 80, 66)]  // a tile and five rows more
    [InlineData(20, 256, 99)]
    [InlineData(67, 96, 64)]  // 64 rows copied, then 3
    [InlineData(9, 100, 64)]  // steps past the last whole sixteen: loaded where they are
    public void Forward_gives_the_same_bits_wherever_its_arrays_start(int batch, int inputs, int outputs)
    {
        // The forward may load from before and after each weight row (to start every load on a cache line, whatever the rows' offset in
        // one); NaN around both arrays shows any value from outside them that reaches a sum.
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 20), Random(outputs * inputs, 21), Random(outputs, 22));
        float[]? first = null;
        for (int offset = 0; offset < 16; offset++)
        {
            float[] xs = Filled(x.Length + 32), ws = Filled(w.Length + 32), y = Filled(batch * outputs);
            int xOffset = 16 + offset * 7 % 16, wOffset = 16 + offset;
            x.CopyTo(xs, xOffset);
            w.CopyTo(ws, wOffset);

            Dense.Forward(xs.AsSpan(xOffset, x.Length), ws.AsSpan(wOffset, w.Length), b, y, batch, inputs, outputs);

            first ??= y;
            AssertClose(Reference(batch, outputs, (n, o) => b[o] + Sum(inputs, i => (double)x[n * inputs + i] * w[o * inputs + i])), y, inputs);
            Assert.Equal(first.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void Products_that_round_to_minus_zero_sum_to_minus_zero_wherever_the_weights_start()
    {
        // Each product, −10⁻⁶⁰, rounds to −0, and so do their sums (exactly −9.6·10⁻⁵⁹ in double precision): no step the kernel adds
        // around a row that it shifted may turn a −0 into +0.
        const int batch = 2, inputs = 96, outputs = 64;
        float[] x = Enumerable.Repeat(1e-30f, batch * inputs).ToArray(), w = Enumerable.Repeat(-1e-30f, outputs * inputs).ToArray();
        Assert.Equal(-0f, (float)(inputs * (1e-30 * -1e-30)));
        for (int offset = 0; offset < 16; offset++)
        {
            float[] ws = new float[w.Length + 16], y = Filled(batch * outputs);
            w.CopyTo(ws, offset);

            Dense.Forward(x, ws.AsSpan(offset, w.Length), default, y, batch, inputs, outputs);

            Assert.All(y, v => Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(v)));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Spans_shorter_than_the_shape_are_rejected_before_any_write(bool relu)
    {
        var y = new float[4];

        var e = Assert.Throws<ArgumentException>(() =>
        {
            if (relu) Dense.ForwardReLU(new float[6], new float[6], default, y, 2, 3, 2 + 1);
            else Dense.Forward(new float[6], new float[6], default, y, 2, 3, 2 + 1);
        });

        Assert.Contains("weights must hold at least 9 values; got 6", e.Message);
        Assert.All(y, v => Assert.Equal(0, v));
    }

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
    }

    /// <summary>Garbage the kernels must overwrite.</summary>
    private static float[] Filled(int count) => Enumerable.Repeat(float.NaN, count).ToArray();

    private static double Sum(int count, Func<int, double> term) => Enumerable.Range(0, count).Sum(term);

    private static double[] Reference(int rows, int columns, Func<int, int, double> value) =>
        Enumerable.Range(0, rows * columns).Select(k => value(k / columns, k % columns)).ToArray();

    /// <summary>Float accumulation of <paramref name="terms"/> products of values in [−1, 1]: errors grow with √terms.</summary>
    private static void AssertClose(double[] expected, float[] actual, int terms)
    {
        Assert.Equal(expected.Length, actual.Length);
        double tolerance = 1e-6 * Math.Max(1, terms);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}]: expected {expected[i]:G9}, got {actual[i]:G9}");
    }
}
