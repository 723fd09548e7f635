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
            if (TrainingSegments.Of(c.Segments, i, backward: true) is { } segment)
            {
                if (i != segment.Last) continue;
                WriteSplit(w, c, segment);
                // The weight gradients sum over the batch: each runs after the segment, split by its weights.
                for (int j = segment.Last; j >= segment.First; j--)
                {
                    if (plan.Layers[j].Layer.IsWeightLayer) WriteBackwardRow(w, c, j, BackwardPart.Weights, split: false);
                }
                continue;
            }
            WriteBackwardRow(w, c, i, BackwardPart.Whole, split: false);
        }
        InputScalingSpec scaling = c.Network.Scaling;
        if (scaling.Kind != ScalingKind.None)
        {
            int f = c.Plan.ScaledFeatures;
            ShapeSpec input = c.Network.InputShape;
            string layout = input.IsImage ? $"n, {Int(input.Channels)}, {Int(input.Spatial)}" : "n, InputSize";
            w.Line();
            w.Line($"// {c.Network.InputRow}: the gradient with respect to the raw inputs");
            w.Line(scaling.Kind == ScalingKind.ZScore
                ? $"if (!inputGradients.IsEmpty) {Kernels}InputScaling.ZScoreBackward(inputGradients, {Slice(Statistics, f, f)}, {layout});"
                : $"if (!inputGradients.IsEmpty) {Kernels}InputScaling.MinMaxBackward(inputGradients, {(scaling.Clip ? Rows(Planner.RawInputBuffer, c.Network.InputSize) : "default")}, {Slice(Statistics, 0, f)}, {Slice(Statistics, f, f)}, {layout}, {Float(scaling.Low)}, {Float(scaling.High)}, {Bool(scaling.Clip)});");
        }
        // Dense and Conv2D rows take their weights' penalty gradient above; what is left is their bias (when included) and the normalization rows.
        foreach (PlannedLayer layer in c.Penalized)
        {
            PenaltySpec p = layer.Layer.Penalty!;
            bool dense = layer.Layer.IsWeightLayer;
            if (dense && !(p.IncludeBias && layer.BiasOffset >= 0)) continue;
            string parameters = dense ? Slice(Parameters, layer.BiasOffset, layer.Units) : PenalizedSlice(Parameters, layer);
            string gradients = dense ? Slice(Gradients, layer.BiasOffset, layer.Units) : PenalizedSlice(Gradients, layer);
            w.Line();
            w.Line($"// {layer.Layer.Row} {layer.Layer.Name}: gradient of the penalty {PenaltyText(p)}{(dense ? ", on the bias" : "")}");
            w.Line($"finite &= {Kernels}Regularization.AddGradient({parameters}, {gradients}, {Float(p.L1)}, {Float(p.L2)});");
        }
        w.Line("return finite;");
        w.Close();
    }

    /// <summary>What of a row's backward <see cref="WriteBackwardRow"/> writes: all of it, or for a Dense or Conv2D row only its weight or input gradient.</summary>
    private enum BackwardPart
    {
        Whole,
        Weights,
        Input,
    }

    /// <summary>Row <paramref name="i"/> backwards, or <paramref name="part"/> of it; with <paramref name="split"/>, on samples start to start + n.</summary>
    private static void WriteBackwardRow(SourceWriter w, EmitContext c, int i, BackwardPart part, bool split)
    {
        ExecutionPlan plan = c.Plan;
        PlannedLayer layer = plan.Layers[i];
        string x = Rows(layer.InputBuffer, layer.Inputs, split), y = Rows(layer.OutputBuffer, layer.Outputs, split);
        string dy = i < plan.Layers.Count - 1 ? Rows(layer.OutputGradientBuffer, layer.Outputs, split)
            : split ? Rows("_core.OutputGradients", layer.Outputs, split) : "outputGradients";
        bool first = layer.InputGradientBuffer is null;
        string dx = first ? "inputGradients" : Rows(layer.InputGradientBuffer!, layer.Inputs, split);
        w.Line(part == BackwardPart.Whole ? Comment(layer) : $"{Comment(layer)}, {(part == BackwardPart.Weights ? "weight" : "input")} gradient");
        ShapeSpec image = layer.InputShape;
        string pixels = $"n, {Int(image.Channels)}, {Int(image.Height)}, {Int(image.Width)}";
        string geometry = $"in {Parsing.Naming.GeometryField(layer.Layer.Name)}";
        switch (layer.Layer.Kind)
        {
            case LayerKind.Dense or LayerKind.Conv2D:
                bool conv = layer.Layer.Kind == LayerKind.Conv2D;
                string scratch = Parsing.Naming.ScratchField(layer.Layer.Name);
                if (part != BackwardPart.Input) WriteWeightGradient(w, layer, i, x, dy, y, conv, scratch, geometry);
                if (part == BackwardPart.Weights) break;
                WriteInputGradient(w, first, conv
                    ? split
                        ? $"{Kernels}Conv2D.BackwardInput({dy}, {Weights(Parameters, layer)}, {dx}, _core.ThreadScratch(thread, {scratch}), n, {geometry});"
                        : $"{Kernels}Conv2DBatch.BackwardInput({dy}, {Weights(Parameters, layer)}, {dx}, {scratch}, n, {geometry});"
                    : $"{Kernels}Dense.BackwardInput({dy}, {Weights(Parameters, layer)}, {dx}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)});");
                break;
            case LayerKind.BatchNorm or LayerKind.LayerNorm:
                // γ and β gradients come with the input gradient; the first row needs scratch room when the caller wants none.
                string target = first ? $"inputGradients.IsEmpty ? {Rows("_dInput", layer.Inputs)} : inputGradients" : dx;
                string inverseStd = layer.Layer.Kind == LayerKind.BatchNorm ? layer.InverseStdBuffer! : $"{layer.InverseStdBuffer}.AsSpan(0, n)";
                string shape = layer.Spatial ? $"n, {Int(layer.Units)}, {Int(image.Spatial)}" : $"n, {Int(layer.Outputs)}";
                w.Line($"finite &= {Kernels}{layer.Layer.Kind}.Backward{(layer.Spatial ? "Spatial" : "")}({dy}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {inverseStd}, {Weights(Parameters, layer)}, {target}, {Weights(Gradients, layer)}, {Bias(Gradients, layer)}, {shape});");
                break;
            case LayerKind.ReLU when layer.InPool:
                w.Line(ReLUInPool);
                break;
            case LayerKind.MaxPool2D when i > 0 && plan.Layers[i - 1].InPool:
                w.Line($"// and {plan.Layers[i - 1].Layer.Name} before it: the gradient routed only where the pooled output is positive");
                WriteInputGradient(w, first, $"{Kernels}Pooling.MaxBackward({dy}, {PerSample(layer.SavedBuffer!, layer.Outputs, split)}, {dx}, n, {geometry}, {y});");
                break;
            case LayerKind.Flatten when layer.OutputGradientBuffer == layer.InputGradientBuffer:
                w.Line($"// nothing to do: {Parsing.Naming.GradientField(layer.Layer.Name)} would hold the same values as {layer.InputGradientBuffer}, which the row after writes");
                break;
            default:
                WriteInputGradient(w, first, layer.Layer.Kind switch
                {
                    LayerKind.ReLU or LayerKind.Tanh or LayerKind.Sigmoid => $"{Kernels}Activations.{layer.Layer.Kind}Backward({y}, {dy}, {dx});",
                    LayerKind.LeakyReLU => $"{Kernels}Activations.LeakyReLUBackward({x}, {dy}, {dx}, {Float(layer.Layer.Alpha)});",
                    LayerKind.GELU => $"{Kernels}Activations.GELUBackward({x}, {dy}, {dx});",
                    LayerKind.Softmax => $"{Kernels}Activations.SoftmaxBackward({y}, {dy}, {dx}, n, {Int(layer.Outputs)});",
                    LayerKind.Dropout => $"{Kernels}Dropout.Backward({dy}, {Rows(layer.SavedBuffer!, layer.Outputs, split)}, {dx});",
                    LayerKind.SpatialDropout => $"{Kernels}Dropout.SpatialBackward({dy}, {PerSample(layer.SavedBuffer!, image.Channels, split)}, {dx}, n, {Int(image.Channels)}, {Int(image.Spatial)});",
                    LayerKind.MaxPool2D => $"{Kernels}Pooling.MaxBackward({dy}, {PerSample(layer.SavedBuffer!, layer.Outputs, split)}, {dx}, n, {geometry});",
                    LayerKind.AvgPool2D => $"{Kernels}Pooling.AverageBackward({dy}, {dx}, n, {geometry});",
                    LayerKind.GlobalAvgPool => $"{Kernels}Pooling.GlobalAverageBackward({dy}, {dx}, n, {Int(image.Channels)}, {Int(image.Spatial)});",
                    LayerKind.RandomFlip or LayerKind.RandomRotation => $"{Kernels}Augmentation.{layer.Layer.Kind}Backward({dy}, {PerSample(layer.SavedBuffer!, 1, split)}, {dx}, {pixels});",
                    LayerKind.RandomTranslation => $"{Kernels}Augmentation.RandomTranslationBackward({dy}, {PerSample(layer.SavedBuffer!, 2, split)}, {dx}, {pixels});",
                    _ => $"{dy}.CopyTo({dx});",
                });
                break;
        }
        if (i > 0 || split) w.Line();
    }

    /// <summary>A Dense or Conv2D row's weight and bias gradients, with its penalty's; a large Dense row may defer them to a fused update.</summary>
    private static void WriteWeightGradient(SourceWriter w, PlannedLayer layer, int i, string x, string dy, string y, bool conv, string scratch, string geometry)
    {
        string penalty = layer.Layer.Penalty is { } p ? $", {Weights(Parameters, layer)}, {Float(p.L1)}, {Float(p.L2)}" : "";
        if (penalty.Length > 0) w.Line($"// with the gradient of the penalty {PenaltyText(layer.Layer.Penalty!)} on the weights, added tile by tile");
        if (!conv && layer.WeightCount >= FusedUpdateMinimumWeights)
        {
            string strengths = layer.Layer.Penalty is { } q ? $", {Float(q.L1)}, {Float(q.L2)}" : "";
            w.Line("// large: a TrainStep may compute the weight gradient in the pass of the update (NetworkCore.DeferWeightGradients)");
            w.Line($"if (!_core.DeferWeightGradients({Int(i)}, n, {x}, {dy}, {y}{strengths})) finite &= {Kernels}Dense.BackwardParameters({x}, {dy}, {Weights(Gradients, layer)}, {Bias(Gradients, layer)}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)}{penalty});");
            if (layer.BiasOffset >= 0) w.Line($"else finite &= {Kernels}Dense.BackwardBias({dy}, {Bias(Gradients, layer)}, n, {Int(layer.Outputs)});");
            return;
        }
        w.Line(conv
            ? $"finite &= {Kernels}Conv2DBatch.BackwardParameters({x}, {dy}, {Weights(Gradients, layer)}, {Bias(Gradients, layer)}, {scratch}, n, {geometry}{penalty});"
            : $"finite &= {Kernels}Dense.BackwardParameters({x}, {dy}, {Weights(Gradients, layer)}, {Bias(Gradients, layer)}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)}{penalty});");
    }

    /// <summary>
    /// Dense rows with at least this many weights let a small-batch TrainStep fuse their update into the product of their weight
    /// gradient (NetworkCore.DeferWeightGradients). Measured on networks of two square rows at batch 1 and 8: 128 × 128 rows step
    /// 1.2–1.5× faster fused, 64 × 64 rows no faster (their weights, gradients and momentum stay in L1 and L2 between the passes).
    /// </summary>
    internal const int FusedUpdateMinimumWeights = 16384;

    /// <summary>The weights a penalty covers, with the bias (contiguous after them) when asked.</summary>
    private static string PenalizedSlice(string array, PlannedLayer layer) =>
        Slice(array, layer.WeightOffset, layer.WeightCount + (layer.Layer.Penalty!.IncludeBias && layer.BiasOffset >= 0 ? layer.Units : 0));

    private static void WriteInputGradient(SourceWriter w, bool first, string call) =>
        w.Line(first ? $"if (!inputGradients.IsEmpty) {call}" : call);
}
