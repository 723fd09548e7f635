using System.Collections.Generic;
using System.Linq;
using NormReg.Demo.Networks;
using NormReg.Onnx.Proto;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Onnx;

/// <summary>The exported graph's structure: versions, inputs and outputs, which operators each row becomes, and names.</summary>
public sealed class OnnxGraphTests
{
    private static readonly HashSet<string> InferenceOperators =
    [
        "Sub", "Div", "Mul", "Add", "Clip", "Gemm", "BatchNormalization", "LayerNormalization",
        "Relu", "LeakyRelu", "Tanh", "Sigmoid", "Erf", "Softmax", "Identity",
        "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten",
    ];

    public static TheoryData<string> Networks => SampleNetworks.Names();

    [Theory]
    [MemberData(nameof(Networks))]
    public void GraphHasOneNodeGroupPerInferenceRow(string network)
    {
        INetwork net = SampleNetworks.Trained(network);
        NetworkArchitecture architecture = net.Architecture;
        using OnnxRuntimeModel model = OnnxRuntimeModel.Export(net);
        ModelProto proto = model.Proto;
        GraphProto graph = proto.Graph;

        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, Assert.Single(proto.OpsetImport, o => o.Domain == "").Version);
        Assert.Equal("NormReg.Gen", proto.ProducerName);
        Assert.False(string.IsNullOrEmpty(proto.ProducerVersion));
        Assert.Equal(architecture.Fingerprint, model.Metadata.CustomMetadataMap["normreg.fingerprint"]);

        AssertBatchOf(Assert.Single(graph.Input), "input", architecture.InputShape);
        AssertBatchOf(Assert.Single(graph.Output), "output", architecture.Layers[^1].OutputShape);
        Assert.Equal("output", graph.Node[^1].Output.Single());

        Assert.All(graph.Node, node => Assert.Contains(node.OpType, InferenceOperators));
        var layers = architecture.Layers;
        int dense = layers.Count(l => l.Type == LayerType.Dense);
        int unfoldedBatchNorms = layers.Where((l, i) => l.Type == LayerType.BatchNorm && (i == 0 || layers[i - 1].Type is not (LayerType.Dense or LayerType.Conv2D))).Count();
        Assert.Equal(dense, graph.Node.Count(n => n.OpType == "Gemm"));
        Assert.Equal(layers.Count(l => l.Type == LayerType.Conv2D), graph.Node.Count(n => n.OpType == "Conv"));
        Assert.Equal(layers.Count(l => l.Type is LayerType.MaxPool2D), graph.Node.Count(n => n.OpType == "MaxPool"));
        Assert.Equal(layers.Count(l => l.Type is LayerType.AvgPool2D), graph.Node.Count(n => n.OpType == "AveragePool"));
        Assert.Equal(layers.Count(l => l.Type is LayerType.Flatten or LayerType.GlobalAvgPool), graph.Node.Count(n => n.OpType == "Flatten"));
        Assert.Equal(unfoldedBatchNorms, graph.Node.Count(n => n.OpType == "BatchNormalization"));
        Assert.Equal(layers.Count(l => l.Type == LayerType.LayerNorm), graph.Node.Count(n => n.OpType == "LayerNormalization"));
        Assert.Equal(layers.Count(l => l.Type == LayerType.GELU), graph.Node.Count(n => n.OpType == "Erf"));

        // Every node names its row and carries the declared row text.
        string[] rowNames = [.. layers.Select(l => l.Name), "Input", "Identity"];
        Assert.All(graph.Node, node =>
        {
            Assert.Contains(rowNames, name => node.Name == name || node.Name.StartsWith(name + "/") || node.Name.StartsWith(name + "+"));
            Assert.StartsWith("[", node.DocString);
        });
    }

    [Fact]
    public void BatchNormAfterDenseIsFoldedIntoTheGemm()
    {
        GraphProto graph = Graph(typeof(FoldedRegressor));

        Assert.Equal(["Gemm", "Relu", "Gemm"], graph.Node.Select(n => n.OpType));
        Assert.Equal(["Dense1+BatchNorm1", "ReLU1", "Dense2+BatchNorm2"], graph.Node.Select(n => n.Name));
        Assert.Equal(
            ["Dense1+BatchNorm1.weight", "Dense1+BatchNorm1.bias", "Dense2+BatchNorm2.weight", "Dense2+BatchNorm2.bias"],
            graph.Initializer.Select(t => t.Name));
        Assert.Equal([3L, 6L], graph.Initializer[2].Dims);
        Assert.Equal("[Dense(6), L2(0.01)] [BatchNorm]: BatchNorm1 folded into Dense1", graph.Node[0].DocString);
        Assert.All(graph.Node.Where(n => n.OpType == "Gemm"), gemm => Assert.Equal(1, Attribute(gemm, "transB").I));
    }

    [Fact]
    public void BatchNormNotAfterDenseKeepsItsRunningStatistics()
    {
        GraphProto graph = Graph(typeof(BatchNormFirst));

        Assert.Equal(["Sub", "Div", "BatchNormalization", "Gemm", "Tanh", "BatchNormalization", "Gemm"], graph.Node.Select(n => n.OpType));
        NodeProto second = graph.Node[5];
        Assert.Equal(["Tanh1", "BatchNorm2.weight", "BatchNorm2.bias", "BatchNorm2.running_mean", "BatchNorm2.running_var"], second.Input);
        Assert.Equal(1e-3f, Attribute(second, "epsilon").F);
        Assert.Equal("[BatchNorm(Momentum = 0.3, Epsilon = 1e-3)]", second.DocString);
        Assert.Equal("[Input(4), ZScore]", graph.Node[0].DocString);
    }

    [Fact]
    public void DropoutAndNoiseRowsAreLeftOut()
    {
        GraphProto graph = Graph(typeof(SpiralRegularized));

        Assert.Equal(["Gemm", "Relu", "Gemm", "Relu", "Gemm"], graph.Node.Select(n => n.OpType));
        Assert.Contains("[Dropout(0.5)] (left out: the identity at inference)", graph.DocString);
        Assert.Equal(["Gemm", "Relu", "Gemm"], Graph(typeof(RegularizedClassifier)).Node.Select(n => n.OpType).Skip(2));
    }

    [Fact]
    public void ANetworkOfOnlyDropoutIsTheIdentity()
    {
        GraphProto graph = Graph(typeof(DropoutProbe));

        NodeProto node = Assert.Single(graph.Node);
        Assert.Equal("Identity", node.OpType);
        Assert.Equal(["input"], node.Input);
        Assert.Equal(["output"], node.Output);
    }

    [Fact]
    public void LayerNormGeluAndMinMaxMapToTheirOperators()
    {
        GraphProto graph = Graph(typeof(LayerNormNet));

        Assert.Equal(["Sub", "Mul", "Add"], graph.Node.Take(3).Select(n => n.OpType));
        NodeProto[] layerNorms = [.. graph.Node.Where(n => n.OpType == "LayerNormalization")];
        Assert.Equal([1e-5f, 1e-3f, 1e-5f], layerNorms.Select(n => Attribute(n, "epsilon").F));
        Assert.All(layerNorms, n => Assert.Equal(-1, Attribute(n, "axis").I));
        Assert.Equal(["Div", "Erf", "Add", "Mul", "Mul"], graph.Node.Where(n => n.Name.StartsWith("GELU1")).Select(n => n.OpType));
        Assert.Equal("output", graph.Node.Single(n => n.Name == "LayerNorm3").Output.Single());
    }

    [Fact]
    public void MinMaxClipIsAClipNodeToTheRange()
    {
        GraphProto graph = Graph(typeof(ScaledIdentity));

        Assert.Equal(["Sub", "Mul", "Add", "Clip", "Gemm"], graph.Node.Select(n => n.OpType));
        Assert.Equal(["Input/Add", "Input.low", "Input.high"], graph.Node[3].Input);
        Assert.Equal([-1f], graph.Initializer.Single(t => t.Name == "Input.low").FloatData);
        Assert.Equal([1f], graph.Initializer.Single(t => t.Name == "Input.high").FloatData);
        Assert.Empty(graph.Initializer.Single(t => t.Name == "Input.high").Dims);
    }

    [Fact]
    public void DenseWithoutBiasIsAGemmWithoutC()
    {
        GraphProto graph = Graph(typeof(DeepClassifier));

        Assert.Equal(["input", "Hidden.weight", "Hidden.bias"], graph.Node.Single(n => n.Name == "Hidden").Input);
        Assert.Equal(["ReLU1", "Dense2.weight"], graph.Node.Single(n => n.Name == "Dense2").Input);
        Assert.Equal(0.2f, Attribute(Graph(typeof(MultiLabelNet)).Node.Single(n => n.OpType == "LeakyRelu"), "alpha").F);
    }

    [Fact]
    public void ALayerNamedOutputKeepsItsValueApartFromTheGraphOutput()
    {
        GraphProto graph = Graph(typeof(OutputNamedNet));

        Assert.Equal(["output", "Tanh1", "Dense2"], graph.Node.Select(n => n.Name));
        Assert.Equal(["output.value", "Tanh1", "output"], graph.Node.Select(n => n.Output.Single()));
    }

    private static GraphProto Graph(System.Type network)
    {
        using OnnxRuntimeModel model = OnnxRuntimeModel.Export(SampleNetworks.Trained(network.FullName!));
        return model.Proto.Graph;
    }

    private static AttributeProto Attribute(NodeProto node, string name) => node.Attribute.Single(a => a.Name == name);

    private static void AssertBatchOf(ValueInfoProto value, string name, IReadOnlyList<int> sample)
    {
        Assert.Equal(name, value.Name);
        TypeProto.Types.Tensor tensor = value.Type.TensorType;
        Assert.Equal((int)TensorProto.Types.DataType.Float, tensor.ElemType);
        Assert.Equal("batch", tensor.Shape.Dim[0].DimParam);
        Assert.Equal(sample.Select(d => (long)d), tensor.Shape.Dim.Skip(1).Select(d => d.DimValue));
    }
}
