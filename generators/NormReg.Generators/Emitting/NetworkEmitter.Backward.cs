using NormReg.Generators.Model;
using NormReg.Generators.Planning;
using static NormReg.Generators.Emitting.Literals;

namespace NormReg.Generators.Emitting;

/// <summary>The backward pass: every row in reverse, then the input scaling and the penalties' gradients.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteBackward(SourceWriter w, EmitContext c)
    {
        ExecutionPlan plan = c.Plan;
        w.Line("// Every row backwards from the gradient of the outputs; the first row writes inputGradients when it is not empty.");
        w.Line("// Returns whether every parameter gradient is finite, as the kernels found while writing them.");
        w.Open($"bool {Runtime}INetworkPasses.Backward(int n, {ReadOnlySpan}<float> outputGradients, {Span}<float> inputGradients)");
        w.Line("bool finite = true;");
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            PlannedLayer layer = plan.Layers[i];
            string x = Rows(layer.InputBuffer, layer.Inputs), y = Rows(layer.OutputBuffer, layer.Outputs);
            string dy = i == plan.Layers.Count - 1 ? "outputGradients" : Rows(layer.OutputGradientBuffer, layer.Outputs);
            bool first = layer.InputGradientBuffer is null;
            string dx = first ? "inputGradients" : Rows(layer.InputGradientBuffer!, layer.Inputs);
            w.Line(Comment(layer));
            switch (layer.Layer.Kind)
            {
                case LayerKind.Dense:
                    string penalty = layer.Layer.Penalty is { } p ? $", {Weights(Parameters, layer)}, {Float(p.L1)}, {Float(p.L2)}" : "";
                    if (penalty.Length > 0) w.Line($"// with the gradient of the penalty {PenaltyText(layer.Layer.Penalty!)} on the weights, added tile by tile");
                    w.Line($"finite &= {Kernels}Dense.BackwardParameters({x}, {dy}, {Weights(Gradients, layer)}, {Bias(Gradients, layer)}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)}{penalty});");
                    WriteInputGradient(w, first, $"{Kernels}Dense.BackwardInput({dy}, {Weights(Parameters, layer)}, {dx}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)});");
                    break;
                case LayerKind.BatchNorm or LayerKind.LayerNorm:
                    // γ and β gradients come with the input gradient; the first row needs scratch room when the caller wants none.
                    string target = first ? $"inputGradients.IsEmpty ? {Rows("_dInput", layer.Inputs)} : inputGradients" : dx;
                    string inverseStd = layer.Layer.Kind == LayerKind.BatchNorm ? layer.InverseStdBuffer! : $"{layer.InverseStdBuffer}.AsSpan(0, n)";
                    w.Line($"finite &= {Kernels}{layer.Layer.Kind}.Backward({dy}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {inverseStd}, {Weights(Parameters, layer)}, {target}, {Weights(Gradients, layer)}, {Bias(Gradients, layer)}, n, {Int(layer.Outputs)});");
                    break;
                default:
                    WriteInputGradient(w, first, layer.Layer.Kind switch
                    {
                        LayerKind.ReLU or LayerKind.Tanh or LayerKind.Sigmoid => $"{Kernels}Activations.{layer.Layer.Kind}Backward({y}, {dy}, {dx});",
                        LayerKind.LeakyReLU => $"{Kernels}Activations.LeakyReLUBackward({x}, {dy}, {dx}, {Float(layer.Layer.Alpha)});",
                        LayerKind.GELU => $"{Kernels}Activations.GELUBackward({x}, {dy}, {dx});",
                        LayerKind.Softmax => $"{Kernels}Activations.SoftmaxBackward({y}, {dy}, {dx}, n, {Int(layer.Outputs)});",
                        LayerKind.Dropout => $"{Kernels}Dropout.Backward({dy}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {dx});",
                        _ => $"{dy}.CopyTo({dx});",
                    });
                    break;
            }
            if (i > 0) w.Line();
        }

        InputScalingSpec scaling = c.Network.Scaling;
        if (scaling.Kind != ScalingKind.None)
        {
            int width = c.Network.InputSize;
            w.Line();
            w.Line($"// {c.Network.InputRow}: the gradient with respect to the raw inputs");
            w.Line(scaling.Kind == ScalingKind.ZScore
                ? $"if (!inputGradients.IsEmpty) {Kernels}InputScaling.ZScoreBackward(inputGradients, {Slice(Statistics, width, width)}, n, InputSize);"
                : $"if (!inputGradients.IsEmpty) {Kernels}InputScaling.MinMaxBackward(inputGradients, {Rows(Planner.InputBuffer, width)}, {Slice(Statistics, 0, width)}, {Slice(Statistics, width, width)}, n, InputSize, {Float(scaling.Low)}, {Float(scaling.High)}, {(scaling.Clip ? "true" : "false")});");
        }
        // Dense rows take their weights' penalty gradient above; what is left is their bias (when included) and the normalization rows.
        foreach (PlannedLayer layer in c.Penalized)
        {
            PenaltySpec p = layer.Layer.Penalty!;
            bool dense = layer.Layer.Kind == LayerKind.Dense;
            if (dense && !(p.IncludeBias && layer.BiasOffset >= 0)) continue;
            string parameters = dense ? Slice(Parameters, layer.BiasOffset, layer.Outputs) : PenalizedSlice(Parameters, layer);
            string gradients = dense ? Slice(Gradients, layer.BiasOffset, layer.Outputs) : PenalizedSlice(Gradients, layer);
            w.Line();
            w.Line($"// {layer.Layer.Row} {layer.Layer.Name}: gradient of the penalty {PenaltyText(p)}{(dense ? ", on the bias" : "")}");
            w.Line($"finite &= {Kernels}Regularization.AddGradient({parameters}, {gradients}, {Float(p.L1)}, {Float(p.L2)});");
        }
        w.Line("return finite;");
        w.Close();
    }

    /// <summary>The weights a penalty covers, with the bias (contiguous after them) when asked.</summary>
    private static string PenalizedSlice(string array, PlannedLayer layer) =>
        Slice(array, layer.WeightOffset, layer.WeightCount + (layer.Layer.Penalty!.IncludeBias && layer.BiasOffset >= 0 ? layer.Outputs : 0));

    private static void WriteInputGradient(SourceWriter w, bool first, string call) =>
        w.Line(first ? $"if (!inputGradients.IsEmpty) {call}" : call);
}
