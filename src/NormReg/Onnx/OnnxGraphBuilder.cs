using System;
using System.Globalization;
using System.Linq;
using System.Text;
using NormReg.Kernels;
using NormReg.Onnx.Proto;

namespace NormReg.Onnx;

/// <summary>
/// Turns a network's rows and state into the ONNX nodes and initializers of its inference graph, with the arithmetic of
/// the generated <c>Predict</c>. Each node is named after its row (<c>Dense1</c>; <c>GELU1/Erf</c> inside a row of several
/// nodes), its output value carries the node's name, its doc_string is the row as declared, and initializers are named
/// <c>Row.weight</c>, <c>Row.bias</c>, … (PyTorch's names).
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly NetworkArchitecture _architecture;
    private readonly float[] _state;
    private readonly GraphProto _graph;
    private readonly string _output;
    private string _value;

    private OnnxGraphBuilder(NetworkArchitecture architecture, float[] state, string input, string output)
    {
        _architecture = architecture;
        _state = state;
        _output = output;
        _graph = new GraphProto { Name = architecture.Name, DocString = Declaration(architecture) };
        _value = input;
    }

    /// <summary>The graph from <paramref name="input"/> to <paramref name="output"/>, without its input and output declarations.</summary>
    public static GraphProto Build(NetworkArchitecture architecture, float[] state, string input, string output)
    {
        var builder = new OnnxGraphBuilder(architecture, state, input, output);
        if (architecture.Scaling is { } scaling) builder.AddScaling(scaling);
        var layers = architecture.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Type is LayerType.Dense or LayerType.Conv2D && i + 1 < layers.Count && layers[i + 1].Type == LayerType.BatchNorm)
            {
                builder.AddFolded(layers[i], layers[i + 1]);
                i++;
            }
            else
            {
                builder.AddRow(layers[i]);
            }
        }

        var nodes = builder._graph.Node;
        if (nodes.Count == 0)
        {
            // Every row is dropout, noise or augmentation: the identity at inference.
            string rows = string.Join(" ", layers.Select(l => l.Row));
            builder.Node("Identity", "Identity", $"{rows}: the identity at inference", [input]);
        }
        nodes[nodes.Count - 1].Output[0] = output;
        return builder._graph;
    }

    /// <summary><c>[ZScore]</c>: <c>(x − μ)/σ</c>; <c>[MinMax]</c>: <c>(x − min)·s + low</c>, then clipped to [low, high] with <c>Clip = true</c>, as <see cref="InputScaling"/>.</summary>
    private void AddScaling(InputScalingKind scaling)
    {
        int n = _architecture.ScaledFeatures;
        // An image is scaled per channel: statistics of shape [C, 1, 1] broadcast over NCHW (torchvision's Normalize).
        long[] dims = _architecture.IsImage ? [n, 1, 1] : [n];
        ReadOnlySpan<float> first = Statistics(0, n), second = Statistics(n, n);
        if (HasNaN(first) || HasNaN(second))
        {
            throw new InvalidOperationException(
                $"{_architecture.Name}: its input scaling has not been fitted; call {_architecture.Name}.FitNormalization(trainingFeatures) before ExportOnnx.");
        }
        string row = InputRow(_architecture);
        if (scaling == InputScalingKind.ZScore)
        {
            string centered = Node("Sub", "Input/Sub", row, [_value, Initializer("Input.mean", first, dims)]);
            Node("Div", "Input", row, [centered, Initializer("Input.std", second, dims)]);
            return;
        }

        float low = (float)_architecture.ScalingLow, high = (float)_architecture.ScalingHigh;
        float[] scale = new float[n];
        for (int j = 0; j < n; j++) scale[j] = second[j] > first[j] ? (high - low) / (second[j] - first[j]) : 0f;
        string shifted = Node("Sub", "Input/Sub", row, [_value, Initializer("Input.min", first, dims)]);
        string scaled = Node("Mul", "Input/Mul", row, [shifted, Initializer("Input.scale", scale, dims)]);
        string lowName = Initializer("Input.low", [low]);
        if (!_architecture.ScalingClip)
        {
            Node("Add", "Input", row, [scaled, lowName]);
            return;
        }
        string moved = Node("Add", "Input/Add", row, [scaled, lowName]);
        Node("Clip", "Input", row, [moved, lowName, Initializer("Input.high", [high])]);
    }

    private void AddRow(LayerDescription layer)
    {
        string name = layer.Name, row = layer.Row;
        switch (layer.Type)
        {
            case LayerType.Dense or LayerType.Conv2D:
                AddWeights(name, row, Parameters(layer.WeightOffset, layer.WeightCount),
                    layer.BiasOffset >= 0 ? Parameters(layer.BiasOffset, layer.Units) : default, layer);
                break;
            case LayerType.BatchNorm:
                // On [N, C] or [N, C, H, W] alike: ONNX normalizes axis 1, BatchNorm1d's features or BatchNorm2d's channels.
                Node("BatchNormalization", name, row,
                    [_value, Gamma(layer), Beta(layer),
                     Initializer($"{name}.running_mean", Statistics(layer.StatisticsOffset, layer.Units), layer.Units),
                     Initializer($"{name}.running_var", Statistics(layer.StatisticsOffset + layer.Units, layer.Units), layer.Units)],
                    OnnxProtos.Attribute("epsilon", (float)layer.Epsilon));
                break;
            case LayerType.LayerNorm:
                // Over every value of a sample: the last axis of a vector, axes 1–3 (C, H, W) of an image, γ and β shaped alike.
                long[] shape = [.. layer.InputShape.Select(d => (long)d)];
                Node("LayerNormalization", name, row,
                    [_value, Initializer($"{name}.weight", Parameters(layer.WeightOffset, layer.Units), shape), Initializer($"{name}.bias", Parameters(layer.BiasOffset, layer.Units), shape)],
                    OnnxProtos.Attribute("axis", layer.InputShape.Count == 3 ? 1L : -1L), OnnxProtos.Attribute("epsilon", (float)layer.Epsilon));
                break;
            case LayerType.MaxPool2D or LayerType.AvgPool2D:
                Node(layer.Type == LayerType.MaxPool2D ? "MaxPool" : "AveragePool", name, row, [_value],
                    OnnxProtos.Attribute("kernel_shape", layer.KernelSize, layer.KernelSize), OnnxProtos.Attribute("strides", layer.Stride, layer.Stride));
                break;
            case LayerType.GlobalAvgPool:
                string pooled = Node("GlobalAveragePool", $"{name}/Pool", row, [_value]);
                Node("Flatten", name, row, [pooled], OnnxProtos.Attribute("axis", 1L));
                break;
            case LayerType.Flatten:
                Node("Flatten", name, row, [_value], OnnxProtos.Attribute("axis", 1L));
                break;
            case LayerType.ReLU:
                Node("Relu", name, row, [_value]);
                break;
            case LayerType.LeakyReLU:
                Node("LeakyRelu", name, row, [_value], OnnxProtos.Attribute("alpha", (float)layer.Alpha));
                break;
            case LayerType.Tanh:
                Node("Tanh", name, row, [_value]);
                break;
            case LayerType.Sigmoid:
                Node("Sigmoid", name, row, [_value]);
                break;
            case LayerType.GELU:
                AddGelu(name, row);
                break;
            case LayerType.Softmax:
                Node("Softmax", name, row, [_value], OnnxProtos.Attribute("axis", -1L));
                break;
            case LayerType.Dropout or LayerType.SpatialDropout or LayerType.GaussianNoise or LayerType.RandomFlip or LayerType.RandomRotation or LayerType.RandomTranslation:
                break; // the identity at inference
            default:
                throw new NotSupportedException($"{_architecture.Name}: ONNX export does not handle {layer.Type} rows ({name} {row}).");
        }
    }

    /// <summary>A Dense or Conv2D row and the BatchNorm after it as one Gemm or Conv with the folded weights, exactly as <c>Predict</c> folds them.</summary>
    private void AddFolded(LayerDescription weights, LayerDescription norm)
    {
        int fanIn = weights.FanIn, units = weights.Units;
        float[] folded = new float[units * fanIn], bias = new float[units];
        BatchNorm.Fold(
            Parameters(weights.WeightOffset, units * fanIn),
            weights.BiasOffset >= 0 ? Parameters(weights.BiasOffset, units) : default,
            Parameters(norm.WeightOffset, units), Parameters(norm.BiasOffset, units),
            Statistics(norm.StatisticsOffset, units), Statistics(norm.StatisticsOffset + units, units),
            folded, bias, fanIn, units, (float)norm.Epsilon);
        AddWeights($"{weights.Name}+{norm.Name}", $"{weights.Row} {norm.Row}: {norm.Name} folded into {weights.Name}", folded, bias, weights);
    }

    /// <summary>
    /// Dense: <c>y = x·Wᵀ + b</c> as Gemm with transB = 1. Conv2D: Conv with weights [F, C, K, K] and pads top, left, bottom,
    /// right. Without a bias the optional input is left out.
    /// </summary>
    private void AddWeights(string name, string row, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, LayerDescription layer)
    {
        bool conv = layer.Type == LayerType.Conv2D;
        long[] dims = conv ? [layer.Units, layer.InputShape[0], layer.KernelSize, layer.KernelSize] : [layer.Units, layer.FanIn];
        string weightName = Initializer($"{name}.weight", weights, dims);
        string[] inputs = bias.IsEmpty
            ? [_value, weightName]
            : [_value, weightName, Initializer($"{name}.bias", bias, layer.Units)];
        if (!conv)
        {
            Node("Gemm", name, row, inputs, OnnxProtos.Attribute("transB", 1L));
            return;
        }
        Node("Conv", name, row, inputs,
            OnnxProtos.Attribute("kernel_shape", layer.KernelSize, layer.KernelSize),
            OnnxProtos.Attribute("strides", layer.Stride, layer.Stride),
            OnnxProtos.Attribute("pads", [.. layer.Padding.Select(p => (long)p)]));
    }

    /// <summary>Exact GELU, <c>0.5·x·(1 + erf(x/√2))</c>.</summary>
    private void AddGelu(string name, string row)
    {
        string x = _value;
        string divided = Node("Div", $"{name}/Div", row, [x, Initializer($"{name}.sqrt2", [MathF.Sqrt(2f)])]);
        string erf = Node("Erf", $"{name}/Erf", row, [divided]);
        string onePlus = Node("Add", $"{name}/Add", row, [erf, Initializer($"{name}.one", [1f])]);
        string product = Node("Mul", $"{name}/Mul", row, [x, onePlus]);
        Node("Mul", name, row, [product, Initializer($"{name}.half", [0.5f])]);
    }

    private string Gamma(LayerDescription layer) => Initializer($"{layer.Name}.weight", Parameters(layer.WeightOffset, layer.Units), layer.Units);

    private string Beta(LayerDescription layer) => Initializer($"{layer.Name}.bias", Parameters(layer.BiasOffset, layer.Units), layer.Units);

    /// <summary>
    /// Adds a node whose one output is named after it (a layer named like the graph's output gets <c>output.value</c>, as
    /// layer names hold no dots), and makes that output the value the next row reads.
    /// </summary>
    private string Node(string opType, string name, string row, string[] inputs, params AttributeProto[] attributes)
    {
        string value = name == _output ? $"{name}.value" : name;
        var node = new NodeProto { OpType = opType, Name = name, DocString = row };
        node.Input.Add(inputs);
        node.Output.Add(value);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        _value = value;
        return value;
    }

    /// <summary>Adds a float32 initializer of shape <paramref name="dims"/> (none: a scalar); its values must be finite.</summary>
    private string Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidOperationException($"{_architecture.Name}: {name}[{i}] is {values[i]}; ONNX export needs finite weights and statistics.");
            }
        }
        _graph.Initializer.Add(OnnxProtos.FloatTensor(name, values, dims));
        return name;
    }

    private ReadOnlySpan<float> Parameters(int offset, int count) => _state.AsSpan(offset, count);

    private ReadOnlySpan<float> Statistics(int offset, int count) => _state.AsSpan(_architecture.ParameterCount + offset, count);

    private static bool HasNaN(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (float.IsNaN(v)) return true;
        }
        return false;
    }

    /// <summary>The input row, rebuilt from the architecture (which keeps its parts, not its text).</summary>
    private static string InputRow(NetworkArchitecture a)
    {
        string input = string.Join(", ", a.InputShape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        return a.Scaling switch
        {
            null => $"[Input({input})]",
            InputScalingKind.ZScore => $"[Input({input}), ZScore]",
            _ => string.Create(CultureInfo.InvariantCulture, $"[Input({input}), MinMax({a.ScalingLow}, {a.ScalingHigh}{(a.ScalingClip ? ", Clip = true" : "")})]"),
        };
    }

    /// <summary>The declaration, one row a line, marking the rows the graph leaves out.</summary>
    private static string Declaration(NetworkArchitecture architecture)
    {
        var text = new StringBuilder($"{architecture.Name} (loss {architecture.Loss}):\n{InputRow(architecture)}");
        foreach (LayerDescription layer in architecture.Layers)
        {
            text.Append('\n').Append(layer.Name).Append(' ').Append(layer.Row);
            if (!layer.RunsAtInference) text.Append(" (left out: the identity at inference)");
        }
        return text.ToString();
    }
}
