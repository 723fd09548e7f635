using System.Linq;
using NormReg.Generators.Model;
using NormReg.Generators.Planning;
using static NormReg.Generators.Emitting.Literals;

namespace NormReg.Generators.Emitting;

/// <summary>
/// The forward passes. A network whose rows act the same in every mode gets one pass; one with dropout, noise or
/// BatchNorm gets a pass per mode, the inference pass with each BatchNorm folded into the Dense before it.
/// </summary>
internal static partial class NetworkEmitter
{
    private const string ForwardSignature = $"{ReadOnlySpan}<float> {Runtime}INetworkPasses.Forward(int n, global::NormReg.ForwardMode mode)";

    private static void WriteForward(SourceWriter w, EmitContext c)
    {
        ExecutionPlan plan = c.Plan;
        if (plan.Layers.All(l => l.Layer.Kind is not (LayerKind.BatchNorm or LayerKind.Dropout or LayerKind.GaussianNoise)))
        {
            w.Line("// The forward pass, the same in every mode: no row here draws at random or normalizes with batch statistics.");
            w.Open(ForwardSignature);
            WriteRows(w, c, sampling: false);
            w.Line($"return {Rows(plan.Last.OutputBuffer, plan.OutputSize)};");
            w.Close();
            w.Line();
            return;
        }
        w.Line("// The forward pass of the caller's mode (the core has checked the arguments and copied the inputs).");
        w.Line($"{ForwardSignature} => mode switch");
        w.Line("{");
        w.Indent();
        w.Line("global::NormReg.ForwardMode.Training => ForwardTraining(n),");
        bool batchNorm = plan.BatchStatisticsLayer is not null;
        if (plan.UsesRandom) w.Line($"global::NormReg.ForwardMode.Sampling => {(batchNorm ? "ForwardSampling" : "ForwardTraining")}(n),{(batchNorm ? "" : " // without BatchNorm, sampling is the training pass")}");
        w.Line("_ => ForwardInference(n),");
        w.Close(";");
        w.Line();
        WriteForwardInference(w, c);
        WritePass(w, c, sampling: false);
        if (plan.UsesRandom && batchNorm) WritePass(w, c, sampling: true);
    }

    private static void WriteForwardInference(SourceWriter w, EmitContext c)
    {
        ExecutionPlan plan = c.Plan;
        w.Line("// Inference: dropout and noise are the identity, BatchNorm uses its running statistics (folded into the Dense before it where there is one).");
        w.Open($"private {ReadOnlySpan}<float> ForwardInference(int n)");
        if (c.HasFolds)
        {
            w.Line("if (_core.FoldsStale) RefreshFolds();");
            w.Line();
        }
        WriteScaling(w, c);
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            PlannedLayer layer = plan.Layers[i];
            if (i > 0) w.Line();
            string x = Rows(layer.InferenceInputBuffer, layer.Inputs), y = Rows(layer.OutputBuffer, layer.Outputs);
            switch (layer.Inference)
            {
                case InferenceRole.Skip:
                    w.Line($"// {layer.Layer.Row} {layer.Layer.Name}: the identity at inference.");
                    break;
                case InferenceRole.Folded:
                    w.Line($"// {layer.Layer.Row} {layer.Layer.Name}: folded into {plan.Layers[i - 1].Layer.Name} above.");
                    break;
                case InferenceRole.FoldedDense:
                    PlannedLayer norm = plan.Layers[i + 1];
                    w.Line($"// {layer.Layer.Row} + {norm.Layer.Row} {layer.Layer.Name} with {norm.Layer.Name} folded in: {Int(layer.Inputs)} → {Int(layer.Outputs)}");
                    w.Line($"{Kernels}Dense.Forward({x}, {Slice("_folded", layer.FoldOffset, layer.WeightCount)}, {Slice("_folded", layer.FoldOffset + layer.WeightCount, layer.Outputs)}, {Rows(norm.OutputBuffer, norm.Outputs)}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)});");
                    break;
                default:
                    w.Line(Comment(layer));
                    w.Line(layer.Layer.Kind == LayerKind.BatchNorm ? BatchNormInference(layer, x, y) : ForwardCall(layer, x, y));
                    break;
            }
        }
        w.Line($"return {Rows(plan.InferenceOutputBuffer, plan.OutputSize)};");
        w.Close();
        w.Line();
        if (!c.HasFolds) return;

        w.Line("// Folds each BatchNorm into the Dense before it: W' = W·s and b' = (b − μ)·s + β, with s = γ/√(σ² + ε) from the running statistics.");
        w.Open("private void RefreshFolds()");
        foreach (PlannedLayer dense in plan.Layers.Where(l => l.Inference == InferenceRole.FoldedDense))
        {
            PlannedLayer norm = plan.Layers[plan.Layers.ToList().IndexOf(dense) + 1];
            w.Line($"// {dense.Layer.Row} + {norm.Layer.Row}");
            w.Line($"{Kernels}BatchNorm.Fold({Weights(Parameters, dense)}, {Bias(Parameters, dense)}, {Weights(Parameters, norm)}, {Bias(Parameters, norm)}, {RunningMean(norm)}, {RunningVariance(norm)}, {Slice("_folded", dense.FoldOffset, dense.WeightCount)}, {Slice("_folded", dense.FoldOffset + dense.WeightCount, dense.Outputs)}, {Int(dense.Inputs)}, {Int(dense.Outputs)}, {Float(norm.Layer.Epsilon)});");
        }
        w.Line("_core.FoldsStale = false;");
        w.Close();
        w.Line();
    }

    /// <summary>
    /// The training pass, or the Monte-Carlo sampling pass: the same rows reading the same buffers, except that
    /// sampling normalizes BatchNorm with its running statistics and leaves them alone.
    /// </summary>
    private static void WritePass(SourceWriter w, EmitContext c, bool sampling)
    {
        w.Line(sampling
            ? "// Monte-Carlo sampling: dropout and noise drawn, BatchNorm on its running statistics."
            : "// Training: BatchNorm on batch statistics, dropout and noise drawn, every activation kept for the backward pass.");
        w.Open($"private {ReadOnlySpan}<float> {(sampling ? "ForwardSampling" : "ForwardTraining")}(int n)");
        WriteRows(w, c, sampling);
        w.Line($"return {Rows(c.Plan.Last.OutputBuffer, c.Plan.OutputSize)};");
        w.Close();
        w.Line();
    }

    /// <summary>Every row as training (or sampling) runs it, each reading the buffer of the row before.</summary>
    private static void WriteRows(SourceWriter w, EmitContext c, bool sampling)
    {
        WriteScaling(w, c);
        foreach (PlannedLayer layer in c.Plan.Layers)
        {
            w.Line(Comment(layer));
            string x = Rows(layer.InputBuffer, layer.Inputs), y = Rows(layer.OutputBuffer, layer.Outputs);
            w.Line(layer.Layer.Kind switch
            {
                LayerKind.BatchNorm when sampling => BatchNormInference(layer, x, y),
                LayerKind.BatchNorm => $"{Kernels}BatchNorm.ForwardTraining({x}, {Weights(Parameters, layer)}, {Bias(Parameters, layer)}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {layer.InverseStdBuffer}, {RunningMean(layer)}, {RunningVariance(layer)}, n, {Int(layer.Outputs)}, {Float(layer.Layer.Momentum)}, {Float(layer.Layer.Epsilon)});",
                LayerKind.Dropout => $"{Kernels}Dropout.Forward({x}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {Float(layer.Layer.Rate)}, ref _core.Random);",
                LayerKind.GaussianNoise => $"{Kernels}Dropout.GaussianNoise({x}, {y}, {Float(layer.Layer.Rate)}, ref _core.Random);",
                _ => ForwardCall(layer, x, y),
            });
            w.Line();
        }
    }

    /// <summary>Input scaling, in place on the copied inputs; the same in every pass.</summary>
    private static void WriteScaling(SourceWriter w, EmitContext c)
    {
        InputScalingSpec scaling = c.Network.Scaling;
        if (scaling.Kind == ScalingKind.None) return;
        int n = c.Network.InputSize;
        w.Line($"// {c.Network.InputRow}{ScalingNote(scaling)}");
        w.Line(scaling.Kind == ScalingKind.ZScore
            ? $"{Kernels}InputScaling.ZScore({Rows(Planner.InputBuffer, n)}, {Slice(Statistics, 0, n)}, {Slice(Statistics, n, n)}, n, InputSize);"
            : $"{Kernels}InputScaling.MinMax({Rows(Planner.InputBuffer, n)}, {Slice(Statistics, 0, n)}, {Slice(Statistics, n, n)}, n, InputSize, {Float(scaling.Low)}, {Float(scaling.High)}, {(scaling.Clip ? "true" : "false")});");
        w.Line();
    }

    private static string BatchNormInference(PlannedLayer layer, string x, string y) =>
        $"{Kernels}BatchNorm.ForwardInference({x}, {Weights(Parameters, layer)}, {Bias(Parameters, layer)}, {RunningMean(layer)}, {RunningVariance(layer)}, {y}, n, {Int(layer.Outputs)}, {Float(layer.Layer.Epsilon)});";

    /// <summary>The forward call of a layer that behaves the same in every pass.</summary>
    private static string ForwardCall(PlannedLayer layer, string x, string y) => layer.Layer.Kind switch
    {
        LayerKind.Dense => $"{Kernels}Dense.Forward({x}, {Weights(Parameters, layer)}, {Bias(Parameters, layer)}, {y}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)});",
        LayerKind.LayerNorm => $"{Kernels}LayerNorm.Forward({x}, {Weights(Parameters, layer)}, {Bias(Parameters, layer)}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {layer.InverseStdBuffer}.AsSpan(0, n), n, {Int(layer.Outputs)}, {Float(layer.Layer.Epsilon)});",
        LayerKind.LeakyReLU => $"{Kernels}Activations.LeakyReLU({x}, {y}, {Float(layer.Layer.Alpha)});",
        LayerKind.Softmax => $"{Kernels}Activations.Softmax({x}, {y}, n, {Int(layer.Outputs)});",
        _ => $"{Kernels}Activations.{layer.Layer.Kind}({x}, {y});",
    };
}
