using System;

namespace IdeTour;

/// <summary>
/// Synthetic sensor readings of a machine, one row of 8 features per sample, on very different scales (a vibration around
/// 0.002 g next to a pressure around 101,000 Pa): what <c>[ZScore]</c> is for.
/// </summary>
public static class MachineData
{
    /// <summary>The classes, in label order.</summary>
    public static readonly string[] States = ["idle", "running", "faulty"];

    public const int Features = 8;

    /// <summary><paramref name="count"/> samples drawn from <paramref name="seed"/>: features row-major and a label per sample.</summary>
    public static (float[] Features, int[] Labels) Generate(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * Features];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int state = random.Next(States.Length);
            labels[i] = state;
            Span<float> row = features.AsSpan(i * Features, Features);
            // Normal(mean, deviation), each given per state as By(state, idle, running, faulty).
            row[0] = Normal(random, By(state, 35, 62, 70), By(state, 3, 4, 6));                        // temperature, °C
            row[1] = Normal(random, By(state, 8e-4, 2.1e-3, 4.5e-3), By(state, 3e-4, 4e-4, 1.2e-3));   // vibration, g RMS
            row[2] = Normal(random, By(state, 40, 1480, 1420), By(state, 30, 60, 150));                // speed, rpm
            row[3] = Normal(random, By(state, 0.6, 11.5, 13), By(state, 0.2, 1, 1.5));                 // current, A
            row[4] = Normal(random, 101_325, 800);                                                      // pressure, Pa: no signal
            row[5] = Normal(random, 45, 10);                                                            // humidity, %: no signal
            row[6] = (float)(random.NextDouble() * By(state, 4000, 4000, 6000));                        // hours since service
            row[7] = Normal(random, 22, 4);                                                             // ambient temperature, °C: no signal
        }
        return (features, labels);
    }

    /// <summary>The value for <paramref name="state"/>: idle, running or faulty.</summary>
    private static double By(int state, double idle, double running, double faulty) => state switch { 0 => idle, 1 => running, _ => faulty };

    /// <summary>A normal draw (Box–Muller).</summary>
    private static float Normal(Random random, double mean, double deviation) =>
        (float)(mean + deviation * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
