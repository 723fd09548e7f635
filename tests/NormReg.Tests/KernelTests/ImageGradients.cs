using System;
using System.Collections.Generic;
using System.Linq;

namespace NormReg.Tests.KernelTests;

/// <summary>Central differences of a double-precision reference loss, and the comparison the image kernel tests share.</summary>
internal static class ImageGradients
{
    /// <summary>Uniform values in [−1, 1) from a fixed seed.</summary>
    public static float[] Random(int length, int seed, float scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
    }

    /// <summary>All indices below 64 values, else 64 spread over the range (first and last included).</summary>
    public static int[] Sampled(int length) =>
        length <= 64 ? Enumerable.Range(0, length).ToArray() : Enumerable.Range(0, 64).Select(i => (int)((long)i * (length - 1) / 63)).Distinct().ToArray();

    /// <summary>
    /// Compares <paramref name="gradient"/> at the <see cref="Sampled"/> indices with <c>(L(v + h) − L(v − h))/2h</c> of
    /// <paramref name="loss"/>, which reads <paramref name="values"/> (perturbed in place, then restored). Returns the mismatches.
    /// </summary>
    public static List<string> Mismatches(string what, double[] values, ReadOnlySpan<float> gradient, Func<double> loss, double h = 1e-4, double tolerance = 1e-4)
    {
        var mismatches = new List<string>();
        foreach (int i in Sampled(values.Length))
        {
            double kept = values[i];
            values[i] = kept + h;
            double plus = loss();
            values[i] = kept - h;
            double minus = loss();
            values[i] = kept;
            double numeric = (plus - minus) / (2 * h);
            if (!(Math.Abs(numeric - gradient[i]) <= tolerance * (1 + Math.Abs(numeric)))) mismatches.Add($"{what}[{i}]: central difference {numeric:G9}, kernel {gradient[i]:G9}");
        }
        return mismatches;
    }

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);
}
