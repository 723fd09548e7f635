using System;

namespace NormReg.Demo.Data;

/// <summary>
/// Two interleaved <see cref="Spirals"/> arms hidden among nuisance columns, with optional label noise: a small, noisy
/// training set that a big network can memorize instead of learning the arms.
/// </summary>
public static class NoisySpirals
{
    /// <summary>Spiral arms, and so classes.</summary>
    public const int ClassCount = 2;

    /// <summary>Nuisance columns after the two spiral coordinates.</summary>
    public const int NuisanceCount = 10;

    /// <summary>Columns per sample: the spiral's (x, y), then the nuisance columns.</summary>
    public const int FeatureCount = 2 + NuisanceCount;

    /// <summary>
    /// <paramref name="perClass"/> points per arm in random order. Columns 0–1 are the spiral point (angle jitter 0.2),
    /// columns 2–11 are independent N(0, 0.5²) noise. With probability <paramref name="labelNoise"/> a label is replaced by a
    /// class drawn uniformly at random (scikit-learn's <c>flip_y</c>), so about half of those end up wrong.
    /// </summary>
    public static Dataset Generate(int perClass, double labelNoise, int seed)
    {
        (float[] points, int[] arms) = Spirals.Generate(perClass, ClassCount, noise: 0.2, seed);
        var random = new Random(unchecked(seed * 7919 + 17));
        int count = arms.Length;
        int[] order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        random.Shuffle(order);

        var features = new float[count * FeatureCount];
        var labels = new int[count];
        for (int k = 0; k < count; k++)
        {
            int source = order[k];
            Span<float> row = features.AsSpan(k * FeatureCount, FeatureCount);
            row[0] = points[2 * source];
            row[1] = points[2 * source + 1];
            for (int j = 2; j < FeatureCount; j++) row[j] = (float)(0.5 * random.NextGaussian());
            labels[k] = random.NextDouble() < labelNoise ? random.Next(ClassCount) : arms[source];
        }
        return new Dataset(features, labels, FeatureCount);
    }
}
