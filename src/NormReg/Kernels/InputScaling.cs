using System.ComponentModel;
using System;

namespace NormReg.Kernels;

/// <summary>Input scaling applied in place to a row-major batch, and its effect on the input gradient.</summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InputScaling
{
    /// <summary><c>x ← (x − mean) / std</c> per feature.</summary>
    public static void ZScore(Span<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, int batch, int features)
    {
        for (int n = 0; n < batch; n++)
        {
            Span<float> row = x.Slice(n * features, features);
            for (int j = 0; j < features; j++) row[j] = (row[j] - mean[j]) / std[j];
        }
    }

    /// <summary>Gradient with respect to the raw input: <c>dx ← dx / std</c>.</summary>
    public static void ZScoreBackward(Span<float> dx, ReadOnlySpan<float> std, int batch, int features)
    {
        for (int n = 0; n < batch; n++)
        {
            Span<float> row = dx.Slice(n * features, features);
            for (int j = 0; j < features; j++) row[j] /= std[j];
        }
    }

    /// <summary>
    /// <c>x ← (x − min) / (max − min) · (high − low) + low</c> per feature; a feature with max = min maps to
    /// <paramref name="low"/>. With <paramref name="clip"/>, results are clamped to [low, high].
    /// </summary>
    public static void MinMax(Span<float> x, ReadOnlySpan<float> min, ReadOnlySpan<float> max, int batch, int features, float low, float high, bool clip)
    {
        for (int n = 0; n < batch; n++)
        {
            Span<float> row = x.Slice(n * features, features);
            for (int j = 0; j < features; j++)
            {
                float v = low + (row[j] - min[j]) * Scale(min[j], max[j], low, high);
                row[j] = clip ? Math.Clamp(v, low, high) : v;
            }
        }
    }

    /// <summary>Gradient with respect to the raw input; zero where <paramref name="scaled"/> was clipped.</summary>
    public static void MinMaxBackward(Span<float> dx, ReadOnlySpan<float> scaled, ReadOnlySpan<float> min, ReadOnlySpan<float> max, int batch, int features, float low, float high, bool clip)
    {
        for (int n = 0; n < batch; n++)
        {
            Span<float> row = dx.Slice(n * features, features);
            ReadOnlySpan<float> s = scaled.Slice(n * features, features);
            for (int j = 0; j < features; j++)
            {
                row[j] = clip && (s[j] <= low || s[j] >= high) ? 0f : row[j] * Scale(min[j], max[j], low, high);
            }
        }
    }

    private static float Scale(float min, float max, float low, float high) => max > min ? (high - low) / (max - min) : 0f;
}
