using System;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NormReg.Onnx.Proto;

namespace NormReg.Tests.Onnx;

/// <summary>An exported model loaded into an ONNX Runtime session, and the same bytes parsed as a <see cref="ModelProto"/>.</summary>
internal sealed class OnnxRuntimeModel : IDisposable
{
    private readonly InferenceSession _session;

    private OnnxRuntimeModel(InferenceSession session, ModelProto proto)
    {
        _session = session;
        Proto = proto;
    }

    /// <summary>The model as written, read back with this test project's own classes for the schema.</summary>
    public ModelProto Proto { get; }

    /// <summary>The session's view of the model's metadata.</summary>
    public ModelMetadata Metadata => _session.ModelMetadata;

    /// <summary>Exports <paramref name="net"/> to memory and loads the bytes into ONNX Runtime, which validates the graph.</summary>
    public static OnnxRuntimeModel Export(INetwork net)
    {
        using var stream = new MemoryStream();
        net.ExportOnnx(stream);
        return Load(stream.ToArray());
    }

    /// <summary>Loads a model from its bytes.</summary>
    public static OnnxRuntimeModel Load(byte[] model)
    {
        using var options = Options();
        return new OnnxRuntimeModel(new InferenceSession(model, options), ModelProto.Parser.ParseFrom(model));
    }

    /// <summary>Loads a model file, as a server would.</summary>
    public static OnnxRuntimeModel Load(string path)
    {
        using var options = Options();
        return new OnnxRuntimeModel(new InferenceSession(path, options), ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)));
    }

    /// <summary>Every graph optimization on, as in serving: fusions must not change the numbers either.</summary>
    private static SessionOptions Options() => new() { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };

    /// <summary>Runs <paramref name="batch"/> samples of shape <paramref name="sample"/> (features, or channels, height, width) through the session.</summary>
    public float[] Run(float[] inputs, int batch, System.Collections.Generic.IReadOnlyList<int> sample)
    {
        var tensor = new DenseTensor<float>(inputs, [batch, .. sample]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
        DisposableNamedOnnxValue output = results.Single();
        Assert.Equal("output", output.Name);
        return output.AsTensor<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();
}
