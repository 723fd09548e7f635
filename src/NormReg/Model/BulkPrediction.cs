using System;

namespace NormReg;

/// <summary>
/// Predicting a whole data set in one call, in the shapes .NET code holds it: a flat row-major <c>float[]</c>, a
/// <c>float[,]</c> of samples × features, or a <c>float[][]</c> of samples. The network runs in inference mode, in
/// chunks of its <c>MaxBatchSize</c>; each call allocates its result (the span overloads of <c>Predict</c> allocate nothing).
/// Keras: <c>model.predict(x)</c>.
/// </summary>
public static class BulkPrediction
{
    /// <summary>The outputs of every sample of <paramref name="features"/> (row-major, a multiple of InputSize values), row-major.</summary>
    /// <exception cref="ArgumentException"><paramref name="features"/> is not whole samples, or holds NaN or infinity.</exception>
    public static float[] Predict(this INetwork network, float[] features)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length % network.InputSize != 0)
        {
            throw new ArgumentException($"{network.Architecture.Name}: features must hold whole samples of {network.InputSize} values; got {features.Length}.", nameof(features));
        }
        int count = features.Length / network.InputSize;
        var outputs = new float[count * network.OutputSize];
        for (int start = 0; start < count; start += network.MaxBatchSize)
        {
            int n = Math.Min(network.MaxBatchSize, count - start);
            network.Predict(features.AsSpan(start * network.InputSize, n * network.InputSize), outputs.AsSpan(start * network.OutputSize, n * network.OutputSize), n);
        }
        return outputs;
    }

    /// <summary>The outputs of every row of <paramref name="features"/> (samples × InputSize), as samples × OutputSize.</summary>
    /// <exception cref="ArgumentException">A row is not InputSize wide, or a value is NaN or infinite.</exception>
    public static float[,] Predict(this INetwork network, float[,] features)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(features);
        if (features.GetLength(1) != network.InputSize)
        {
            throw new ArgumentException($"{network.Architecture.Name}: features must have {network.InputSize} columns, one per input; got {features.GetLength(1)}.", nameof(features));
        }
        float[] flat = new float[features.Length];
        Buffer.BlockCopy(features, 0, flat, 0, flat.Length * sizeof(float));
        float[] outputs = network.Predict(flat);
        var result = new float[features.GetLength(0), network.OutputSize];
        Buffer.BlockCopy(outputs, 0, result, 0, outputs.Length * sizeof(float));
        return result;
    }

    /// <summary>The outputs of every sample of <paramref name="samples"/>, each InputSize wide, one array of OutputSize values per sample.</summary>
    /// <exception cref="ArgumentException">A sample is null or not InputSize wide, or a value is NaN or infinite.</exception>
    public static float[][] Predict(this INetwork network, float[][] samples)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(samples);
        float[] flat = new float[samples.Length * network.InputSize];
        for (int i = 0; i < samples.Length; i++)
        {
            if (samples[i] is not { } sample || sample.Length != network.InputSize)
            {
                throw new ArgumentException($"{network.Architecture.Name}: samples[{i}] must hold {network.InputSize} values; got {(samples[i] is null ? "null" : samples[i].Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}.", nameof(samples));
            }
            sample.CopyTo(flat, i * network.InputSize);
        }
        float[] outputs = network.Predict(flat);
        var result = new float[samples.Length][];
        for (int i = 0; i < samples.Length; i++) result[i] = outputs.AsSpan(i * network.OutputSize, network.OutputSize).ToArray();
        return result;
    }
}
