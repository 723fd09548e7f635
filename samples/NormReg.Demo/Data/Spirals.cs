using System;

namespace NormReg.Demo.Data;

/// <summary>
/// Interleaved spirals in the plane, one arm per class (the classic CS231n toy problem): no straight line
/// separates them, so a network must learn a non-linear boundary.
/// </summary>
public static class Spirals
{
    /// <summary>
    /// <paramref name="perClass"/> points on each of <paramref name="classes"/> arms, with Gaussian jitter
    /// <paramref name="noise"/> on the angle. Features are (x, y) row-major; labels are the arm index.
    /// </summary>
    public static (float[] Features, int[] Labels) Generate(int perClass, int classes, double noise, int seed)
    {
        var random = new Random(seed);
        int count = perClass * classes;
        var features = new float[count * 2];
        var labels = new int[count];
        for (int c = 0; c < classes; c++)
        {
            for (int i = 0; i < perClass; i++)
            {
                int n = c * perClass + i;
                double radius = (double)i / perClass;
                double angle = c * 4.0 + radius * 4.0 + noise * Gaussian(random);
                features[2 * n] = (float)(radius * Math.Sin(angle));
                features[2 * n + 1] = (float)(radius * Math.Cos(angle));
                labels[n] = c;
            }
        }
        return (features, labels);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
