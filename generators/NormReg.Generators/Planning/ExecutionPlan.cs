using NormReg.Generators.Model;

namespace NormReg.Generators.Planning;

/// <summary>How a dense layer's weights start.</summary>
internal enum InitKind
{
    None,
    HeUniform,
    GlorotUniform,
}

/// <summary>One layer placed in the network: its widths, its buffers and, for weight layers, its parameter slice.</summary>
/// <param name="InputBuffer">Field holding this layer's input activations.</param>
/// <param name="OutputBuffer">Field holding this layer's output activations.</param>
/// <param name="OutputGradientBuffer">Field holding the loss gradient with respect to the output.</param>
/// <param name="InputGradientBuffer">Field receiving the gradient with respect to the input; <see langword="null"/> for the first layer, whose input gradient goes to the caller's span.</param>
/// <param name="BiasOffset">Offset of the bias in the parameter block, or -1 without one.</param>
internal sealed record PlannedLayer(
    LayerSpec Layer,
    int Inputs,
    int Outputs,
    string InputBuffer,
    string OutputBuffer,
    string OutputGradientBuffer,
    string? InputGradientBuffer,
    int WeightOffset,
    int WeightCount,
    int BiasOffset,
    InitKind Init);

/// <summary>The network laid out for emission: buffers and parameter offsets fixed, sizes constant.</summary>
internal sealed record ExecutionPlan(NetworkSpec Network, EquatableArray<PlannedLayer> Layers, int ParameterCount, int StatisticsCount)
{
    public int OutputSize => Layers[Layers.Count - 1].Outputs;

    public PlannedLayer Last => Layers[Layers.Count - 1];
}
