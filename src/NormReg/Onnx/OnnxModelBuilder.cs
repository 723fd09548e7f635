using System;
using System.Reflection;
using NormReg.Onnx.Proto;

namespace NormReg.Onnx;

/// <summary>The ONNX model around a network's inference graph: versions, producer, inputs, outputs and metadata.</summary>
internal static class OnnxModelBuilder
{
    public const string InputName = "input", OutputName = "output";

    private static readonly string ProducerVersion =
        typeof(OnnxModelBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "";

    public static ModelProto Build(INetwork network)
    {
        NetworkArchitecture architecture = network.Architecture;
        if (network.StateLength != architecture.StateLength)
        {
            throw new InvalidOperationException($"{architecture.Name}: its state holds {network.StateLength} values but its architecture describes {architecture.StateLength}.");
        }
        float[] state = new float[network.StateLength];
        network.CopyState(state);

        GraphProto graph = OnnxGraphBuilder.Build(architecture, state, InputName, OutputName);
        string what = architecture.IsImage ? "Images, NCHW" : "Features per sample";
        graph.Input.Add(OnnxProtos.Batch(InputName, architecture.InputShape,
            architecture.Scaling is null ? what + "." : $"Raw {what.ToLowerInvariant()}; the graph applies the fitted input scaling."));
        graph.Output.Add(OnnxProtos.Batch(OutputName, architecture.Layers[^1].OutputShape, OutputDocumentation(architecture.Loss)));

        var model = new ModelProto
        {
            IrVersion = OnnxExport.IrVersion,
            ProducerName = "NormReg.Gen",
            ProducerVersion = ProducerVersion,
            DocString = $"{architecture.Name}'s inference graph, as its Predict computes it, exported by NormReg.Gen.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExport.OpsetVersion });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "normreg.network", Value = architecture.Name });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "normreg.loss", Value = architecture.Loss.ToString() });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "normreg.fingerprint", Value = architecture.Fingerprint });
        return model;
    }

    private static string OutputDocumentation(Loss loss) => loss switch
    {
        Loss.SoftmaxCrossEntropy => "The last row's values: logits for SoftmaxCrossEntropy (argmax is the class; softmax gives probabilities).",
        Loss.BinaryCrossEntropy => "The last row's values: logits for BinaryCrossEntropy (sigmoid gives probabilities).",
        _ => "The last row's values.",
    };
}
