using System;

namespace NormReg.Demo.Data;

/// <summary>
/// Tabular data on wildly different scales, as raw business or sensor columns often are: two informative columns, one in
/// the thousands and one around 1e-3, and six nuisance columns of pure noise around large offsets. The class is which side
/// of a wavy boundary the two informative columns fall on, so a model must use both: the large column alone gets about 70 %.
/// </summary>
public static class BadlyScaledTable
{
    /// <summary>Columns per sample.</summary>
    public const int FeatureCount = 8;

    /// <summary>Classes: below or above the boundary.</summary>
    public const int ClassCount = 2;

    // Column j is Offsets[j] + Scales[j]·z with z standard normal; columns 0 and 1 carry the signal.
    private static readonly double[] Offsets = [1500, 0.002, 800, -300, 120, 50, -600, 200];
    private static readonly double[] Scales = [400, 0.0008, 5, 20, 1, 3, 10, 2];

    /// <summary>
    /// <paramref name="count"/> samples: column 0 is 1500 ± 400 and column 1 is 0.002 ± 0.0008 (both informative), columns 2–7
    /// are noise around offsets from −600 to 800. With standardized columns a and b, the class is 1 when b &gt; 0.8·sin(1.5·a).
    /// </summary>
    public static Dataset Generate(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * FeatureCount];
        var labels = new int[count];
        Span<double> z = stackalloc double[FeatureCount];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                z[j] = random.NextGaussian();
                features[i * FeatureCount + j] = (float)(Offsets[j] + Scales[j] * z[j]);
            }
            labels[i] = z[1] > 0.8 * Math.Sin(1.5 * z[0]) ? 1 : 0;
        }
        return new Dataset(features, labels, FeatureCount);
    }
}
