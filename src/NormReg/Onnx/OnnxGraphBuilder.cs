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
            if (layers[i].Type == LayerType.Dense && i + 1 < layers.Count && layers[i + 1].Type == LayerType.BatchNorm)
            {
                builder.AddFoldedDense(layers[i], layers[i + 1]);
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
            // Every row is dropout or noise: the identity at inference.
            string rows = string.Join(" ", layers.Select(l => l.Row));
            builder.Node("Identity", "Identity", $"{rows}: the identity at inference", [input]);
        }
        nodes[nodes.Count - 1].Output[0] = output;
        return builder._graph;
    }

    /// <summary><c>[ZScore]</c>: <c>(x − μ)/σ</c>; <c>[MinMax]</c>: <c>(x − min)·s + low</c>, then clipped to [low, high] with <c>Clip = true</c>, as <see cref="InputScaling"/>.</summary>
    private void AddScaling(InputScalingKind scaling)
    {
        int n = _architecture.InputSize;
        ReadOnlySpan<float> first = Statistics(0, n), second = Statistics(n, n);
        if (HasNaN(first) || HasNaN(second))
        {
            throw new InvalidOperationException(
                $"{_architecture.Name}: its input scaling has not been fitted; call {_architecture.Name}.FitNormalization(trainingFeatures) before ExportOnnx.");
        }
        string row = InputRow(_architecture);
        if (scaling == InputScalingKind.ZScore)
        {
            string centered = Node("Sub", "Input/Sub", row, [_value, Initializer("Input.mean", first, n)]);
            Node("Div", "Input", row, [centered, Initializer("Input.std", second, n)]);
            return;
        }

        float low = (float)_architecture.ScalingLow, high = (float)_architecture.ScalingHigh;
        float[] scale = new float[n];
        for (int j = 0; j < n; j++) scale[j] = second[j] > first[j] ? (high - low) / (second[j] - first[j]) : 0f;
        string shifted = Node("Sub", "Input/Sub", row, [_value, Initializer("Input.min", first, n)]);
        string scaled = Node("Mul", "Input/Mul", row, [shifted, Initializer("Input.scale", scale, n)]);
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
            case LayerType.Dense:
                AddDense(name, row, Parameters(layer.WeightOffset, layer.Outputs * layer.Inputs),
                    layer.BiasOffset >= 0 ? Parameters(layer.BiasOffset, layer.Outputs) : default, layer);
                break;
            case LayerType.BatchNorm:
                Node("BatchNormalization", name, row,
                    [_value, Gamma(layer), Beta(layer),
                     Initializer($"{name}.running_mean", Statistics(layer.StatisticsOffset, layer.Outputs), layer.Outputs),
                     Initializer($"{name}.running_var", Statistics(layer.StatisticsOffset + layer.Outputs, layer.Outputs), layer.Outputs)],
                    OnnxProtos.Attribute("epsilon", (float)layer.Epsilon));
                break;
            case LayerType.LayerNorm:
                Node("LayerNormalization", name, row, [_value, Gamma(layer), Beta(layer)],
                    OnnxProtos.Attribute("axis", -1L), OnnxProtos.Attribute("epsilon", (float)layer.Epsilon));
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
            case LayerType.Dropout or LayerType.GaussianNoise:
                break; // the identity at inference
            default:
                throw new NotSupportedException($"{_architecture.Name}: ONNX export does not handle {layer.Type} rows ({name} {row}).");
        }
    }

    /// <summary>A Dense row and the BatchNorm after it as one Gemm with the folded weights, exactly as <c>Predict</c> folds them.</summary>
    private void AddFoldedDense(LayerDescription dense, LayerDescription norm)
    {
        int inputs = dense.Inputs, outputs = dense.Outputs;
        float[] weights = new float[outputs * inputs], bias = new float[outputs];
        BatchNorm.Fold(
            Parameters(dense.WeightOffset, outputs * inputs),
            dense.BiasOffset >= 0 ? Parameters(dense.BiasOffset, outputs) : default,
            Parameters(norm.WeightOffset, outputs), Parameters(norm.BiasOffset, outputs),
            Statistics(norm.StatisticsOffset, outputs), Statistics(norm.StatisticsOffset + outputs, outputs),
            weights, bias, inputs, outputs, (float)norm.Epsilon);
        AddDense($"{dense.Name}+{norm.Name}", $"{dense.Row} {norm.Row}: {norm.Name} folded into {dense.Name}", weights, bias, dense);
    }

    /// <summary><c>y = x·Wᵀ + b</c> as Gemm with transB = 1; without a bias, Gemm's optional C is left out.</summary>
    private void AddDense(string name, string row, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, LayerDescription dense)
    {
        string weightName = Initializer($"{name}.weight", weights, dense.Outputs, dense.Inputs);
        string[] inputs = bias.IsEmpty
            ? [_value, weightName]
            : [_value, weightName, Initializer($"{name}.bias", bias, dense.Outputs)];
        Node("Gemm", name, row, inputs, OnnxProtos.Attribute("transB", 1L));
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

    private string Gamma(LayerDescription layer) => Initializer($"{layer.Name}.weight", Parameters(layer.WeightOffset, layer.Outputs), layer.Outputs);

    private string Beta(LayerDescription layer) => Initializer($"{layer.Name}.bias", Parameters(layer.BiasOffset, layer.Outputs), layer.Outputs);

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
    private static string InputRow(NetworkArchitecture a) => a.Scaling switch
    {
        null => string.Create(CultureInfo.InvariantCulture, $"[Input({a.InputSize})]"),
        InputScalingKind.ZScore => string.Create(CultureInfo.InvariantCulture, $"[Input({a.InputSize}), ZScore]"),
        _ => string.Create(CultureInfo.InvariantCulture, $"[Input({a.InputSize}), MinMax({a.ScalingLow}, {a.ScalingHigh}{(a.ScalingClip ? ", Clip = true" : "")})]"),
    };

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
