using System.Collections.Generic;
using System.Linq;
using NormReg.Generators.Model;
using NormReg.Generators.Parsing;

namespace NormReg.Generators.Planning;

/// <summary>Turns a <see cref="NetworkSpec"/> into an <see cref="ExecutionPlan"/>.</summary>
internal static class Planner
{
    /// <summary>The first row reads the inputs the core copied in (and scaled in place).</summary>
    public const string InputBuffer = "_core.Inputs";

    public static ExecutionPlan Plan(NetworkSpec network)
    {
        var layers = new List<PlannedLayer>();
        int width = network.InputSize, parameters = 0, folded = 0;
        int statistics = network.Scaling.Kind == ScalingKind.None ? 0 : 2 * network.InputSize;
        string input = InputBuffer, inferenceInput = InputBuffer;
        string? inputGradient = null;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            LayerSpec spec = network.Layers[i];
            int outputs = spec.Kind == LayerKind.Dense ? spec.Units : width;
            var layer = new PlannedLayer(spec, width, outputs)
            {
                InputBuffer = input,
                OutputBuffer = Naming.OutputField(spec.Name),
                OutputGradientBuffer = Naming.GradientField(spec.Name),
                InputGradientBuffer = inputGradient,
                InferenceInputBuffer = inferenceInput,
            };
            switch (spec.Kind)
            {
                case LayerKind.Dense:
                    layer = layer with
                    {
                        WeightOffset = parameters,
                        WeightCount = width * outputs,
                        BiasOffset = spec.UseBias ? parameters + width * outputs : -1,
                        Init = spec.Init switch
                        {
                            InitChoice.HeUniform => InitKind.HeUniform,
                            InitChoice.GlorotUniform => InitKind.GlorotUniform,
                            InitChoice.PyTorch => InitKind.PyTorchUniform,
                            _ => FollowingActivationIsReLUFamily(network.Layers, i) ? InitKind.HeUniform : InitKind.GlorotUniform,
                        },
                    };
                    parameters += width * outputs + (spec.UseBias ? outputs : 0);
                    if (i + 1 < network.Layers.Count && network.Layers[i + 1].Kind == LayerKind.BatchNorm)
                    {
                        layer = layer with { Inference = InferenceRole.FoldedDense, FoldOffset = folded };
                        folded += width * outputs + outputs;
                    }
                    break;
                case LayerKind.BatchNorm or LayerKind.LayerNorm:
                    bool batchNorm = spec.Kind == LayerKind.BatchNorm;
                    layer = layer with
                    {
                        WeightOffset = parameters,
                        WeightCount = width,
                        BiasOffset = parameters + width,
                        Init = InitKind.Ones,
                        StatisticsOffset = batchNorm ? statistics : -1,
                        SavedBuffer = Naming.NormalizedField(spec.Name),
                        InverseStdBuffer = Naming.InverseStdField(spec.Name),
                        Inference = batchNorm && layers.Count > 0 && layers[layers.Count - 1].Inference == InferenceRole.FoldedDense
                            ? InferenceRole.Folded
                            : InferenceRole.Run,
                    };
                    parameters += 2 * width;
                    if (batchNorm) statistics += 2 * width;
                    break;
                case LayerKind.Dropout:
                    layer = layer with { SavedBuffer = Naming.MaskField(spec.Name), Inference = InferenceRole.Skip };
                    break;
                case LayerKind.GaussianNoise:
                    layer = layer with { Inference = InferenceRole.Skip };
                    break;
            }
            layers.Add(layer);
            width = outputs;
            input = layer.OutputBuffer;
            inputGradient = layer.OutputGradientBuffer;
            if (layer.Inference != InferenceRole.Skip) inferenceInput = layer.OutputBuffer;
        }
        return new ExecutionPlan(network, layers.ToEquatableArray())
        {
            ParameterCount = parameters,
            StatisticsCount = statistics,
            FoldedCount = folded,
            InferenceOutputBuffer = inferenceInput,
            UsesRandom = network.Layers.Any(l => l.Kind is LayerKind.Dropout or LayerKind.GaussianNoise),
            BatchStatisticsLayer = network.Layers.FirstOrDefault(l => l.Kind == LayerKind.BatchNorm)?.Name,
        };
    }

    /// <summary>He initialization suits the ReLU family (He et al., 2015); the first activation before the next dense layer decides.</summary>
    private static bool FollowingActivationIsReLUFamily(EquatableArray<LayerSpec> layers, int dense)
    {
        for (int j = dense + 1; j < layers.Count; j++)
        {
            switch (layers[j].Kind)
            {
                case LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.GELU: return true;
                case LayerKind.Dense or LayerKind.Tanh or LayerKind.Sigmoid or LayerKind.Softmax: return false;
            }
        }
        return false;
    }
}
