using System;
using System.Linq;
using NormReg.Kernels;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// The forward kernel of the 128-bit path without FMA (<c>Gemm.Dot.NoFma.cs</c>), called directly: it has no fused multiply-add, so it
/// gives that path's bits in this process too. Shapes reach every tile and remainder: 6-row tiles, 3 to 5 rows left, 2 × 4 and 1 × 8
/// tiles for one or two rows; a column past the last pair, four or eight; 0 to 3 steps past the last whole four; weight rows in more than
/// one block. With and without a bias, in float and bfloat16 weights: against a double-precision reference, and bit for bit against the
/// order the kernel documents, computed here one element at a time, so no batch size or split of the columns can change a result.
/// </summary>
public sealed class UnfusedForwardKernelTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 9 }, { 2, 15, 5 }, { 3, 16, 3 }, { 4, 17, 8 }, { 5, 65, 7 }, { 6, 70, 2 }, { 7, 203, 17 }, { 9, 40, 11 },
        { 10, 33, 6 }, { 11, 21, 9 }, { 12, 66, 31 }, { 13, 99, 12 }, { 1, 784, 37 }, { 2, 100, 13 },
        { 1, 4100, 20 }, { 2, 4100, 20 }, { 6, 4100, 20 }, // blocks of 8 weight rows: 8, 8 and 4
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_the_reference_with_and_without_a_bias_in_float_and_bfloat16_weights(int batch, int inputs, int outputs)
    {
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 1), Random(outputs * inputs, 2), Random(outputs, 3));
        ushort[] reduced = new ushort[w.Length];
        BFloat16.Round(w, reduced);
        float[] widened = [.. reduced.Select(v => (float)BFloat16KernelTests.Exact(v))];

        foreach (bool bias in new[] { true, false })
        {
            float[] y = Filled(batch * outputs), fromReduced = Filled(batch * outputs);
            Gemm.MultiplyTransposedUnfused(x, w, bias ? b : default, y, batch, outputs, inputs, 0, outputs);
            Gemm.MultiplyTransposedUnfused(x, reduced, bias ? b : default, fromReduced, batch, outputs, inputs, 0, outputs);

            AssertWithinRoundingBound(x, w, bias ? b : null, y, batch, inputs, outputs);
            AssertWithinRoundingBound(x, widened, bias ? b : null, fromReduced, batch, inputs, outputs);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gives_the_bits_of_its_order_whatever_the_columns_a_part_computes(int batch, int inputs, int outputs)
    {
        (float[] x, float[] w, float[] b) = (Random(batch * inputs, 4), Random(outputs * inputs, 5), Random(outputs, 6));
        ushort[] reduced = new ushort[w.Length];
        BFloat16.Round(w, reduced);
        float[] widened = [.. reduced.Select(v => (float)BFloat16KernelTests.Exact(v))];
        int cut = outputs / 3; // not a multiple of any tile's width in most shapes

        foreach (bool bias in new[] { true, false })
        {
            float[] whole = Filled(batch * outputs), parts = Filled(batch * outputs), reducedWhole = Filled(batch * outputs);
            Gemm.MultiplyTransposedUnfused(x, w, bias ? b : default, whole, batch, outputs, inputs, 0, outputs);
            Gemm.MultiplyTransposedUnfused(x, w, bias ? b : default, parts, batch, outputs, inputs, 0, cut);
            Assert.All(Enumerable.Range(0, batch * outputs).Where(i => i % outputs >= cut), i => Assert.True(float.IsNaN(parts[i]), $"column {i % outputs} written by the part that ends at {cut}."));
            Gemm.MultiplyTransposedUnfused(x, w, bias ? b : default, parts, batch, outputs, inputs, cut, outputs);
            Gemm.MultiplyTransposedUnfused(x, reduced, bias ? b : default, reducedWhole, batch, outputs, inputs, 0, outputs);

            for (int i = 0; i < batch * outputs; i++)
            {
                int n = i / outputs, o = i % outputs;
                float expected = Ordered(x, n * inputs, w, o * inputs, inputs, bias ? b[o] : null);
                float expectedReduced = Ordered(x, n * inputs, widened, o * inputs, inputs, bias ? b[o] : null);
                Assert.True(Same(expected, whole[i]), $"bias {bias}, [{n}, {o}]: {whole[i]:R}, the order gives {expected:R}.");
                Assert.True(Same(expected, parts[i]), $"bias {bias}, [{n}, {o}] in columns cut at {cut}: {parts[i]:R}, the order gives {expected:R}.");
                Assert.True(Same(expectedReduced, reducedWhole[i]), $"bias {bias}, bfloat16 [{n}, {o}]: {reducedWhole[i]:R}, the order gives {expectedReduced:R}.");
            }
        }
    }

    /// <summary>
    /// The documented order in scalars, each operation rounded to float: four lanes, lane <c>l</c> adding the products of steps
    /// <c>p ≡ l (mod 4)</c> in order; <c>(e0 + e1) + (e2 + e3)</c>; the steps past the last whole four in order; the bias.
    /// </summary>
    private static float Ordered(float[] x, int xAt, float[] w, int wAt, int k, float? bias)
    {
        var lanes = new float[4];
        int whole = k - k % 4;
        for (int p = 0; p < whole; p++) lanes[p % 4] = (float)(lanes[p % 4] + (float)(x[xAt + p] * w[wAt + p]));
        float t = (float)((float)(lanes[0] + lanes[1]) + (float)(lanes[2] + lanes[3]));
        for (int p = whole; p < k; p++) t = (float)(t + (float)(x[xAt + p] * w[wAt + p]));
        return bias is float add ? (float)(t + add) : t;
    }

    /// <summary>
    /// Every output within the bound of a float dot product whose products are rounded before they are added: (k + 2)·2⁻²⁴ of the sum of
    /// the terms' magnitudes (the bias included), whatever the order.
    /// </summary>
    private static void AssertWithinRoundingBound(float[] x, float[] w, float[]? b, float[] y, int batch, int inputs, int outputs)
    {
        for (int i = 0; i < batch * outputs; i++)
        {
            int n = i / outputs, o = i % outputs;
            double exact = b?[o] ?? 0, magnitude = Math.Abs(b?[o] ?? 0);
            for (int p = 0; p < inputs; p++)
            {
                double product = (double)x[n * inputs + p] * w[o * inputs + p];
                exact += product;
                magnitude += Math.Abs(product);
            }
            double bound = (inputs + 2) * Math.Pow(2, -24) * magnitude;
            Assert.True(Math.Abs(y[i] - exact) <= bound, $"[{n}, {o}]{(b is null ? " without a bias" : "")}: {y[i]:G9} against {exact:G9}, beyond {bound:G3}.");
        }
    }

    private static bool Same(float expected, float actual) => BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual);

    /// <summary>Garbage the kernel must overwrite.</summary>
    private static float[] Filled(int count) => [.. Enumerable.Repeat(float.NaN, count)];

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(2 * random.NextDouble() - 1))];
    }
}
