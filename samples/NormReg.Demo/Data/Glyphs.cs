using System;

namespace NormReg.Demo.Data;

/// <summary>
/// Small grey line drawings on a 1 × 20 × 20 canvas, six classes: L, T, plus, arrow, triangle and ring, each at a random size,
/// position, stroke width and brightness, with Gaussian pixel noise. The classes stay apart under any flip and under rotations
/// of up to ±30° (no class is another's mirror image or quarter turn: there is no J, no ⊥, no ×), so a flipped or rotated L is
/// still an L. Drawn upright (canonical), or flipped, rotated and shifted (transformed): the view a network trained only
/// on upright glyphs has not seen.
/// </summary>
public static class Glyphs
{
    /// <summary>Canvas height and width in pixels.</summary>
    public const int Size = 20;

    /// <summary>Values per sample: one channel of <see cref="Size"/> × <see cref="Size"/>.</summary>
    public const int FeatureCount = Size * Size;

    /// <summary>The class names, in label order.</summary>
    public static readonly string[] ClassNames = ["L", "T", "plus", "arrow", "triangle", "ring"];

    /// <summary>Classes.</summary>
    public static int ClassCount => ClassNames.Length;

    /// <summary>The largest rotation of a transformed glyph, in degrees either way.</summary>
    public const double MaxRotationDegrees = 30;

    /// <summary>The largest extra shift of a transformed glyph, in pixels along each axis.</summary>
    public const double MaxShift = 3;

    /// <summary>Pixel noise, the standard deviation of the Gaussian added to every pixel.</summary>
    public const double Noise = 0.1;

    private const int RingSides = 24;

    // Each class as strokes (x0, y0, x1, y1) in a [−1, 1]² frame, y pointing down as rows do.
    private static readonly double[][] Strokes =
    [
        [-0.6, -1, -0.6, 1, -0.6, 1, 0.8, 1],                                   // L
        [-1, -1, 1, -1, 0, -1, 0, 1],                                           // T
        [-1, 0, 1, 0, 0, -1, 0, 1],                                             // plus
        [-1, 0, 1, 0, 1, 0, 0.3, -0.6, 1, 0, 0.3, 0.6],                         // arrow, pointing right
        [0, -1, 1, 0.8, 1, 0.8, -1, 0.8, -1, 0.8, 0, -1],                       // triangle, pointing up
        Ring(),                                                                 // ring
    ];

    /// <summary>
    /// <paramref name="perClass"/> glyphs of each class, classes interleaved. Each is scaled to a half-size of 4.5–7 pixels,
    /// centred within ±1 pixel of the canvas centre, drawn with a stroke 1.2–1.8 pixels wide at brightness 0.7–1, plus noise.
    /// If <paramref name="transformed"/>, each is also mirrored left–right and top–bottom with probability ½ each, rotated by
    /// up to ±<see cref="MaxRotationDegrees"/>° and shifted by up to ±<see cref="MaxShift"/> pixels, so parts may leave the canvas.
    /// </summary>
    public static Dataset Generate(int perClass, bool transformed, int seed)
    {
        var random = new Random(seed);
        int count = perClass * ClassCount;
        var features = new float[count * FeatureCount];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % ClassCount;
            double scale = Uniform(random, 4.5, 7);
            double centreX = (Size - 1) / 2.0 + Uniform(random, -1, 1), centreY = (Size - 1) / 2.0 + Uniform(random, -1, 1);
            double halfWidth = Uniform(random, 0.6, 0.9), brightness = Uniform(random, 0.7, 1);
            // The map from the glyph's frame to pixels: (x, y) → scale·R·F·(x, y) + centre.
            double xx = scale, xy = 0, yx = 0, yy = scale;
            if (transformed)
            {
                double flipX = random.NextDouble() < 0.5 ? -1 : 1, flipY = random.NextDouble() < 0.5 ? -1 : 1;
                double angle = Uniform(random, -MaxRotationDegrees, MaxRotationDegrees) * Math.PI / 180;
                (double cos, double sin) = (Math.Cos(angle), Math.Sin(angle));
                (xx, xy, yx, yy) = (scale * cos * flipX, -scale * sin * flipY, scale * sin * flipX, scale * cos * flipY);
                centreX += Uniform(random, -MaxShift, MaxShift);
                centreY += Uniform(random, -MaxShift, MaxShift);
            }

            double[] strokes = Strokes[label];
            Span<float> image = features.AsSpan(n * FeatureCount, FeatureCount);
            for (int i = 0; i < Size; i++)
            {
                for (int j = 0; j < Size; j++)
                {
                    double distance = double.PositiveInfinity;
                    for (int k = 0; k < strokes.Length; k += 4)
                    {
                        double x0 = xx * strokes[k] + xy * strokes[k + 1] + centreX, y0 = yx * strokes[k] + yy * strokes[k + 1] + centreY;
                        double x1 = xx * strokes[k + 2] + xy * strokes[k + 3] + centreX, y1 = yx * strokes[k + 2] + yy * strokes[k + 3] + centreY;
                        distance = Math.Min(distance, DistanceToSegment(j, i, x0, y0, x1, y1));
                    }
                    // Anti-aliased: full brightness within the stroke, fading to 0 over the next pixel.
                    double ink = Math.Clamp(halfWidth + 0.5 - distance, 0, 1);
                    image[i * Size + j] = (float)(brightness * ink + Noise * random.NextGaussian());
                }
            }
            labels[n] = label;
        }
        return new Dataset(features, labels, FeatureCount);
    }

    private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

    private static double DistanceToSegment(double x, double y, double x0, double y0, double x1, double y1)
    {
        double dx = x1 - x0, dy = y1 - y0;
        double t = Math.Clamp(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0, 1);
        return Math.Sqrt(Math.Pow(x - x0 - t * dx, 2) + Math.Pow(y - y0 - t * dy, 2));
    }

    private static double[] Ring()
    {
        var strokes = new double[4 * RingSides];
        for (int k = 0; k < RingSides; k++)
        {
            double a0 = 2 * Math.PI * k / RingSides, a1 = 2 * Math.PI * (k + 1) / RingSides;
            (strokes[4 * k], strokes[4 * k + 1], strokes[4 * k + 2], strokes[4 * k + 3]) =
                (0.9 * Math.Cos(a0), 0.9 * Math.Sin(a0), 0.9 * Math.Cos(a1), 0.9 * Math.Sin(a1));
        }
        return strokes;
    }
}
