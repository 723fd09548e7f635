using System;
using System.Linq;

namespace NormReg.Tests.Reference;

/// <summary>A sample's shape in the reference: a vector of <see cref="Channels"/> values, or channels of height × width pixels.</summary>
public sealed record Shape(int Channels, int Height, int Width, bool IsImage)
{
    public static Shape Vector(int size) => new(size, 1, 1, false);

    public static Shape Image(int channels, int height, int width) => new(channels, height, width, true);

    public int Size => Channels * Height * Width;

    public int Spatial => Height * Width;

    /// <summary>The channel of value <paramref name="index"/> of a batch in NCHW order (the feature, for a vector).</summary>
    public int ChannelOf(int index) => index / Spatial % Channels;
}

/// <summary>The image rows, from the definitions of PyTorch's <c>nn.Conv2d</c>, pools and <c>nn.Flatten</c>, in double precision with plain loops.</summary>
public abstract partial class ReferenceLayer
{
    /// <summary>
    /// <c>nn.Conv2d</c> (cross-correlation); <paramref name="same"/> pads as Keras and TensorFlow: <c>max((out − 1)·s + k − in, 0)</c>
    /// zeros, half (rounded down) before.
    /// </summary>
    public static ReferenceLayer Conv2D(int filters, int kernel, int stride = 1, bool same = false, bool bias = true, double l1 = 0, double l2 = 0) =>
        new Conv2DLayer(filters, kernel, stride, same, bias) { Penalty = (l1, l2, false) };

    public static ReferenceLayer MaxPool2D(int size, int stride = 0) => new PoolLayer(size, stride == 0 ? size : stride, max: true);

    public static ReferenceLayer AvgPool2D(int size, int stride = 0) => new PoolLayer(size, stride == 0 ? size : stride, max: false);

    public static ReferenceLayer GlobalAvgPool() => new GlobalAvgPoolLayer();

    public static ReferenceLayer Flatten() => new FlattenLayer();

    private sealed class Conv2DLayer(int filters, int kernel, int stride, bool same, bool bias) : ReferenceLayer
    {
        private int OutSize(int size) => same ? (size + stride - 1) / stride : (size - kernel) / stride + 1;

        private int PadBefore(int size) => same ? Math.Max((OutSize(size) - 1) * stride + kernel - size, 0) / 2 : 0;

        internal override Shape Out(Shape input) => Shape.Image(filters, OutSize(input.Height), OutSize(input.Width));

        internal override int ParameterCount(Shape input) => filters * input.Channels * kernel * kernel + (bias ? filters : 0);

        internal override int PenalizedCount(Shape input) => filters * input.Channels * kernel * kernel;

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training) =>
            throw new InvalidOperationException("Conv2D reads images.");

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, Shape input, bool training)
        {
            Shape o = Out(input);
            int c = input.Channels, h = input.Height, w = input.Width, top = PadBefore(h), left = PadBefore(w), weights = filters * c * kernel * kernel;
            var y = new double[batch * o.Size];
            for (int n = 0; n < batch; n++)
            for (int f = 0; f < filters; f++)
            for (int i = 0; i < o.Height; i++)
            for (int j = 0; j < o.Width; j++)
            {
                double sum = bias ? p[weights + f] : 0;
                for (int ch = 0; ch < c; ch++)
                for (int u = 0; u < kernel; u++)
                for (int v = 0; v < kernel; v++)
                {
                    int row = i * stride + u - top, column = j * stride + v - left;
                    if (row < 0 || row >= h || column < 0 || column >= w) continue;
                    sum += p[((f * c + ch) * kernel + u) * kernel + v] * x[((n * c + ch) * h + row) * w + column];
                }
                y[((n * filters + f) * o.Height + i) * o.Width + j] = sum;
            }
            return y;
        }
    }

    private sealed class PoolLayer(int size, int stride, bool max) : ReferenceLayer
    {
        internal override Shape Out(Shape input) => Shape.Image(input.Channels, (input.Height - size) / stride + 1, (input.Width - size) / stride + 1);

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training) =>
            throw new InvalidOperationException("Pooling reads images.");

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, Shape input, bool training)
        {
            Shape o = Out(input);
            var y = new double[batch * o.Size];
            for (int plane = 0; plane < batch * input.Channels; plane++)
            for (int i = 0; i < o.Height; i++)
            for (int j = 0; j < o.Width; j++)
            {
                double[] window = [.. Enumerable.Range(0, size * size).Select(k => x[plane * input.Spatial + (i * stride + k / size) * input.Width + j * stride + k % size])];
                y[plane * o.Spatial + i * o.Width + j] = max ? window.Max() : window.Average();
            }
            return y;
        }
    }

    private sealed class GlobalAvgPoolLayer : ReferenceLayer
    {
        internal override Shape Out(Shape input) => Shape.Vector(input.Channels);

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training) =>
            throw new InvalidOperationException("Global pooling reads images.");

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, Shape input, bool training) =>
            [.. Enumerable.Range(0, batch * input.Channels).Select(plane => x.Skip(plane * input.Spatial).Take(input.Spatial).Average())];
    }

    private sealed class FlattenLayer : ReferenceLayer
    {
        internal override Shape Out(Shape input) => Shape.Vector(input.Size);

        internal override double[] Forward(ReadOnlySpan<double> p, ReadOnlySpan<double> s, double[] x, int batch, int inputs, bool training) => x;
    }
}
