using System;
using System.Linq;
using NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// bfloat16 rounding against the nearest value found in double precision (ties to even), the widening loads of every SIMD width
/// against the value each bit pattern stands for, and the bfloat16 forward kernel against the float kernel and a double reference.
/// </summary>
public sealed class BFloat16KernelTests
{
    [Fact]
    public void Round_gives_the_nearest_bfloat16_with_ties_to_even()
    {
        float[] edges =
        [
            0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, -float.MaxValue, 1f, -1f, 1f + MathF.Pow(2, -8), 1f + 3 * MathF.Pow(2, -8),
            1f + MathF.Pow(2, -8) + MathF.Pow(2, -20), BitConverter.UInt32BitsToSingle(0x3F808000), BitConverter.UInt32BitsToSingle(0x3F818000),
            BitConverter.UInt32BitsToSingle(0x7F7F8000), BitConverter.UInt32BitsToSingle(0x7F7F7FFF), BitConverter.UInt32BitsToSingle(0x00008000),
            BitConverter.UInt32BitsToSingle(0x0001FFFF), BitConverter.UInt32BitsToSingle(0x807FFFFF),
        ];
        var random = new Random(5);
        float[] drawn = [.. Enumerable.Range(0, 50_000).Select(_ => BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32))).Where(float.IsFinite)];

        foreach (float value in edges.Concat(drawn))
        {
            ushort expected = Nearest(value);
            Assert.True(BFloat16.Round(value) == expected, $"{value:R} (0x{BitConverter.SingleToUInt32Bits(value):X8}): expected 0x{expected:X4}, got 0x{BFloat16.Round(value):X4}.");
        }
    }

    [Fact]
    public void Round_keeps_infinities_and_NaNs()
    {
        Assert.Equal(0x7F80, BFloat16.Round(float.PositiveInfinity));
        Assert.Equal(0xFF80, BFloat16.Round(float.NegativeInfinity));
        foreach (uint bits in new uint[] { 0x7FC00000, 0x7F800001, 0xFF800001, 0x7FBFFFFF, 0xFFC00000 })
        {
            ushort rounded = BFloat16.Round(BitConverter.UInt32BitsToSingle(bits));
            Assert.True(double.IsNaN(Exact(rounded)), $"0x{bits:X8} became 0x{rounded:X4}, not a NaN.");
            Assert.Equal(bits >> 31, (uint)rounded >> 15);
        }
    }

    [Fact]
    public void Loads_of_every_width_widen_each_value_exactly()
    {
        var random = new Random(6);
        ushort[] bits = [.. Enumerable.Range(0, 40).Select(_ => (ushort)random.Next(0x10000)), 0x7F80, 0xFF80, 0x0001, 0x8000];
        for (int offset = 0; offset + 16 <= bits.Length; offset += 5)
        {
            AssertWidened<V128>(bits, offset);
            AssertWidened<V256>(bits, offset);
            AssertWidened<V512>(bits, offset);
        }
    }

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 65, 1 }, { 1, 100, 7 }, { 1, 784, 256 }, { 2, 129, 5 }, { 3, 80, 33 }, { 4, 96, 8 }, { 5, 200, 13 }, { 9, 70, 36 }, { 6, 4100, 20 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_gives_the_float_kernels_bits_on_the_widened_weights_and_stays_within_the_rounding_bound(int batch, int inputs, int outputs)
    {
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 1), Random(outputs * inputs, 2), Random(outputs, 3));
        ushort[] reduced = new ushort[w.Length];
        BFloat16.Round(w, reduced);
        float[] widened = [.. reduced.Select(v => (float)Exact(v))];
        float[] y = [.. Enumerable.Repeat(float.NaN, batch * outputs)], fromFloats = new float[batch * outputs];

        Dense.Forward(x, reduced, b, y, batch, inputs, outputs);
        Dense.Forward(x, widened, b, fromFloats, batch, inputs, outputs);

        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(fromFloats[i]), BitConverter.SingleToInt32Bits(y[i]));
            int n = i / outputs, o = i % outputs;
            double exact = b[o], magnitude = Math.Abs(b[o]);
            for (int p = 0; p < inputs; p++)
            {
                double product = (double)x[n * inputs + p] * w[o * inputs + p];
                exact += product;
                magnitude += Math.Abs(product);
            }
            // Each weight is off by at most 2⁻⁸ of itself; the float sum of k + 1 terms adds at most (k + 1)·2⁻²⁴ of the magnitudes, those of the rounded weights (1 + 2⁻⁸ times larger).
            double bound = Math.Pow(2, -8) * magnitude + (inputs + 1) * Math.Pow(2, -24) * (1 + Math.Pow(2, -8)) * magnitude;
            Assert.True(Math.Abs(y[i] - exact) <= bound, $"[{i}]: {y[i]:G9} against {exact:G9}, beyond {bound:G3}.");
        }
    }

    [Theory]
    [InlineData(1, 96, 64)]
    [InlineData(13, 128, 66)]
    public void Forward_gives_the_float_kernels_bits_wherever_the_weights_start(int batch, int inputs, int outputs)
    {
        // Sixteen offsets cover every start of a row within the 32 bytes a 512-bit load of bfloat16 takes; NaN (0x7FC0) around the
        // weights shows any value loaded from outside them that reaches a sum.
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 7), Random(outputs * inputs, 8), Random(outputs, 9));
        ushort[] reduced = new ushort[w.Length];
        BFloat16.Round(w, reduced);
        float[] fromFloats = new float[batch * outputs];
        Dense.Forward(x, [.. reduced.Select(v => (float)Exact(v))], b, fromFloats, batch, inputs, outputs);
        for (int offset = 0; offset < 16; offset++)
        {
            ushort[] placed = [.. Enumerable.Repeat((ushort)0x7FC0, reduced.Length + 32)];
            reduced.CopyTo(placed, 16 + offset);
            float[] y = [.. Enumerable.Repeat(float.NaN, batch * outputs)];

            Dense.Forward(x, placed.AsSpan(16 + offset, reduced.Length), b, y, batch, inputs, outputs);

            Assert.Equal(fromFloats.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void Forward_refuses_depths_the_bfloat16_kernel_does_not_take()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Dense.Forward(new float[64], new ushort[64], default, new float[1], 1, 64, 1));
    }

    /// <summary>The value of a bfloat16 from its fields, in double precision; infinity counts as 2¹²⁸, where rounding to nearest overflows.</summary>
    internal static double Exact(ushort bits)
    {
        int sign = bits >> 15 == 1 ? -1 : 1, exponent = (bits >> 7) & 0xFF, mantissa = bits & 0x7F;
        if (exponent == 0xFF) return mantissa == 0 ? sign * Math.Pow(2, 128) : double.NaN;
        return exponent == 0 ? sign * Math.ScaleB(mantissa, -133) : sign * Math.ScaleB(1 + mantissa / 128.0, exponent - 127);
    }

    /// <summary>Of the two bfloat16 values around <paramref name="value"/> (its bits cut to 16, and the next one away from zero), the nearer; on a tie, the even one.</summary>
    internal static ushort Nearest(float value)
    {
        ushort below = (ushort)(BitConverter.SingleToUInt32Bits(value) >> 16), above = (ushort)(below + 1);
        double toBelow = Math.Abs(value - Exact(below)), toAbove = Math.Abs(Exact(above) - value);
        return toBelow < toAbove ? below : toAbove < toBelow ? above : (below & 1) == 0 ? below : above;
    }

    private static void AssertWidened<T>(ushort[] bits, int offset) where T : struct, IVector<T>
    {
        var lanes = new float[T.Count];
        T.Store(T.LoadBFloat16(ref bits[0], (nuint)offset), ref lanes[0], 0);
        for (int l = 0; l < T.Count; l++)
        {
            double expected = Exact(bits[offset + l]);
            double actual = double.IsInfinity(lanes[l]) ? Math.Sign(lanes[l]) * Math.Pow(2, 128) : lanes[l];
            Assert.True(expected.Equals(actual) || double.IsNaN(expected) && double.IsNaN(actual), $"{typeof(T).Name} lane {l} of 0x{bits[offset + l]:X4}: {actual:R}, expected {expected:R}.");
        }
    }

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(2 * random.NextDouble() - 1))];
    }
}
