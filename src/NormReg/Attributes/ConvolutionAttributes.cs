using System;

namespace NormReg;

/// <summary>How a <c>[Conv2D]</c> row pads its input.</summary>
public enum Padding
{
    /// <summary>No padding: the output shrinks to <c>⌊(in − kernel)/stride⌋ + 1</c>. PyTorch <c>padding=0</c>; Keras <c>padding="valid"</c>.</summary>
    Valid,

    /// <summary>
    /// Zeros around the input so the output is <c>⌈in/stride⌉</c>: <c>max((out − 1)·stride + kernel − in, 0)</c> in all, half
    /// (rounded down) before and the rest after, as Keras <c>padding="same"</c>. PyTorch: <c>padding="same"</c> at stride 1;
    /// at other strides an explicit <c>padding</c> (or <c>F.pad</c> when the two sides differ).
    /// </summary>
    Same,
}

/// <summary>
/// A 2-D convolution (cross-correlation, as every framework computes it) over an image:
/// <c>y[f, i, j] = b[f] + Σ_c Σ_u Σ_v W[f, c, u, v]·x[c, i·s + u − pad, j·s + v − pad]</c>, with <c>W</c> stored
/// [filters × channels × kernel × kernel] row-major (PyTorch's layout). Weights start as <see cref="Initializer.Auto"/>
/// chooses with fan-in <c>channels·kernel²</c>; <c>[L1]</c>, <c>[L2]</c> and <c>[MaxNorm]</c> (per filter) attach as to
/// <c>[Dense]</c>, and a <c>[BatchNorm]</c> right after it is folded into it at inference.
/// </summary>
/// <remarks>
/// PyTorch: <c>nn.Conv2d(channels, filters, kernelSize, stride=Stride, padding=0 or "same", bias=UseBias)</c>.
/// Keras: <c>Conv2D(filters, kernelSize, strides=Stride, padding="valid" or "same", use_bias=UseBias, data_format="channels_first")</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : LayerAttribute
{
    /// <summary>Declares a convolution row.</summary>
    /// <param name="filters">Output channels; must be positive.</param>
    /// <param name="kernelSize">Height and width of the square kernel; must be positive and fit the padded input.</param>
    public Conv2DAttribute(int filters, int kernelSize)
    {
        Filters = filters;
        KernelSize = kernelSize;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Height and width of the kernel.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows, down and across; positive. Default 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>How the input is padded. Default <see cref="Padding.Valid"/> (PyTorch's and Keras' default).</summary>
    public Padding Padding { get; set; } = Padding.Valid;

    /// <summary>Whether each filter adds a learned bias. Default <see langword="true"/>; a <c>[BatchNorm]</c> after it makes the bias redundant.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>How the weights and bias start. Default <see cref="Initializer.Auto"/>.</summary>
    public Initializer Init { get; set; } = Initializer.Auto;
}

/// <summary>
/// Max pooling: the largest value of each <c>Size × Size</c> window, windows <see cref="Stride"/> apart, no padding
/// (windows that do not fit are dropped). The gradient goes to the first largest value of each window.
/// </summary>
/// <remarks>PyTorch: <c>nn.MaxPool2d(Size, stride=Stride)</c>. Keras: <c>MaxPooling2D(Size, strides=Stride, padding="valid")</c>.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : LayerAttribute
{
    /// <summary>Declares a max-pooling row.</summary>
    /// <param name="size">Height and width of each window; must be positive and fit the input.</param>
    public MaxPool2DAttribute(int size) => Size = size;

    /// <summary>Height and width of each window.</summary>
    public int Size { get; }

    /// <summary>Step between windows; 0 (the default) means <see cref="Size"/>, as PyTorch and Keras.</summary>
    public int Stride { get; set; }
}

/// <summary>Average pooling: the mean of each <c>Size × Size</c> window, windows <see cref="Stride"/> apart, no padding.</summary>
/// <remarks>PyTorch: <c>nn.AvgPool2d(Size, stride=Stride)</c>. Keras: <c>AveragePooling2D(Size, strides=Stride, padding="valid")</c>.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : LayerAttribute
{
    /// <summary>Declares an average-pooling row.</summary>
    /// <param name="size">Height and width of each window; must be positive and fit the input.</param>
    public AvgPool2DAttribute(int size) => Size = size;

    /// <summary>Height and width of each window.</summary>
    public int Size { get; }

    /// <summary>Step between windows; 0 (the default) means <see cref="Size"/>, as PyTorch and Keras.</summary>
    public int Stride { get; set; }
}

/// <summary>The mean of each channel over the whole image: <c>C × H × W</c> becomes a vector of <c>C</c>.</summary>
/// <remarks>PyTorch: <c>nn.AdaptiveAvgPool2d(1)</c> then <c>nn.Flatten()</c>. Keras: <c>GlobalAveragePooling2D(data_format="channels_first")</c>.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPoolAttribute : LayerAttribute;

/// <summary>
/// Makes an image a vector of <c>C·H·W</c> features, channel-major; the values do not move (samples are already stored
/// flat), so it costs nothing. Required between a spatial row and <c>[Dense]</c>.
/// </summary>
/// <remarks>PyTorch: <c>nn.Flatten()</c>. Keras: <c>Flatten()</c> (with <c>data_format="channels_first"</c> for the same order).</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute;
