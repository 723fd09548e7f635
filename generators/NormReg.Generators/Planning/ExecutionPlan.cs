using System.Linq;
using NormReg.Generators.Model;

namespace NormReg.Generators.Planning;

/// <summary>How a layer's trainable parameters start.</summary>
internal enum InitKind
{
    None,
    HeUniform,
    GlorotUniform,

    /// <summary>PyTorch's <c>nn.Linear</c> default: weights and bias U(±1/√fan_in).</summary>
    PyTorchUniform,

    /// <summary>Normalization layers: γ = 1, β = 0.</summary>
    Ones,
}

/// <summary>What the inference pass does with a layer.</summary>
internal enum InferenceRole
{
    /// <summary>Runs as in training, or with running statistics (BatchNorm not after a Dense or Conv2D).</summary>
    Run,

    /// <summary>The identity at inference (dropout, noise, augmentation, and Flatten always): the next layer reads this layer's input.</summary>
    Skip,

    /// <summary>A Dense or Conv2D layer whose following BatchNorm is folded into it: runs with the folded weights into the BatchNorm's output.</summary>
    FoldedWeights,

    /// <summary>A BatchNorm folded into the Dense or Conv2D layer before it: nothing left to run.</summary>
    Folded,
}

/// <summary>One layer placed in the network: shapes, buffers and its slices of the parameter, statistics and fold blocks.</summary>
internal sealed record PlannedLayer(LayerSpec Layer, ShapeSpec InputShape, ShapeSpec OutputShape)
{
    /// <summary>Values per sample in.</summary>
    public int Inputs => InputShape.Size;

    /// <summary>Values per sample out.</summary>
    public int Outputs => OutputShape.Size;

    /// <summary>Dense: output features; Conv2D: filters (the rows of the weight matrix, each with a bias); BatchNorm, LayerNorm: values of γ.</summary>
    public int Units { get; init; }

    /// <summary>Dense: input features; Conv2D: channels·kernel² (the columns of the weight matrix).</summary>
    public int FanIn { get; init; }

    /// <summary>Whether the layer declares no activations of its own (Flatten reads and writes its input's buffers).</summary>
    public bool Aliased { get; init; }

    /// <summary>
    /// A ReLU whose MaxPool2D row after it computes it, forward and backward (the pool's input and input gradient are this row's):
    /// no activations or gradients of its own.
    /// </summary>
    public bool InPool { get; init; }

    /// <summary>BatchNorm on an image: statistics per channel over the batch and every pixel (BatchNorm2d).</summary>
    public bool Spatial { get; init; }

    /// <summary>Field holding the layer's input activations.</summary>
    public string InputBuffer { get; init; } = "";

    /// <summary>Field holding the layer's output activations.</summary>
    public string OutputBuffer { get; init; } = "";

    /// <summary>Field holding the loss gradient with respect to the output.</summary>
    public string OutputGradientBuffer { get; init; } = "";

    /// <summary>Field receiving the gradient with respect to the input; <see langword="null"/> for the first layer, which writes the caller's span.</summary>
    public string? InputGradientBuffer { get; init; }

    /// <summary>Where the inference pass finds this layer's input (a skipped layer before it is looked through).</summary>
    public string InferenceInputBuffer { get; init; } = "";

    public InferenceRole Inference { get; init; }

    /// <summary>Dense, Conv2D: weights; BatchNorm, LayerNorm: γ. Offset and count in the parameter block.</summary>
    public int WeightOffset { get; init; }

    public int WeightCount { get; init; }

    /// <summary>Dense, Conv2D: bias; BatchNorm, LayerNorm: β (<see cref="Units"/> values). Offset in the parameter block, or -1.</summary>
    public int BiasOffset { get; init; } = -1;

    public InitKind Init { get; init; }

    /// <summary>BatchNorm: offset of the running mean (the running variance follows) in the statistics block, or -1.</summary>
    public int StatisticsOffset { get; init; } = -1;

    /// <summary>BatchNorm, LayerNorm: field of x̂ kept for backward. Dropout, SpatialDropout: field of the mask. MaxPool2D: of the argmax. Augmentation: of what was drawn.</summary>
    public string? SavedBuffer { get; init; }

    /// <summary>BatchNorm, LayerNorm: field of 1/√(σ²+ε), per feature or per sample.</summary>
    public string? InverseStdBuffer { get; init; }

    /// <summary>FoldedWeights: offset of the folded weights (the folded bias follows) in the fold block.</summary>
    public int FoldOffset { get; init; } = -1;
}

/// <summary>The network laid out for emission: buffers, offsets and folds fixed, sizes constant.</summary>
internal sealed record ExecutionPlan(NetworkSpec Network, EquatableArray<PlannedLayer> Layers)
{
    public int ParameterCount { get; init; }

    /// <summary>Fitted and running statistics: input scaling first, then each BatchNorm's running mean and variance.</summary>
    public int StatisticsCount { get; init; }

    /// <summary>Folded Dense+BatchNorm and Conv2D+BatchNorm weights and biases for inference.</summary>
    public int FoldedCount { get; init; }

    /// <summary>Where the inference pass leaves the outputs.</summary>
    public string InferenceOutputBuffer { get; init; } = "";

    public int OutputSize => Layers[Layers.Count - 1].Outputs;

    public PlannedLayer Last => Layers[Layers.Count - 1];

    public bool HasScaling => Network.Scaling.Kind != ScalingKind.None;

    /// <summary>Statistics the input scaling keeps of each kind: one per channel of an image, one per feature of a vector.</summary>
    public int ScaledFeatures => Network.InputShape.IsImage ? Network.InputShape.Channels : Network.InputSize;

    /// <summary>
    /// Whether inference can be sampled (Monte-Carlo dropout): dropout, spatial dropout or noise. Augmentation is drawn in
    /// training only, so it does not count.
    /// </summary>
    public bool Samples => Layers.Any(l => l.Layer.Kind is LayerKind.Dropout or LayerKind.SpatialDropout or LayerKind.GaussianNoise);

    /// <summary>Whether the sampling pass differs from the training pass: BatchNorm uses its running statistics there, augmentation is the identity.</summary>
    public bool HasOwnSamplingPass => Samples && (HasBatchNorm || Layers.Any(l => l.Layer.IsAugmentation));

    /// <summary>Whether a BatchNorm row normalizes with batch statistics in training.</summary>
    public bool HasBatchNorm => Layers.Any(l => l.Layer.Kind == LayerKind.BatchNorm);

    /// <summary>The first BatchNorm with one value per feature and sample, when training needs batches of at least 2; otherwise <see langword="null"/>.</summary>
    public string? BatchStatisticsLayer { get; init; }
}
