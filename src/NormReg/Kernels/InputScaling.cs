using System.ComponentModel;
using System;
using System.Numerics.Tensors;

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

    /// <summary>
    /// Gradient with respect to the raw input <paramref name="raw"/> (read only with <paramref name="clip"/>): with it, zero where the scaled
    /// value lies outside [low, high] or is NaN, and passed at the bounds themselves, as <c>torch.clamp</c>'s gradient is.
    /// </summary>
    public static void MinMaxBackward(Span<float> dx, ReadOnlySpan<float> raw, ReadOnlySpan<float> min, ReadOnlySpan<float> max, int batch, int features, float low, float high, bool clip)
    {
        for (int n = 0; n < batch; n++)
        {
            Span<float> row = dx.Slice(n * features, features);
            for (int j = 0; j < features; j++)
            {
                float scale = Scale(min[j], max[j], low, high);
                row[j] = clip && !InRange(raw[n * features + j], min[j], scale, low, high) ? 0f : row[j] * scale;
            }
        }
    }

    /// <summary><c>x ← (x − mean) / std</c> per channel of an image batch: each channel's statistics apply to its <paramref name="spatial"/> pixels.</summary>
    public static void ZScore(Span<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, int batch, int channels, int spatial)
    {
        for (int p = 0; p < batch * channels; p++)
        {
            Span<float> values = x.Slice(p * spatial, spatial);
            TensorPrimitives.Subtract(values, mean[p % channels], values);
            TensorPrimitives.Divide(values, std[p % channels], values);
        }
    }

    /// <summary>Gradient with respect to the raw image: <c>dx ← dx / std</c> per channel.</summary>
    public static void ZScoreBackward(Span<float> dx, ReadOnlySpan<float> std, int batch, int channels, int spatial)
    {
        for (int p = 0; p < batch * channels; p++) TensorPrimitives.Divide(dx.Slice(p * spatial, spatial), std[p % channels], dx.Slice(p * spatial, spatial));
    }

    /// <summary><see cref="MinMax(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, float, float, bool)"/> per channel of an image batch.</summary>
    public static void MinMax(Span<float> x, ReadOnlySpan<float> min, ReadOnlySpan<float> max, int batch, int channels, int spatial, float low, float high, bool clip)
    {
        for (int p = 0; p < batch * channels; p++)
        {
            int c = p % channels;
            float scale = Scale(min[c], max[c], low, high);
            Span<float> values = x.Slice(p * spatial, spatial);
            for (int j = 0; j < spatial; j++)
            {
                float v = low + (values[j] - min[c]) * scale;
                values[j] = clip ? Math.Clamp(v, low, high) : v;
            }
        }
    }

    /// <summary>The input gradient of the image batch <paramref name="raw"/>, per channel, as the other overload.</summary>
    public static void MinMaxBackward(Span<float> dx, ReadOnlySpan<float> raw, ReadOnlySpan<float> min, ReadOnlySpan<float> max, int batch, int channels, int spatial, float low, float high, bool clip)
    {
        for (int p = 0; p < batch * channels; p++)
        {
            int c = p % channels;
            float scale = Scale(min[c], max[c], low, high);
            Span<float> values = dx.Slice(p * spatial, spatial);
            for (int j = 0; j < spatial; j++) values[j] = clip && !InRange(raw[p * spatial + j], min[c], scale, low, high) ? 0f : values[j] * scale;
        }
    }

    private static float Scale(float min, float max, float low, float high) => max > min ? (high - low) / (max - min) : 0f;

    /// <summary>Whether the raw value <paramref name="x"/> scales (as the forward computes it) into [low, high], bounds included; false for NaN.</summary>
    private static bool InRange(float x, float min, float scale, float low, float high)
    {
        float v = low + (x - min) * scale;
        return v >= low && v <= high;
    }
}
