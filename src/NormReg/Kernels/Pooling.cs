using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>
/// Max and average pooling over NCHW batches, each channel on its own: PyTorch's <c>nn.MaxPool2d(size, stride)</c> and
/// <c>nn.AvgPool2d(size, stride)</c> (padding 0, <c>ceil_mode=False</c>), Keras' <c>MaxPooling2D</c> and <c>AveragePooling2D</c>
/// (<c>padding="valid"</c>); and global average pooling, PyTorch's <c>nn.AdaptiveAvgPool2d(1)</c> then <c>flatten</c>, Keras'
/// <c>GlobalAveragePooling2D</c>. Windows may overlap (stride below size); their gradients then add up.
/// </summary>
/// <remarks>For generated code; hidden from completion lists.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Pooling
{
    /// <summary>
    /// The largest value of each window. Scans each window row by row and keeps the first maximum, and a NaN replaces any
    /// number (a later NaN another NaN), as PyTorch's CPU kernel does; a window of −∞ answers its first element. With a non-empty
    /// <paramref name="argmax"/> [n·C·OutHeight·OutWidth], writes where each winner is inside its sample (c·H·W + i·W + j), for
    /// <see cref="MaxBackward"/>; without one (inference) the values come from vector maxima, equal but for the sign of a zero.
    /// 2 × 2 windows at stride 2 take a vector path that follows the scan exactly, with or without winners.
    /// </summary>
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int n, in PoolGeometry g)
    {
        Check(x.Length, y.Length, n, g, nameof(x), nameof(y));
        bool keep = !argmax.IsEmpty;
        if (keep) Lengths.AtLeast(argmax.Length, n * g.OutputLength, nameof(argmax));
        if (g.Size == 2 && g.Stride == 2)
        {
            MaxTwoByTwo(x, y, argmax, n, g);
            return;
        }
        if (!keep && g.Width <= MaxStackWidth)
        {
            MaxValues(x, y, n, g);
            return;
        }
        int plane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth;
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> sample = x.Slice(s * g.InputLength, g.InputLength);
            for (int c = 0; c < g.Channels; c++)
            {
                int o = s * g.OutputLength + c * outPlane;
                for (int i = 0; i < g.OutHeight; i++)
                {
                    for (int j = 0; j < g.OutWidth; j++, o++)
                    {
                        int start = c * plane + i * g.Stride * g.Width + j * g.Stride;
                        float best = float.NegativeInfinity;
                        int at = start;
                        for (int a = 0; a < g.Size; a++)
                        {
                            ReadOnlySpan<float> row = sample.Slice(start + a * g.Width, g.Size);
                            for (int b = 0; b < row.Length; b++)
                            {
                                float v = row[b];
                                if (v > best || float.IsNaN(v))
                                {
                                    best = v;
                                    at = start + a * g.Width + b;
                                }
                            }
                        }
                        y[o] = best;
                        if (keep) argmax[o] = at;
                    }
                }
            }
        }
    }

    /// <summary>Image rows wider than this take the scanning path at inference too (the row maxima live on the stack).</summary>
    private const int MaxStackWidth = 4096;

    /// <summary>
    /// Inference, values only: each window's rows are combined column by column with vector maxima, then each window's columns.
    /// The same values as the scan (a NaN wins, as in <see cref="MathF.Max(float, float)"/>), except that of −0 and +0 it keeps +0;
    /// without a branch per value, which a scan over real data mispredicts (LeNet's first pooling: 17 ns per output at batch 128).
    /// </summary>
    private static void MaxValues(ReadOnlySpan<float> x, Span<float> y, int n, in PoolGeometry g)
    {
        Span<float> rows = stackalloc float[g.Width];
        int plane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth;
        for (int p = 0; p < n * g.Channels; p++)
        {
            ReadOnlySpan<float> image = x.Slice(p * plane, plane);
            Span<float> output = y.Slice(p * outPlane, outPlane);
            for (int i = 0; i < g.OutHeight; i++)
            {
                int top = i * g.Stride;
                image.Slice(top * g.Width, g.Width).CopyTo(rows);
                for (int a = 1; a < g.Size; a++) TensorPrimitives.Max(rows, image.Slice((top + a) * g.Width, g.Width), rows);
                for (int j = 0; j < g.OutWidth; j++)
                {
                    int left = j * g.Stride;
                    float best = rows[left];
                    for (int b = 1; b < g.Size; b++) best = MathF.Max(best, rows[left + b]);
                    output[i * g.OutWidth + j] = best;
                }
            }
        }
    }

    /// <summary>
    /// Routes each output gradient to its window's winner: <c>dx[s, argmax[o]] += dy[o]</c>. Overwrites <paramref name="dx"/>. With
    /// <paramref name="pooled"/>, the pool's outputs after a ReLU, it is also that ReLU's backward: a window whose output is not positive
    /// routes 0, which is what the ReLU passes at its winner, the input the output was taken from (every other input gets 0 either way).
    /// </summary>
    public static void MaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, int n, in PoolGeometry g, ReadOnlySpan<float> pooled = default)
    {
        Check(dx.Length, dy.Length, n, g, nameof(dx), nameof(dy));
        Lengths.AtLeast(argmax.Length, n * g.OutputLength, nameof(argmax));
        bool gated = !pooled.IsEmpty;
        if (gated) Lengths.AtLeast(pooled.Length, n * g.OutputLength, nameof(pooled));
        if (g.Size == 2 && g.Stride == 2 && MaxBackwardTwoByTwo(dy, argmax, dx, n, g, pooled)) return;
        dx.Slice(0, n * g.InputLength).Clear();
        for (int s = 0; s < n; s++)
        {
            Span<float> sample = dx.Slice(s * g.InputLength, g.InputLength);
            for (int o = s * g.OutputLength; o < (s + 1) * g.OutputLength; o++) sample[argmax[o]] += gated && !(pooled[o] > 0) ? 0 : dy[o];
        }
    }

    /// <summary>The mean of each Size × Size window (every window lies inside the input, so the divisor is always Size²).</summary>
    public static void AverageForward(ReadOnlySpan<float> x, Span<float> y, int n, in PoolGeometry g)
    {
        Check(x.Length, y.Length, n, g, nameof(x), nameof(y));
        int plane = g.Height * g.Width, windows = n * g.Channels;
        float divisor = g.Size * g.Size;
        int o = 0;
        for (int p = 0; p < windows; p++)
        {
            ReadOnlySpan<float> input = x.Slice(p * plane, plane);
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++, o++)
                {
                    int start = i * g.Stride * g.Width + j * g.Stride;
                    float sum = 0;
                    for (int a = 0; a < g.Size; a++) sum += Simd.FixedOrderSum(input.Slice(start + a * g.Width, g.Size));
                    y[o] = sum / divisor;
                }
            }
        }
    }

    /// <summary>Spreads each output gradient evenly over its window: <c>dy/Size²</c> added to every value it averaged. Overwrites <paramref name="dx"/>.</summary>
    public static void AverageBackward(ReadOnlySpan<float> dy, Span<float> dx, int n, in PoolGeometry g)
    {
        Check(dx.Length, dy.Length, n, g, nameof(dx), nameof(dy));
        int plane = g.Height * g.Width, windows = n * g.Channels;
        float divisor = g.Size * g.Size;
        dx.Slice(0, n * g.InputLength).Clear();
        int o = 0;
        for (int p = 0; p < windows; p++)
        {
            Span<float> input = dx.Slice(p * plane, plane);
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++, o++)
                {
                    int start = i * g.Stride * g.Width + j * g.Stride;
                    float share = dy[o] / divisor;
                    for (int a = 0; a < g.Size; a++)
                    {
                        Span<float> row = input.Slice(start + a * g.Width, g.Size);
                        TensorPrimitives.Add(row, share, row);
                    }
                }
            }
        }
    }

    /// <summary><c>y[s, c] = mean over the <paramref name="spatial"/> values of channel c</c>: [n × C × spatial] to [n × C].</summary>
    public static void GlobalAverageForward(ReadOnlySpan<float> x, Span<float> y, int n, int channels, int spatial)
    {
        CheckGlobal(x.Length, y.Length, n, channels, spatial, nameof(x), nameof(y));
        for (int p = 0; p < n * channels; p++) y[p] = Simd.FixedOrderSum(x.Slice(p * spatial, spatial)) / spatial;
    }

    /// <summary><c>dx[s, c, ·] = dy[s, c]/spatial</c>, overwriting <paramref name="dx"/>.</summary>
    public static void GlobalAverageBackward(ReadOnlySpan<float> dy, Span<float> dx, int n, int channels, int spatial)
    {
        CheckGlobal(dx.Length, dy.Length, n, channels, spatial, nameof(dx), nameof(dy));
        for (int p = 0; p < n * channels; p++) dx.Slice(p * spatial, spatial).Fill(dy[p] / spatial);
    }

    private static void Check(int inputs, int outputs, int n, in PoolGeometry g, string inputName, string outputName)
    {
        g.Validate();
        Lengths.Positive(n, nameof(n), minimum: 0);
        Lengths.AtLeast(inputs, n * g.InputLength, inputName);
        Lengths.AtLeast(outputs, n * g.OutputLength, outputName);
    }

    private static void CheckGlobal(int inputs, int outputs, int n, int channels, int spatial, string inputName, string outputName)
    {
        Lengths.Positive(n, nameof(n), minimum: 0);
        Lengths.Positive(channels, nameof(channels));
        Lengths.Positive(spatial, nameof(spatial));
        Lengths.AtLeast(inputs, n * channels * spatial, inputName);
        Lengths.AtLeast(outputs, n * channels, outputName);
    }
}
