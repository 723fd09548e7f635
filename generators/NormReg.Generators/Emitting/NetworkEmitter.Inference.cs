using System.Linq;
using NormReg.Generators.Model;
using NormReg.Generators.Planning;
using static NormReg.Generators.Emitting.Literals;

namespace NormReg.Generators.Emitting;

/// <summary>Predict, Classify and the inference forward pass, with BatchNorm folding.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteInference(SourceWriter w, EmitContext c)
    {
        string output = c.Plan.InferenceOutputBuffer;
        w.Line("/// <summary>Predicts one sample in inference mode (no dropout or noise, BatchNorm on running statistics).</summary>");
        w.Line("/// <param name=\"input\"><see cref=\"InputSize\"/> features.</param>");
        w.Line("/// <param name=\"output\">Receives <see cref=\"OutputSize\"/> values, the last row's output.</param>");
        w.Line($"public void Predict({ReadOnlySpan}<float> input, {Span}<float> output) => Predict(input, output, 1);");
        w.Line();
        w.Line("/// <summary>Predicts a batch in inference mode (no dropout or noise, BatchNorm on running statistics).</summary>");
        w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> × <see cref=\"InputSize\"/> features, row-major.</param>");
        w.Line("/// <param name=\"outputs\">Receives <paramref name=\"batchSize\"/> × <see cref=\"OutputSize\"/> values, row-major.</param>");
        w.Line("/// <param name=\"batchSize\">Samples in the batch, from 1 to <see cref=\"MaxBatchSize\"/>.</param>");
        w.Open($"public void Predict({ReadOnlySpan}<float> inputs, {Span}<float> outputs, int batchSize)");
        w.Line("CheckInputs(inputs, batchSize);");
        w.Line($"{Guard}Length(outputs.Length, batchSize, OutputSize, nameof(outputs), {c.NameLiteral});");
        w.Line("RunInference(inputs, batchSize);");
        w.Line($"{output}.AsSpan(0, batchSize * OutputSize).CopyTo(outputs);");
        w.Close();
        w.Line();
        if (IsClassifier(c.Network))
        {
            w.Line("/// <summary>The most likely class of one sample: the index of its largest output, in inference mode.</summary>");
            w.Open($"public int Classify({ReadOnlySpan}<float> input)");
            w.Line("CheckInputs(input, 1);");
            w.Line("RunInference(input, 1);");
            w.Line($"return global::System.Numerics.Tensors.TensorPrimitives.IndexOfMax({output}.AsSpan(0, OutputSize));");
            w.Close();
            w.Line();
        }
        w.Open($"private void RunInference({ReadOnlySpan}<float> inputs, int n)");
        w.Line($"inputs.CopyTo({Planner.InputBuffer});");
        w.Line("ForwardInference(n);");
        w.Line("_trainingBatch = 0;");
        w.Close();
        w.Line();
        w.Open($"private void CheckInputs({ReadOnlySpan}<float> inputs, int batchSize)");
        w.Line($"{Guard}BatchSize(batchSize, MaxBatchSize, {c.NameLiteral});");
        w.Line($"{Guard}Length(inputs.Length, batchSize, InputSize, nameof(inputs), {c.NameLiteral});");
        w.Line($"{Guard}Finite(inputs, nameof(inputs), {c.NameLiteral});");
        if (c.Plan.HasScaling) w.Line($"{Guard}Fitted(_statistics[0], {c.NameLiteral});");
        w.Close();
        w.Line();
    }

    private static void WriteForwardInference(SourceWriter w, EmitContext c)
    {
        ExecutionPlan plan = c.Plan;
        w.Line("// Inference: dropout and noise are the identity, BatchNorm uses its running statistics (folded into the Dense before it where there is one).");
        w.Open("private void ForwardInference(int n)");
        if (c.HasFolds)
        {
            w.Line("if (_foldsStale) RefreshFolds();");
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
                    w.Line($"// {layer.Layer.Row} + {norm.Layer.Row} {layer.Layer.Name} with {norm.Layer.Name} folded in: {layer.Inputs} → {layer.Outputs}");
                    w.Line($"{Kernels}Dense.Forward({x}, {Slice("_folded", layer.FoldOffset, layer.WeightCount)}, {Slice("_folded", layer.FoldOffset + layer.WeightCount, layer.Outputs)}, {Rows(norm.OutputBuffer, norm.Outputs)}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)});");
                    break;
                default:
                    w.Line(Comment(layer));
                    w.Line(layer.Layer.Kind == LayerKind.BatchNorm
                        ? $"{Kernels}BatchNorm.ForwardInference({x}, {Weights("_parameters", layer)}, {Bias("_parameters", layer)}, {RunningMean(layer)}, {RunningVariance(layer)}, {y}, n, {Int(layer.Outputs)}, {Float(layer.Layer.Epsilon)});"
                        : ForwardCall(layer, x, y));
                    break;
            }
        }
        w.Close();
        w.Line();
        if (!c.HasFolds) return;

        w.Line("// Folds each BatchNorm into the Dense before it: W' = W·s and b' = (b − μ)·s + β, with s = γ/√(σ² + ε) from the running statistics.");
        w.Open("private void RefreshFolds()");
        foreach (PlannedLayer dense in plan.Layers.Where(l => l.Inference == InferenceRole.FoldedDense))
        {
            PlannedLayer norm = plan.Layers[plan.Layers.ToList().IndexOf(dense) + 1];
            w.Line($"// {dense.Layer.Row} + {norm.Layer.Row}");
            w.Line($"{Kernels}BatchNorm.Fold({Weights("_parameters", dense)}, {Bias("_parameters", dense)}, {Weights("_parameters", norm)}, {Bias("_parameters", norm)}, {RunningMean(norm)}, {RunningVariance(norm)}, {Slice("_folded", dense.FoldOffset, dense.WeightCount)}, {Slice("_folded", dense.FoldOffset + dense.WeightCount, dense.Outputs)}, {Int(dense.Inputs)}, {Int(dense.Outputs)}, {Float(norm.Layer.Epsilon)});");
        }
        w.Line("_foldsStale = false;");
        w.Close();
        w.Line();
    }

    /// <summary>Input scaling, in place on the copied inputs; the same in both passes.</summary>
    private static void WriteScaling(SourceWriter w, EmitContext c)
    {
        InputScalingSpec scaling = c.Network.Scaling;
        if (scaling.Kind == ScalingKind.None) return;
        int n = c.Network.InputSize;
        w.Line($"// {c.Network.InputRow}{ScalingNote(scaling)}");
        w.Line(scaling.Kind == ScalingKind.ZScore
            ? $"{Kernels}InputScaling.ZScore({Rows(Planner.InputBuffer, n)}, {Slice("_statistics", 0, n)}, {Slice("_statistics", n, n)}, n, InputSize);"
            : $"{Kernels}InputScaling.MinMax({Rows(Planner.InputBuffer, n)}, {Slice("_statistics", 0, n)}, {Slice("_statistics", n, n)}, n, InputSize, {Float(scaling.Low)}, {Float(scaling.High)}, {(scaling.Clip ? "true" : "false")});");
        w.Line();
    }

    /// <summary>The forward call of a layer that behaves the same in both passes.</summary>
    private static string ForwardCall(PlannedLayer layer, string x, string y) => layer.Layer.Kind switch
    {
        LayerKind.Dense => $"{Kernels}Dense.Forward({x}, {Weights("_parameters", layer)}, {Bias("_parameters", layer)}, {y}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)});",
        LayerKind.LayerNorm => $"{Kernels}LayerNorm.Forward({x}, {Weights("_parameters", layer)}, {Bias("_parameters", layer)}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {layer.InverseStdBuffer}.AsSpan(0, n), n, {Int(layer.Outputs)}, {Float(layer.Layer.Epsilon)});",
        LayerKind.LeakyReLU => $"{Kernels}Activations.LeakyReLU({x}, {y}, {Float(layer.Layer.Alpha)});",
        LayerKind.Softmax => $"{Kernels}Activations.Softmax({x}, {y}, n, {Int(layer.Outputs)});",
        _ => $"{Kernels}Activations.{layer.Layer.Kind}({x}, {y});",
    };
}
