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

    /// <summary>The inputs of a training pass as they came, kept for the input gradient of <c>[MinMax(Clip = true)]</c>.</summary>
    public const string RawInputBuffer = "_core.RawInputs";

    public static ExecutionPlan Plan(NetworkSpec network)
    {
        var layers = new List<PlannedLayer>();
        ShapeSpec shape = network.InputShape;
        int parameters = 0, folded = 0;
        int statistics = network.Scaling.Kind == ScalingKind.None ? 0 : 2 * (shape.IsImage ? shape.Channels : shape.Size);
        string input = InputBuffer, inferenceInput = InputBuffer;
        string? inputGradient = null;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            LayerSpec spec = network.Layers[i];
            ShapeSpec output = Shapes.Output(spec, shape);
            var layer = new PlannedLayer(spec, shape, output)
            {
                InputBuffer = input,
                OutputBuffer = Naming.OutputField(spec.Name),
                OutputGradientBuffer = Naming.GradientField(spec.Name),
                InputGradientBuffer = inputGradient,
                InferenceInputBuffer = inferenceInput,
                Inference = spec.IsTrainingOnly ? InferenceRole.Skip : InferenceRole.Run,
            };
            switch (spec.Kind)
            {
                case LayerKind.Dense or LayerKind.Conv2D:
                    int fanIn = spec.Kind == LayerKind.Dense ? shape.Size : shape.Channels * spec.Kernel * spec.Kernel;
                    int weights = spec.Units * fanIn;
                    layer = layer with
                    {
                        Units = spec.Units,
                        FanIn = fanIn,
                        WeightOffset = parameters,
                        WeightCount = weights,
                        BiasOffset = spec.UseBias ? parameters + weights : -1,
                        Init = spec.Init switch
                        {
                            InitChoice.HeUniform => InitKind.HeUniform,
                            InitChoice.GlorotUniform => InitKind.GlorotUniform,
                            InitChoice.PyTorch => InitKind.PyTorchUniform,
                            _ => FollowingActivationIsReLUFamily(network.Layers, i) ? InitKind.HeUniform : InitKind.GlorotUniform,
                        },
                    };
                    parameters += weights + (spec.UseBias ? spec.Units : 0);
                    if (i + 1 < network.Layers.Count && network.Layers[i + 1].Kind == LayerKind.BatchNorm)
                    {
                        layer = layer with { Inference = InferenceRole.FoldedWeights, FoldOffset = folded };
                        folded += weights + spec.Units;
                    }
                    break;
                case LayerKind.BatchNorm or LayerKind.LayerNorm:
                    bool batchNorm = spec.Kind == LayerKind.BatchNorm;
                    // BatchNorm on an image normalizes each channel (BatchNorm2d); LayerNorm each sample's C·H·W values.
                    int features = batchNorm && shape.IsImage ? shape.Channels : shape.Size;
                    layer = layer with
                    {
                        Units = features,
                        Spatial = batchNorm && shape.IsImage,
                        WeightOffset = parameters,
                        WeightCount = features,
                        BiasOffset = parameters + features,
                        Init = InitKind.Ones,
                        StatisticsOffset = batchNorm ? statistics : -1,
                        SavedBuffer = Naming.NormalizedField(spec.Name),
                        InverseStdBuffer = Naming.InverseStdField(spec.Name),
                        Inference = batchNorm && layers.Count > 0 && layers[layers.Count - 1].Inference == InferenceRole.FoldedWeights
                            ? InferenceRole.Folded
                            : InferenceRole.Run,
                    };
                    parameters += 2 * features;
                    if (batchNorm) statistics += 2 * features;
                    break;
                case LayerKind.Dropout or LayerKind.SpatialDropout:
                    layer = layer with { SavedBuffer = Naming.MaskField(spec.Name) };
                    break;
                case LayerKind.MaxPool2D:
                    layer = layer with { SavedBuffer = Naming.ArgmaxField(spec.Name) };
                    break;
                case LayerKind.RandomFlip or LayerKind.RandomRotation or LayerKind.RandomTranslation:
                    layer = layer with { SavedBuffer = Naming.DrawnField(spec.Name) };
                    break;
                case LayerKind.ReLU when inputGradient is not null && i + 1 < network.Layers.Count && network.Layers[i + 1].Kind == LayerKind.MaxPool2D:
                    // The pool takes the maximum of this row's input and rectifies it (max and ReLU commute), and routes its gradient
                    // only where its output is positive: both rows in one pass over the large activation, through this row's buffers.
                    layer = layer with { InPool = true, OutputBuffer = input, OutputGradientBuffer = inputGradient };
                    break;
                case LayerKind.Flatten:
                    // The values do not move: the row reads and writes its input's buffer and, between two rows, passes
                    // gradients through the buffer of the row before. First or last, it copies the gradient it cannot share.
                    bool shares = inputGradient is not null && i + 1 < network.Layers.Count;
                    layer = layer with
                    {
                        Aliased = true,
                        OutputBuffer = input,
                        OutputGradientBuffer = shares ? inputGradient! : layer.OutputGradientBuffer,
                        Inference = InferenceRole.Skip,
                    };
                    break;
            }
            layers.Add(layer);
            shape = output;
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
            BatchStatisticsLayer = Shapes.BatchStatisticsLayer(network)?.Name,
        };
    }

    /// <summary>He initialization suits the ReLU family (He et al., 2015); the first activation before the next weight layer decides.</summary>
    private static bool FollowingActivationIsReLUFamily(EquatableArray<LayerSpec> layers, int dense)
    {
        for (int j = dense + 1; j < layers.Count; j++)
        {
            switch (layers[j].Kind)
            {
                case LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.GELU: return true;
                case LayerKind.Dense or LayerKind.Conv2D or LayerKind.Tanh or LayerKind.Sigmoid or LayerKind.Softmax: return false;
            }
        }
        return false;
    }
}
