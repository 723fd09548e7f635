using System.ComponentModel;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NormReg;

/// <summary>
/// A generated network's declaration as data: input, input scaling, rows, loss and the layout of its state
/// (<see cref="INetwork.CopyState"/> holds <see cref="ParameterCount"/> parameters, then <see cref="StatisticsCount"/> statistics).
/// Each generated class has one, as its static <c>Architecture</c> property.
/// </summary>
public sealed class NetworkArchitecture
{
    private string? _fingerprint;
    private readonly IReadOnlyList<int>? _inputShape;

    /// <summary>Used by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public NetworkArchitecture(string name, Loss loss, int inputSize, int parameterCount, int statisticsCount, IReadOnlyList<LayerDescription> layers)
    {
        if (layers is null || layers.Count == 0) throw new ArgumentException("A network has at least one layer row.", nameof(layers));
        Name = name;
        Loss = loss;
        InputSize = inputSize;
        ParameterCount = parameterCount;
        StatisticsCount = statisticsCount;
        Layers = layers;
    }

    /// <summary>The network class's name.</summary>
    public string Name { get; }

    /// <summary>The loss it trains on.</summary>
    public Loss Loss { get; }

    /// <summary>Values per sample: features, or <c>channels × height × width</c> for an image.</summary>
    public int InputSize { get; }

    /// <summary>The input row's shape: <c>[features]</c>, or <c>[channels, height, width]</c> for <c>[Input(c, h, w)]</c>.</summary>
    public IReadOnlyList<int> InputShape
    {
        get => _inputShape ?? [InputSize];
        init => _inputShape = value;
    }

    /// <summary>Whether the input is an image; its scaling statistics are then per channel.</summary>
    public bool IsImage => InputShape.Count == 3;

    /// <summary>Statistics the input scaling keeps of each kind: one per channel of an image, one per feature of a vector.</summary>
    public int ScaledFeatures => IsImage ? InputShape[0] : InputSize;

    /// <summary>Values per sample the last row produces.</summary>
    public int OutputSize => Layers[Layers.Count - 1].Outputs;

    /// <summary>The input row's scaling, or <see langword="null"/> without <c>[ZScore]</c> or <c>[MinMax]</c>.
    /// Its statistics open the statistics block: <see cref="ScaledFeatures"/> means then standard deviations, or minima then maxima.</summary>
    public InputScalingKind? Scaling { get; init; }

    /// <summary><c>[MinMax]</c>: the target range's low end.</summary>
    public double ScalingLow { get; init; }

    /// <summary><c>[MinMax]</c>: the target range's high end.</summary>
    public double ScalingHigh { get; init; }

    /// <summary><c>[MinMax(Clip = true)]</c>: whether scaled values are clipped to the range.</summary>
    public bool ScalingClip { get; init; }

    /// <summary>Label smoothing ε of the softmax cross-entropy (<c>[Network(LabelSmoothing = ε)]</c>); 0 for none. Training only: not in the fingerprint.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Trainable parameters.</summary>
    public int ParameterCount { get; }

    /// <summary>Fitted and running statistics after the parameters in the state.</summary>
    public int StatisticsCount { get; }

    /// <summary>Values in the whole state.</summary>
    public int StateLength => ParameterCount + StatisticsCount;

    /// <summary>The layer rows, top to bottom.</summary>
    public IReadOnlyList<LayerDescription> Layers { get; }

    /// <summary>
    /// A SHA-256 (hex) of what defines the state and the inference function: input width and scaling, the rows that
    /// run at inference with their widths and constants, and the loss. Rows and settings that only act in training
    /// (dropout, noise, penalties, constraints, BatchNorm momentum) and names are left out, so a model trained with
    /// dropout loads into the same declaration without it.
    /// </summary>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint();

    /// <summary>The network as a table, like Keras' <c>model.summary()</c>: rows, names, output shapes, parameters and statistics.</summary>
    public override string ToString() => NetworkSummary.Format(this);

    /// <summary>The canonical text the fingerprint hashes, one token per fact.</summary>
    public string Describe()
    {
        var text = new StringBuilder("NormReg/1");
        Append(text, "loss", Loss.ToString());
        Append(text, "input", IsImage ? string.Join("x", InputShape) : Number(InputSize));
        if (Scaling is { } scaling)
        {
            Append(text, "scaling", scaling == InputScalingKind.ZScore
                ? "ZScore"
                : $"MinMax({Number(ScalingLow)},{Number(ScalingHigh)},{(ScalingClip ? "clip" : "noclip")})");
        }
        foreach (LayerDescription layer in Layers)
        {
            if (!layer.RunsAtInference) continue;
            string detail = layer.Type switch
            {
                LayerType.Dense => $"{Number(layer.Inputs)}>{Number(layer.Outputs)},{(layer.BiasOffset >= 0 ? "bias" : "nobias")}",
                LayerType.BatchNorm or LayerType.LayerNorm => $"{Number(layer.Outputs)},{(layer.Units != layer.Outputs ? $"per{Number(layer.Units)}," : "")}{Number(layer.Epsilon)}",
                LayerType.LeakyReLU => $"{Number(layer.Outputs)},{Number(layer.Alpha)}",
                LayerType.Conv2D => $"{string.Join("x", layer.InputShape)}>{string.Join("x", layer.OutputShape)},k{Number(layer.KernelSize)},s{Number(layer.Stride)},p{string.Join("/", layer.Padding)},{(layer.BiasOffset >= 0 ? "bias" : "nobias")}",
                LayerType.MaxPool2D or LayerType.AvgPool2D => $"{string.Join("x", layer.InputShape)}>{string.Join("x", layer.OutputShape)},k{Number(layer.KernelSize)},s{Number(layer.Stride)}",
                LayerType.GlobalAvgPool or LayerType.Flatten => $"{string.Join("x", layer.InputShape)}>{string.Join("x", layer.OutputShape)}",
                _ => Number(layer.Outputs),
            };
            Append(text, layer.Type.ToString(), detail);
        }
        Append(text, "state", $"{Number(ParameterCount)}+{Number(StatisticsCount)}");
        return text.ToString();
    }

    private string ComputeFingerprint() =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Describe()))).ToLowerInvariant();

    private static void Append(StringBuilder text, string key, string value) => text.Append(';').Append(key).Append('=').Append(value);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
