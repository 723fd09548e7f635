using System.Linq;
using NormReg.Generators.Model;
using NormReg.Generators.Planning;
using static NormReg.Generators.Emitting.Literals;

namespace NormReg.Generators.Emitting;

/// <summary>Forward/Backward for custom loops, TrainStep, Update, ComputeLoss and the training forward pass.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteCustomLoop(SourceWriter w, EmitContext c)
    {
        w.Line("/// <summary>");
        w.Line("/// Forward pass with an explicit mode, for custom training loops. A <see cref=\"global::NormReg.ForwardMode.Training\"/> pass");
        w.Line("/// draws dropout and noise, normalizes with batch statistics and keeps its activations for <see cref=\"Backward(global::System.ReadOnlySpan{float}, global::System.Span{float}, int)\"/>;");
        w.Line("/// to evaluate or serve, use <c>Predict</c>.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> × <see cref=\"InputSize\"/> features, row-major.</param>");
        w.Line("/// <param name=\"outputs\">Receives <paramref name=\"batchSize\"/> × <see cref=\"OutputSize\"/> values, row-major.</param>");
        w.Line("/// <param name=\"batchSize\">Samples in the batch, from 1 to <see cref=\"MaxBatchSize\"/>.</param>");
        w.Line($"/// <param name=\"mode\">Training (PyTorch <c>model.train()</c>), inference (<c>model.eval()</c>) or Monte-Carlo sampling{(c.Plan.UsesRandom ? "" : ", which is inference for a network without dropout or noise")}.</param>");
        w.Open($"public void Forward({ReadOnlySpan}<float> inputs, {Span}<float> outputs, int batchSize, global::NormReg.ForwardMode mode)");
        w.Line($"{Guard}Mode(mode, {c.NameLiteral});");
        w.Line("CheckInputs(inputs, batchSize);");
        w.Line($"{Guard}Length(outputs.Length, batchSize, OutputSize, nameof(outputs), {c.NameLiteral});");
        w.Open("if (mode == global::NormReg.ForwardMode.Training)");
        if (c.HasBatchStatistics) w.Line($"{Guard}TrainingBatch(batchSize, {String(c.Plan.BatchStatisticsLayer!)}, {c.NameLiteral});");
        w.Line($"inputs.CopyTo({Planner.InputBuffer});");
        w.Line("ForwardTraining(batchSize);");
        w.Line("_trainingBatch = batchSize;");
        w.Line($"{c.Plan.Last.OutputBuffer}.AsSpan(0, batchSize * OutputSize).CopyTo(outputs);");
        w.Close();
        if (c.Plan.UsesRandom)
        {
            w.Open("else if (mode == global::NormReg.ForwardMode.Sampling)");
            w.Line($"inputs.CopyTo({Planner.InputBuffer});");
            w.Line("ForwardSampling(batchSize);");
            w.Line("_trainingBatch = 0;");
            w.Line($"{c.Plan.Last.OutputBuffer}.AsSpan(0, batchSize * OutputSize).CopyTo(outputs);");
            w.Close();
        }
        w.Open("else");
        w.Line("RunInference(inputs, batchSize);");
        w.Line($"{c.Plan.InferenceOutputBuffer}.AsSpan(0, batchSize * OutputSize).CopyTo(outputs);");
        w.Close();
        w.Close();
        w.Line();
        string penalty = c.Penalized.Length > 0 ? ", plus the gradient of <see cref=\"Penalty\"/>" : "";
        w.Line($"/// <summary>Backward pass of the last training-mode <c>Forward</c>: overwrites <see cref=\"Gradients\"/>{penalty} (PyTorch accumulates; this does not).</summary>");
        w.Line("/// <param name=\"outputGradients\">Gradient of the loss with respect to the outputs, <paramref name=\"batchSize\"/> × <see cref=\"OutputSize\"/>.</param>");
        w.Line("/// <param name=\"batchSize\">The batch size of that <c>Forward</c>.</param>");
        w.Line($"public void Backward({ReadOnlySpan}<float> outputGradients, int batchSize) => Backward(outputGradients, default, batchSize);");
        w.Line();
        w.Line("/// <summary>Backward pass of the last training-mode <c>Forward</c>, also writing the gradient with respect to the (raw, unscaled) inputs.</summary>");
        w.Line("/// <param name=\"outputGradients\">Gradient of the loss with respect to the outputs, <paramref name=\"batchSize\"/> × <see cref=\"OutputSize\"/>.</param>");
        w.Line("/// <param name=\"inputGradients\">Receives <paramref name=\"batchSize\"/> × <see cref=\"InputSize\"/> values, or empty to skip them.</param>");
        w.Line("/// <param name=\"batchSize\">The batch size of that <c>Forward</c>.</param>");
        w.Open($"public void Backward({ReadOnlySpan}<float> outputGradients, {Span}<float> inputGradients, int batchSize)");
        w.Line($"{Guard}BackwardFollowsForward(_trainingBatch, batchSize, {c.NameLiteral});");
        w.Line($"{Guard}Length(outputGradients.Length, batchSize, OutputSize, nameof(outputGradients), {c.NameLiteral});");
        w.Line($"if (!inputGradients.IsEmpty) {Guard}Length(inputGradients.Length, batchSize, InputSize, nameof(inputGradients), {c.NameLiteral});");
        w.Line($"{Guard}Finite(outputGradients, nameof(outputGradients), {c.NameLiteral});");
        w.Line("BackwardCore(batchSize, outputGradients, inputGradients);");
        w.Close();
        w.Line();
        PlannedLayer[] constrained = c.Plan.Layers.Where(l => l.Layer.MaxNorm > 0).ToArray();
        w.Line($"/// <summary>Applies one update by <paramref name=\"optimizer\"/> from <see cref=\"Gradients\"/>{(constrained.Length > 0 ? ", then the rows' constraints ([MaxNorm])" : "")}. Custom loops call it after <c>Backward</c>; <c>TrainStep</c> runs the same update after its own check.</summary>");
        w.Line("/// <exception cref=\"global::System.ArithmeticException\">A gradient is not finite; nothing was updated.</exception>");
        w.Open("public void Update(global::NormReg.Optimizer optimizer)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(optimizer);");
        w.Line($"if (!{Guard}AllFinite(_gradients)) {Guard}ThrowNonFiniteStep(0f, {c.NameLiteral});");
        w.Line("ApplyUpdate(optimizer);");
        w.Close();
        w.Line();
        w.Line("// The update itself, on gradients known to be finite (TrainStep has checked them with its loss).");
        w.Open("private void ApplyUpdate(global::NormReg.Optimizer optimizer)");
        w.Line("optimizer.Step(_parameters, _gradients);");
        foreach (PlannedLayer layer in constrained)
        {
            w.Line($"// {layer.Layer.Row} {layer.Layer.Name}: each unit's incoming weights rescaled to a norm of at most {layer.Layer.MaxNorm}");
            w.Line($"{Kernels}Regularization.MaxNorm({Weights("_parameters", layer)}, {Int(layer.Inputs)}, {Int(layer.Outputs)}, {Float(layer.Layer.MaxNorm)});");
        }
        if (c.HasFolds) w.Line("_foldsStale = true;");
        w.Close();
        w.Line();
    }

    private static void WriteTraining(SourceWriter w, EmitContext c)
    {
        ExecutionPlan plan = c.Plan;
        bool classifier = IsClassifier(c.Network);
        string targetType = classifier ? $"{ReadOnlySpan}<int>" : $"{ReadOnlySpan}<float>";
        string targetName = classifier ? "labels" : "targets";
        string targetDoc = classifier
            ? "<param name=\"labels\">One class index in [0, <see cref=\"OutputSize\"/>) per sample.</param>"
            : "<param name=\"targets\"><paramref name=\"batchSize\"/> × <see cref=\"OutputSize\"/> target values, row-major.</param>";
        string checkTargets = classifier
            ? $"{Guard}Labels(labels, batchSize, OutputSize, {c.NameLiteral});"
            : $"{Guard}Targets(targets, batchSize, OutputSize, {c.NameLiteral});";

        w.Line($"/// <summary>One training step on a batch: training-mode forward, {c.Network.Loss} loss, backward, and <see cref=\"Update\"/> by <paramref name=\"optimizer\"/>.</summary>");
        w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> × <see cref=\"InputSize\"/> features, row-major.</param>");
        w.Line("/// " + targetDoc);
        w.Line("/// <param name=\"batchSize\">Samples in the batch, from 1 to <see cref=\"MaxBatchSize\"/>.</param>");
        w.Line("/// <param name=\"optimizer\">The optimizer that owns this network's update state.</param>");
        w.Line($"/// <returns>The batch's mean data loss before the update{(c.Penalized.Length > 0 ? "; the penalty is <see cref=\"Penalty\"/>" : "")}.</returns>");
        w.Line("/// <exception cref=\"global::System.ArithmeticException\">The loss or a gradient is not finite; the network is left as it was.</exception>");
        w.Open($"public float TrainStep({ReadOnlySpan}<float> inputs, {targetType} {targetName}, int batchSize, global::NormReg.Optimizer optimizer)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(optimizer);");
        w.Line($"optimizer.RequireFits(ParameterCount, {c.NameLiteral});");
        w.Line("CheckInputs(inputs, batchSize);");
        w.Line(checkTargets);
        if (c.HasBatchStatistics)
        {
            w.Line($"{Guard}TrainingBatch(batchSize, {String(plan.BatchStatisticsLayer!)}, {c.NameLiteral});");
            w.Line("_statistics.AsSpan().CopyTo(_statisticsBefore);");
        }
        if (plan.UsesRandom) w.Line("global::NormReg.SeededRandom randomBefore = _random; // put back if the step is rejected, so the next draws are as if it never ran");
        w.Line($"inputs.CopyTo({Planner.InputBuffer});");
        w.Line("ForwardTraining(batchSize);");
        w.Line($"{Span}<float> outputGradients = {plan.Last.OutputGradientBuffer}.AsSpan(0, batchSize * OutputSize);");
        w.Line($"float loss = {LossCall(c.Network.Loss, $"{plan.Last.OutputBuffer}.AsSpan(0, batchSize * OutputSize)")};");
        w.Line("bool finite = BackwardCore(batchSize, outputGradients, default);");
        w.Line("_trainingBatch = 0;");
        w.Open("if (!finite || !float.IsFinite(loss))");
        if (c.HasBatchStatistics) w.Line("_statisticsBefore.AsSpan().CopyTo(_statistics);");
        if (plan.UsesRandom) w.Line("_random = randomBefore;");
        w.Line($"{Guard}ThrowNonFiniteStep(loss, {c.NameLiteral});");
        w.Close();
        w.Line("ApplyUpdate(optimizer);");
        w.Line("return loss;");
        w.Close();
        w.Line();
        w.Line($"/// <summary>The {c.Network.Loss} loss of <paramref name=\"outputs\"/>, averaged over the batch, and its gradient with respect to them.</summary>");
        w.Line("/// <param name=\"outputs\">Network outputs, <paramref name=\"batchSize\"/> × <see cref=\"OutputSize\"/>.</param>");
        w.Line("/// " + targetDoc);
        w.Line("/// <param name=\"batchSize\">Samples in the batch.</param>");
        w.Line("/// <param name=\"outputGradients\">Receives the gradient, shaped as <paramref name=\"outputs\"/>.</param>");
        w.Open($"public float ComputeLoss({ReadOnlySpan}<float> outputs, {targetType} {targetName}, int batchSize, {Span}<float> outputGradients)");
        w.Line($"{Guard}BatchSize(batchSize, MaxBatchSize, {c.NameLiteral});");
        w.Line($"{Guard}Length(outputs.Length, batchSize, OutputSize, nameof(outputs), {c.NameLiteral});");
        w.Line($"{Guard}Length(outputGradients.Length, batchSize, OutputSize, nameof(outputGradients), {c.NameLiteral});");
        w.Line(checkTargets);
        w.Line($"return {LossCall(c.Network.Loss, "outputs")};");
        w.Close();
        w.Line();
    }

    private static string LossCall(LossKind loss, string outputs) => loss switch
    {
        LossKind.SoftmaxCrossEntropy => $"{Kernels}Losses.SoftmaxCrossEntropy({outputs}, labels, outputGradients, batchSize, OutputSize)",
        LossKind.BinaryCrossEntropy => $"{Kernels}Losses.BinaryCrossEntropyWithLogits({outputs}, targets, outputGradients)",
        _ => $"{Kernels}Losses.MeanSquaredError({outputs}, targets, outputGradients)",
    };

    private static void WriteForwardTraining(SourceWriter w, EmitContext c)
    {
        WriteStochasticPass(w, c, sampling: false);
        if (c.Plan.UsesRandom) WriteStochasticPass(w, c, sampling: true);
    }

    /// <summary>
    /// The training pass, or the Monte-Carlo sampling pass: the same rows reading the same buffers, except that
    /// sampling normalizes BatchNorm with its running statistics and leaves them alone.
    /// </summary>
    private static void WriteStochasticPass(SourceWriter w, EmitContext c, bool sampling)
    {
        w.Line(sampling
            ? "// Monte-Carlo sampling: dropout and noise drawn, BatchNorm on its running statistics."
            : "// Training: BatchNorm on batch statistics, dropout and noise drawn, every activation kept for BackwardCore.");
        w.Open(sampling ? "private void ForwardSampling(int n)" : "private void ForwardTraining(int n)");
        WriteScaling(w, c);
        bool first = true;
        foreach (PlannedLayer layer in c.Plan.Layers)
        {
            if (!first) w.Line();
            first = false;
            w.Line(Comment(layer));
            string x = Rows(layer.InputBuffer, layer.Inputs), y = Rows(layer.OutputBuffer, layer.Outputs);
            w.Line(layer.Layer.Kind switch
            {
                LayerKind.BatchNorm when sampling => $"{Kernels}BatchNorm.ForwardInference({x}, {Weights("_parameters", layer)}, {Bias("_parameters", layer)}, {RunningMean(layer)}, {RunningVariance(layer)}, {y}, n, {Int(layer.Outputs)}, {Float(layer.Layer.Epsilon)});",
                LayerKind.BatchNorm => $"{Kernels}BatchNorm.ForwardTraining({x}, {Weights("_parameters", layer)}, {Bias("_parameters", layer)}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {layer.InverseStdBuffer}, {RunningMean(layer)}, {RunningVariance(layer)}, n, {Int(layer.Outputs)}, {Float(layer.Layer.Momentum)}, {Float(layer.Layer.Epsilon)});",
                LayerKind.Dropout => $"{Kernels}Dropout.Forward({x}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {Float(layer.Layer.Rate)}, ref _random);",
                LayerKind.GaussianNoise => $"{Kernels}Dropout.GaussianNoise({x}, {y}, {Float(layer.Layer.Rate)}, ref _random);",
                _ => ForwardCall(layer, x, y),
            });
        }
        if (c.HasFolds && !sampling)
        {
            w.Line();
            w.Line("_foldsStale = true; // the running statistics moved");
        }
        w.Close();
        w.Line();
    }
}
