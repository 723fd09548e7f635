namespace Misuse;

/// <summary>Small synthetic data sets, row-major, drawn from a seed.</summary>
public static class Data
{
    /// <summary>12 account features; the class follows usage and tenure.</summary>
    public static (float[] Features, int[] Labels) Churn(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 12];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < 12; j++) features[i * 12 + j] = (float)(random.NextDouble() * (j + 1) * 10);
            float score = features[i * 12] / 10 - features[i * 12 + 1] / 20 + (float)random.NextDouble();
            labels[i] = score < 0.2f ? 0 : score < 0.8f ? 1 : 2;
        }
        return (features, labels);
    }

    /// <summary>20 credit features; the target is 1 when the applicant defaulted.</summary>
    public static (float[] Features, float[] Targets) Risk(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 20];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            float debt = 0;
            for (int j = 0; j < 20; j++)
            {
                features[i * 20 + j] = (float)random.NextDouble() * 1000;
                debt += j < 5 ? features[i * 20 + j] : 0;
            }
            targets[i] = debt > 2600 ? 1 : 0;
        }
        return (features, targets);
    }

    /// <summary>Demand in the last 6 weeks; the target is the next week's.</summary>
    public static (float[] Features, float[] Targets) Demand(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 6];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            float level = 100 + (float)random.NextDouble() * 50, trend = (float)random.NextDouble() * 4 - 2;
            for (int j = 0; j < 6; j++) features[i * 6 + j] = level + trend * j + (float)random.NextDouble() * 5;
            targets[i] = (level + trend * 6) / 100;
        }
        return (features, targets);
    }

    /// <summary>8×8 images of a bright stroke whose column is the digit, with noise.</summary>
    public static (float[] Features, int[] Labels) Digits(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 64];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(10);
            for (int p = 0; p < 64; p++)
            {
                features[i * 64 + p] = (float)random.NextDouble() * 4 + (p % 8 == labels[i] % 8 && p / 8 >= labels[i] / 8 ? 12 : 0);
            }
        }
        return (features, labels);
    }
}
