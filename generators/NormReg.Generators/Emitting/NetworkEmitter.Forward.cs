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

    private const string ForwardRowsSignature = $"void {Runtime}INetworkPasses.ForwardRows(int start, int n, int thread)";

    /// <summary>The products' multiply-adds per sample (Dense and Conv2D rows), from which the runtime decides whether to split a batch.</summary>
    private static long MultiplyAddsPerSample(ExecutionPlan plan) => plan.Layers.Sum(l => l.Layer.Kind switch
    {
        LayerKind.Dense => (long)l.WeightCount,
        LayerKind.Conv2D => (long)l.WeightCount * l.OutputShape.Spatial,
        _ => 0L,
    });

    private static string Long(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L";

    private static void WriteForward(SourceWriter w, EmitContext c)
    {
        ExecutionPlan plan = c.Plan;
        if (c.SinglePass)
        {
            w.Line("// The forward pass, the same in every mode: no row here draws at random or normalizes with batch statistics, so each sample");
            w.Line("// is computed on its own and a large batch is split by samples over the worker pool (ForwardRows).");
            w.Open(ForwardSignature);
            w.Line($"_core.SplitBatch(n, {Long(MultiplyAddsPerSample(plan))});");
            w.Line($"return {Rows(plan.Last.OutputBuffer, plan.OutputSize)};");
            w.Close();
            w.Line();
            w.Line("// The forward pass on samples start to start + n (a part of a split batch), with the scratch of worker `thread`.");
            w.Open(ForwardRowsSignature);
            WriteRows(w, c, sampling: false, split: true);
            w.Close();
            w.Line();
            return;
        }
        w.Line("// The forward pass of the caller's mode (the core has checked the arguments and copied the inputs).");
        w.Line($"{ForwardSignature} => mode switch");
        w.Line("{");
        w.Indent();
        w.Line("global::NormReg.ForwardMode.Training => ForwardTraining(n),");
        bool own = plan.HasOwnSamplingPass;
        if (plan.Samples) w.Line($"global::NormReg.ForwardMode.Sampling => {(own ? "ForwardSampling" : "ForwardTraining")}(n),{(own ? "" : $" // without BatchNorm{(c.Network.InputShape.IsImage ? " or augmentation" : "")}, sampling is the training pass")}");
        w.Line("_ => ForwardInference(n),");
        w.Close(";");
        w.Line();
        WriteForwardInference(w, c);
        WritePass(w, c, sampling: false);
        if (own) WritePass(w, c, sampling: true);
    }

    private static void WriteForwardInference(SourceWriter w, EmitContext c)
    {
        ExecutionPlan plan = c.Plan;
        bool reduces = plan.Layers.Any(ReadsReduced), packs = plan.Layers.Any(ReadsPacked);
        w.Line($"// Inference: {TrainingOnlyRows(c)} the identity, BatchNorm uses its running statistics (folded into the {FoldedKinds(c)} before it where there is one).");
        w.Open($"private {ReadOnlySpan}<float> ForwardInference(int n)");
        if (c.HasFolds) w.Line("if (_core.FoldsStale) RefreshFolds();");
        if (reduces)
        {
            w.Line("ushort[]? reduced = _core.ReducedWeights; // the bfloat16 weights at WeightPrecision.BFloat16, else null");
            w.Line("if (reduced is not null && _core.ReducedStale) RefreshReduced(reduced);");
        }
        if (packs) w.Line("if (reduced is null && _core.PackingDue()) RefreshPacked(); // on the second pass after a change, where the packed kernel runs");
        w.Line($"_core.SplitBatch(n, {Long(MultiplyAddsPerSample(plan))}); // each sample on its own: a large batch is split by samples over the worker pool");
        w.Line($"return {Rows(plan.InferenceOutputBuffer, plan.OutputSize)};");
        w.Close();
        w.Line();
        w.Line("// The inference rows on samples start to start + n (a part of a split batch), with the scratch of worker `thread`.");
        w.Open(ForwardRowsSignature);
        if (reduces)
        {
            w.Line("ushort[]? reduced = _core.ReducedWeights;");
            w.Line();
        }
        WriteScaling(w, c, split: true);
        PlannedLayer? fused = null, fusedBy = null; // the ReLU a Dense row applies as it stores, and that row
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            PlannedLayer layer = plan.Layers[i];
            if (i > 0) w.Line();
            string x = Rows(layer.InferenceInputBuffer, layer.Inputs, split: true), y = Rows(layer.OutputBuffer, layer.Outputs, split: true);
            if (ReferenceEquals(layer, fused))
            {
                w.Line($"// {layer.Layer.Row} {layer.Layer.Name}: applied by {fusedBy!.Layer.Name} above as it stored.");
                continue;
            }
            PlannedLayer? relu = FusedReLU(plan, i);
            if (relu is not null) (fused, fusedBy) = (relu, layer);
            string fusedY = relu is null ? "" : Rows(relu.OutputBuffer, relu.Outputs, split: true);
            switch (layer.Inference)
            {
                case InferenceRole.Skip:
                    w.Line($"// {layer.Layer.Row} {layer.Layer.Name}: {(layer.Aliased ? "the same values, read as a vector." : "the identity at inference.")}");
                    break;
                case InferenceRole.Folded:
                    w.Line($"// {layer.Layer.Row} {layer.Layer.Name}: folded into {plan.Layers[i - 1].Layer.Name} above.");
                    break;
                case InferenceRole.FoldedWeights:
                    PlannedLayer norm = plan.Layers[i + 1];
                    w.Line($"// {layer.Layer.Row} + {norm.Layer.Row} {layer.Layer.Name} with {norm.Layer.Name} folded in: {layer.InputShape} → {layer.OutputShape}");
                    WriteInferenceForward(w, plan, layer, x, Slice("_folded", layer.FoldOffset, layer.WeightCount), Slice("_folded", layer.FoldOffset + layer.WeightCount, layer.Units),
                        relu is null ? Rows(norm.OutputBuffer, norm.Outputs, split: true) : fusedY, relu is not null);
                    break;
                case InferenceRole.Run when ReadsReduced(layer) || relu is not null:
                    w.Line(Comment(layer));
                    WriteInferenceForward(w, plan, layer, x, Weights(Parameters, layer), Bias(Parameters, layer), relu is null ? y : fusedY, relu is not null);
                    break;
                case InferenceRole.Run when layer.InPool:
                    w.Line(Comment(layer));
                    w.Line(ReLUInPool);
                    break;
                default:
                    w.Line(Comment(layer));
                    if (i > 0 && plan.Layers[i - 1].InPool)
                    {
                        w.Line($"{Kernels}Pooling.MaxForward({x}, {y}, default, n, in {Parsing.Naming.GeometryField(layer.Layer.Name)});");
                        w.Line($"{Kernels}Activations.ReLU({y}, {y}); // {plan.Layers[i - 1].Layer.Name}");
                        break;
                    }
                    w.Line(layer.Layer.Kind switch
                    {
                        LayerKind.BatchNorm => BatchNormInference(layer, x, y),
                        LayerKind.MaxPool2D => $"{Kernels}Pooling.MaxForward({x}, {y}, default, n, in {Parsing.Naming.GeometryField(layer.Layer.Name)});",
                        _ => ForwardCall(layer, x, y, split: true),
                    });
                    break;
            }
        }
        w.Close();
        w.Line();
        if (reduces) WriteRefreshReduced(w, c);
        if (packs) WriteRefreshPacked(w, c);
        if (!c.HasFolds) return;

        w.Line($"// Folds each BatchNorm into the {FoldedKinds(c)} before it: W' = W·s and b' = (b − μ)·s + β, with s = γ/√(σ² + ε) from the running statistics{(c.Plan.Layers.Any(l => l.Layer.Kind == LayerKind.Conv2D) ? " (per filter for a Conv2D)" : "")}.");
        w.Open("private void RefreshFolds()");
        foreach (PlannedLayer dense in plan.Layers.Where(l => l.Inference == InferenceRole.FoldedWeights))
        {
            PlannedLayer norm = plan.Layers[plan.Layers.ToList().IndexOf(dense) + 1];
            w.Line($"// {dense.Layer.Row} + {norm.Layer.Row}");
            w.Line($"{Kernels}BatchNorm.Fold({Weights(Parameters, dense)}, {Bias(Parameters, dense)}, {Weights(Parameters, norm)}, {Bias(Parameters, norm)}, {RunningMean(norm)}, {RunningVariance(norm)}, {Slice("_folded", dense.FoldOffset, dense.WeightCount)}, {Slice("_folded", dense.FoldOffset + dense.WeightCount, dense.Units)}, {Int(dense.FanIn)}, {Int(dense.Units)}, {Float(norm.Layer.Epsilon)});");
        }
        w.Line("_core.FoldsStale = false;");
        w.Close();
        w.Line();
    }

    /// <summary>
    /// Whether inference reads <paramref name="layer"/>'s weights in bfloat16 at <c>WeightPrecision.BFloat16</c>: a Dense row whose
    /// weights are worth halving (4096 or more, 16 KB as floats) and whose dot products are long enough for the kernel's order (more than 64 inputs).
    /// </summary>
    private static bool ReadsReduced(PlannedLayer layer) => layer.Layer.Kind == LayerKind.Dense && layer.Inputs > 64 && layer.WeightCount >= 4096;

    /// <summary>
    /// Whether inference in floats reads <paramref name="layer"/>'s weights packed (<c>Dense.PackWeights</c>) where the packed kernel runs
    /// (512-bit FMA): a row read in bfloat16 at <c>WeightPrecision.BFloat16</c> (<see cref="ReadsReduced"/>) with at least a panel of 48
    /// outputs and at most <see cref="MaxPackedWeights"/> weights.
    /// </summary>
    private static bool ReadsPacked(PlannedLayer layer) => ReadsReduced(layer) && layer.Outputs >= 48 && layer.WeightCount <= MaxPackedWeights;

    /// <summary>
    /// The most weights a row reads packed, 4 MB of floats (1024 × 1024), whose packed copy takes as much memory again: one thread, median
    /// time of the packed kernel over the other's at batch 128, 784 × 256 0.96-0.97, 1024 × 1024 0.94-0.95 (WideMlp's Predict at batch 128:
    /// 2.35 → 2.13 ms). Larger rows keep their memory: the copy is bounded per row.
    /// </summary>
    private const int MaxPackedWeights = 1 << 20;

    /// <summary>Floats of <paramref name="layer"/>'s packed weights: <c>Dense.PackedLength</c>, its outputs rounded up to whole vectors of 16.</summary>
    private static int PackedLength(PlannedLayer layer) => (layer.Outputs + 15) / 16 * 16 * layer.Inputs;

    /// <summary>Where <paramref name="layer"/>'s packed weights start: after those of the rows before it that <see cref="ReadsPacked"/> picks.</summary>
    private static int PackedOffset(ExecutionPlan plan, PlannedLayer layer) => plan.Layers.TakeWhile(l => !ReferenceEquals(l, layer)).Where(ReadsPacked).Sum(PackedLength);

    /// <summary>Floats of the packed weights of every row <see cref="ReadsPacked"/> picks, for the core to allocate where the packed kernel runs.</summary>
    private static int PackedLength(ExecutionPlan plan) => plan.Layers.Where(ReadsPacked).Sum(PackedLength);

    /// <summary>
    /// An inference-pass Dense row that reads its bfloat16 weights when the network holds them, else <paramref name="weights"/> (and their
    /// packed copy where <see cref="ReadsPacked"/>); with <paramref name="relu"/>, the ReLU after it applied as each value is stored
    /// (<c>Dense.ForwardReLU</c>), into the ReLU's buffer <paramref name="y"/>.
    /// </summary>
    private static void WriteInferenceForward(SourceWriter w, ExecutionPlan plan, PlannedLayer layer, string x, string weights, string bias, string y, bool relu = false)
    {
        string Call(string read, string? packed = null) => relu
            ? $"{Kernels}Dense.ForwardReLU({x}, {read}, {(packed is null ? "" : packed + ", ")}{bias}, {y}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)});"
            : packed is null
                ? WeightLayerForward(layer, x, read, bias, y, split: true)
                : $"{Kernels}Dense.Forward({x}, {read}, {packed}, {bias}, {y}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)});";
        if (!ReadsReduced(layer))
        {
            w.Line(Call(weights));
            return;
        }
        string? packed = ReadsPacked(layer) ? $"_core.Packed({Int(PackedOffset(plan, layer))}, {Int(PackedLength(layer))})" : null;
        w.Line($"if (reduced is null) {Call(weights, packed)}");
        w.Line($"else {Call(Slice("reduced", layer.WeightOffset, layer.WeightCount))}");
    }

    /// <summary>
    /// The ReLU row that Dense row <paramref name="i"/> applies as it stores at inference, or null: a ReLU (not pooled) right after it, or
    /// after the BatchNorm folded into it, that reads its output. The Dense row then writes the ReLU's buffer and the ReLU row runs nothing.
    /// </summary>
    private static PlannedLayer? FusedReLU(ExecutionPlan plan, int i)
    {
        PlannedLayer layer = plan.Layers[i];
        if (layer.Layer.Kind != LayerKind.Dense || layer.Inference is not (InferenceRole.Run or InferenceRole.FoldedWeights)) return null;
        int next = layer.Inference == InferenceRole.FoldedWeights ? i + 2 : i + 1;
        if (next >= plan.Layers.Count) return null;
        PlannedLayer relu = plan.Layers[next];
        string produced = plan.Layers[next - 1].OutputBuffer;
        return relu.Layer.Kind == LayerKind.ReLU && relu.Inference == InferenceRole.Run && !relu.InPool && relu.InferenceInputBuffer == produced
            && relu.Inputs == layer.Outputs ? relu : null;
    }

    /// <summary>Rounds the inference weights of the rows <see cref="ReadsReduced"/> picks to bfloat16, each at its weights' offset, after the folds.</summary>
    private static void WriteRefreshReduced(SourceWriter w, EmitContext c)
    {
        w.Line("// Rounds the inference weights of the Dense rows read in bfloat16 (more than 64 inputs, 4096 weights or more) to nearest, ties to even.");
        w.Open("private void RefreshReduced(ushort[] reduced)");
        foreach (PlannedLayer layer in c.Plan.Layers.Where(ReadsReduced))
        {
            string source = layer.Inference == InferenceRole.FoldedWeights ? Slice("_folded", layer.FoldOffset, layer.WeightCount) : Weights(Parameters, layer);
            w.Line($"{Kernels}BFloat16.Round({source}, {Slice("reduced", layer.WeightOffset, layer.WeightCount)}); // {layer.Layer.Row}");
        }
        w.Line("_core.ReducedStale = false;");
        w.Close();
        w.Line();
    }

    /// <summary>Packs the inference weights of the rows <see cref="ReadsPacked"/> picks, after the folds, when the core says it is due (only where the packed kernel runs).</summary>
    private static void WriteRefreshPacked(SourceWriter w, EmitContext c)
    {
        w.Line("// Packs the inference weights of the Dense rows read packed in floats (more than 64 inputs, 48 outputs or more, 4096 to 1048576 weights).");
        w.Open("private void RefreshPacked()");
        foreach (PlannedLayer layer in c.Plan.Layers.Where(ReadsPacked))
        {
            string source = layer.Inference == InferenceRole.FoldedWeights ? Slice("_folded", layer.FoldOffset, layer.WeightCount) : Weights(Parameters, layer);
            w.Line($"{Kernels}Dense.PackWeights({source}, _core.Packed({Int(PackedOffset(c.Plan, layer))}, {Int(PackedLength(layer))}), {Int(layer.Inputs)}, {Int(layer.Outputs)}); // {layer.Layer.Row}");
        }
        w.Close();
        w.Line();
    }

    /// <summary>
    /// The training pass, or the Monte-Carlo sampling pass: the same rows reading the same buffers, except that
    /// sampling normalizes BatchNorm with its running statistics and leaves them alone. Training runs its segments
    /// (<see cref="TrainingSegments"/>) through the runtime, which may split them by samples.
    /// </summary>
    private static void WritePass(SourceWriter w, EmitContext c, bool sampling)
    {
        string drawn = c.Network.InputShape.IsImage ? "dropout, noise and augmentation" : "dropout and noise";
        w.Line(sampling
            ? $"// Monte-Carlo sampling: dropout and noise drawn, {string.Join(", ", new[] { c.Plan.HasBatchNorm ? "BatchNorm on its running statistics" : null, c.Plan.Layers.Any(l => l.Layer.IsAugmentation) ? "augmentation the identity" : null }.Where(p => p is not null))}."
            : $"// Training: BatchNorm on batch statistics, {drawn} drawn, every activation kept for the backward pass.");
        w.Open($"private {ReadOnlySpan}<float> {(sampling ? "ForwardSampling" : "ForwardTraining")}(int n)");
        TrainingSegment[] segments = sampling ? [] : c.Segments;
        if (TrainingSegments.Of(segments, 0, backward: false) is null) WriteScaling(w, c);
        for (int i = 0; i < c.Plan.Layers.Count; i++)
        {
            if (TrainingSegments.Of(segments, i, backward: false) is { } segment)
            {
                if (i == segment.First) WriteSplit(w, c, segment);
                continue;
            }
            WriteRow(w, c, i, sampling, split: false);
        }
        w.Line($"return {Rows(c.Plan.Last.OutputBuffer, c.Plan.OutputSize)};");
        w.Close();
        w.Line();
    }

    /// <summary>Every row as training (or sampling) runs it, each reading the buffer of the row before; with <paramref name="split"/>, on samples start to start + n.</summary>
    private static void WriteRows(SourceWriter w, EmitContext c, bool sampling, bool split = false)
    {
        WriteScaling(w, c, split);
        for (int i = 0; i < c.Plan.Layers.Count; i++) WriteRow(w, c, i, sampling, split);
    }

    /// <summary>
    /// The call that runs <paramref name="segment"/>, with the keys of its dropout rows drawn first, in the order of the rows: the
    /// generator moves as it would if each row drew as it ran.
    /// </summary>
    private static void WriteSplit(SourceWriter w, EmitContext c, TrainingSegment segment)
    {
        PlannedLayer[] rows = [.. TrainingSegments.Rows(c.Plan, segment)];
        if (segment.Backward) System.Array.Reverse(rows);
        string pass = segment.Backward ? "backward" : "forward";
        string span = rows.Length == 1 ? rows[0].Layer.Name : $"{rows[0].Layer.Name} to {rows[rows.Length - 1].Layer.Name}";
        w.Line($"// {span} {pass}: each sample on its own, split by samples over the worker pool when the batch is large (TrainingRows, case {Int(segment.Number)})");
        foreach (PlannedLayer dropout in segment.Backward ? [] : rows.Where(l => l.Layer.Kind == LayerKind.Dropout))
        {
            w.Line($"{Parsing.Naming.KeyField(dropout.Layer.Name)} = {Kernels}Dropout.Key(ref _core.Random); // {dropout.Layer.Row} {dropout.Layer.Name}");
        }
        w.Line($"_core.SplitTraining({Int(segment.Number)}, n, {Long(TrainingSegments.MultiplyAddsPerSample(c.Plan, segment))}, {Long(TrainingSegments.Weights(c.Plan, segment))});");
        w.Line();
    }

    /// <summary>Whether a Dropout row's training call runs in a segment, and so takes a key drawn before it (<see cref="WriteSplit"/>).</summary>
    private static bool DrawsKey(EmitContext c, PlannedLayer layer) =>
        layer.Layer.Kind == LayerKind.Dropout && TrainingSegments.Of(c.Segments, c.Plan.Layers.ToList().IndexOf(layer), backward: false) is not null;

    /// <summary>The segments of the training passes, each on samples start to start + n of the batch, with the scratch of worker `thread`.</summary>
    private static void WriteTrainingRows(SourceWriter w, EmitContext c)
    {
        w.Line("// The training passes' segments on samples start to start + n (a part of a split batch), with the scratch of worker `thread`.");
        w.Open($"void {Runtime}INetworkPasses.TrainingRows(int segment, int start, int n, int thread)");
        w.Open("switch (segment)");
        foreach (TrainingSegment segment in c.Segments)
        {
            w.Line($"case {Int(segment.Number)}:");
            w.Indent();
            if (segment.Backward)
            {
                for (int i = segment.Last; i >= segment.First; i--) WriteBackwardRow(w, c, i, BackwardPart.Input, split: true);
            }
            else
            {
                if (segment.First == 0) WriteScaling(w, c, split: true);
                for (int i = segment.First; i <= segment.Last; i++) WriteRow(w, c, i, sampling: false, split: true);
            }
            w.Line("break;");
            w.Outdent();
        }
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>Row <paramref name="i"/> as training (or sampling) runs it, reading the buffer of the row before; with <paramref name="split"/>, on samples start to start + n.</summary>
    private static void WriteRow(SourceWriter w, EmitContext c, int i, bool sampling, bool split)
    {
        PlannedLayer layer = c.Plan.Layers[i];
        w.Line(Comment(layer));
        string x = Rows(layer.InputBuffer, layer.Inputs, split), y = Rows(layer.OutputBuffer, layer.Outputs, split);
        if (layer.InPool)
        {
            w.Line(ReLUInPool);
            w.Line();
            return;
        }
        if (i > 0 && c.Plan.Layers[i - 1].InPool)
        {
            w.Line($"{Kernels}Pooling.MaxForward({x}, {y}, {PerSample(layer.SavedBuffer!, layer.Outputs, split)}, n, in {Parsing.Naming.GeometryField(layer.Layer.Name)});");
            w.Line($"{Kernels}Activations.ReLU({y}, {y}); // {c.Plan.Layers[i - 1].Layer.Name}");
            w.Line();
            return;
        }
        ShapeSpec image = layer.InputShape;
        string pixels = $"n, {Int(image.Channels)}, {Int(image.Height)}, {Int(image.Width)}";
        string? drawn = layer.SavedBuffer is null ? null : layer.Layer.Kind == LayerKind.RandomTranslation ? PerSample(layer.SavedBuffer, 2) : PerSample(layer.SavedBuffer, 1);
        w.Line(layer.Layer.Kind switch
        {
            LayerKind.Flatten => "// nothing to do: the next row reads the same values as a vector",
            LayerKind.RandomFlip or LayerKind.RandomRotation or LayerKind.RandomTranslation when sampling => $"{x}.CopyTo({y}); // augmentation is drawn in training only",
            LayerKind.BatchNorm when sampling => BatchNormInference(layer, x, y),
            LayerKind.BatchNorm when layer.Spatial => $"{Kernels}BatchNorm.ForwardTrainingSpatial({x}, {Weights(Parameters, layer)}, {Bias(Parameters, layer)}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {layer.InverseStdBuffer}, {RunningMean(layer)}, {RunningVariance(layer)}, n, {Int(layer.Units)}, {Int(image.Spatial)}, {Float(layer.Layer.Momentum)}, {Float(layer.Layer.Epsilon)});",
            LayerKind.BatchNorm => $"{Kernels}BatchNorm.ForwardTraining({x}, {Weights(Parameters, layer)}, {Bias(Parameters, layer)}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {layer.InverseStdBuffer}, {RunningMean(layer)}, {RunningVariance(layer)}, n, {Int(layer.Outputs)}, {Float(layer.Layer.Momentum)}, {Float(layer.Layer.Epsilon)});",
            LayerKind.Dropout when split => $"{Kernels}Dropout.Forward({x}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs, split)}, {Float(layer.Layer.Rate)}, {Parsing.Naming.KeyField(layer.Layer.Name)}, start * {Int(layer.Outputs)});",
            LayerKind.Dropout => $"{Kernels}Dropout.Forward({x}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs)}, {Float(layer.Layer.Rate)}, ref _core.Random);",
            LayerKind.SpatialDropout => $"{Kernels}Dropout.SpatialForward({x}, {y}, {PerSample(layer.SavedBuffer!, image.Channels)}, {Float(layer.Layer.Rate)}, ref _core.Random, n, {Int(image.Channels)}, {Int(image.Spatial)});",
            LayerKind.GaussianNoise => $"{Kernels}Dropout.GaussianNoise({x}, {y}, {Float(layer.Layer.Rate)}, ref _core.Random);",
            LayerKind.MaxPool2D => $"{Kernels}Pooling.MaxForward({x}, {y}, {PerSample(layer.SavedBuffer!, layer.Outputs, split)}, n, in {Parsing.Naming.GeometryField(layer.Layer.Name)});",
            LayerKind.RandomFlip => $"{Kernels}Augmentation.RandomFlip({x}, {y}, {drawn}, {Bool(layer.Layer.FlipHorizontal)}, {Bool(layer.Layer.FlipVertical)}, ref _core.Random, {pixels});",
            LayerKind.RandomRotation => $"{Kernels}Augmentation.RandomRotation({x}, {y}, {drawn}, {Float(layer.Layer.Rate)}, ref _core.Random, {pixels});",
            LayerKind.RandomTranslation => $"{Kernels}Augmentation.RandomTranslation({x}, {y}, {drawn}, {Float(layer.Layer.HeightFactor)}, {Float(layer.Layer.WidthFactor)}, ref _core.Random, {pixels});",
            _ => ForwardCall(layer, x, y, split),
        });
        w.Line();
    }

    /// <summary>
    /// What a ReLU row the MaxPool2D row after it computes (<see cref="PlannedLayer.InPool"/>) writes: nothing, since the maximum of
    /// rectified values is the rectified maximum (NaN and −0 included), so the pool reads the ReLU's input and rectifies its own,
    /// smaller, output. The winners may differ only in windows with no positive value, which pass no gradient (the backward's
    /// MaxBackward with the pooled outputs).
    /// </summary>
    private const string ReLUInPool = "// nothing to do: the MaxPool2D row after pools this row's input and applies the ReLU to its outputs";

    /// <summary>Input scaling, in place on the copied inputs; the same in every pass.</summary>
    private static void WriteScaling(SourceWriter w, EmitContext c, bool split = false)
    {
        InputScalingSpec scaling = c.Network.Scaling;
        if (scaling.Kind == ScalingKind.None) return;
        int f = c.Plan.ScaledFeatures;
        ShapeSpec input = c.Network.InputShape;
        // An image is scaled per channel: the statistics of each channel apply to its every pixel.
        string layout = input.IsImage ? $"n, {Int(input.Channels)}, {Int(input.Spatial)}" : "n, InputSize";
        w.Line($"// {c.Network.InputRow}{ScalingNote(scaling)}{(input.IsImage ? ", per channel" : "")}");
        w.Line(scaling.Kind == ScalingKind.ZScore
            ? $"{Kernels}InputScaling.ZScore({Rows(Planner.InputBuffer, c.Network.InputSize, split)}, {Slice(Statistics, 0, f)}, {Slice(Statistics, f, f)}, {layout});"
            : $"{Kernels}InputScaling.MinMax({Rows(Planner.InputBuffer, c.Network.InputSize, split)}, {Slice(Statistics, 0, f)}, {Slice(Statistics, f, f)}, {layout}, {Float(scaling.Low)}, {Float(scaling.High)}, {Bool(scaling.Clip)});");
        w.Line();
    }

    /// <summary>"dropout and noise are", with augmentation too on images: what the inference pass leaves out.</summary>
    private static string TrainingOnlyRows(EmitContext c) => c.Network.InputShape.IsImage ? "dropout, noise and augmentation are" : "dropout and noise are";

    /// <summary>The kinds of rows BatchNorm folds into here: "Dense", "Conv2D" or "Dense or Conv2D".</summary>
    private static string FoldedKinds(EmitContext c)
    {
        string[] kinds = [.. c.Plan.Layers.Where(l => l.Inference == InferenceRole.FoldedWeights).Select(l => l.Layer.Kind.ToString()).Distinct().OrderBy(k => k, System.StringComparer.Ordinal)];
        return kinds.Length == 0 ? (c.Network.InputShape.IsImage ? "Dense or Conv2D" : "Dense") : string.Join(" or ", kinds.Reverse());
    }

    private static string BatchNormInference(PlannedLayer layer, string x, string y) => layer.Spatial
        ? $"{Kernels}BatchNorm.ForwardInferenceSpatial({x}, {Weights(Parameters, layer)}, {Bias(Parameters, layer)}, {RunningMean(layer)}, {RunningVariance(layer)}, {y}, n, {Int(layer.Units)}, {Int(layer.InputShape.Spatial)}, {Float(layer.Layer.Epsilon)});"
        : $"{Kernels}BatchNorm.ForwardInference({x}, {Weights(Parameters, layer)}, {Bias(Parameters, layer)}, {RunningMean(layer)}, {RunningVariance(layer)}, {y}, n, {Int(layer.Outputs)}, {Float(layer.Layer.Epsilon)});";

    /// <summary>A Dense or Conv2D forward with the given weights and bias (its own, or folded); a Conv2D with <paramref name="split"/> takes its thread's scratch, else splits its batch itself (<c>Conv2DBatch</c>).</summary>
    private static string WeightLayerForward(PlannedLayer layer, string x, string weights, string bias, string y, bool split = false) => layer.Layer.Kind == LayerKind.Conv2D
        ? split
            ? $"{Kernels}Conv2D.Forward({x}, {weights}, {bias}, {y}, _core.ThreadScratch(thread, {Parsing.Naming.ScratchField(layer.Layer.Name)}), n, in {Parsing.Naming.GeometryField(layer.Layer.Name)});"
            : $"{Kernels}Conv2DBatch.Forward({x}, {weights}, {bias}, {y}, {Parsing.Naming.ScratchField(layer.Layer.Name)}, n, in {Parsing.Naming.GeometryField(layer.Layer.Name)});"
        : $"{Kernels}Dense.Forward({x}, {weights}, {bias}, {y}, n, {Int(layer.Inputs)}, {Int(layer.Outputs)});";

    /// <summary>The first <c>n</c> samples' part of a per-sample buffer holding <paramref name="perSample"/> values each.</summary>
    private static string PerSample(string buffer, int perSample, bool split = false) =>
        perSample == 1 ? (split ? $"{buffer}.AsSpan(start, n)" : $"{buffer}.AsSpan(0, n)") : Rows(buffer, perSample, split);

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>The forward call of a layer that behaves the same in every pass; with <paramref name="split"/>, on samples start to start + n.</summary>
    private static string ForwardCall(PlannedLayer layer, string x, string y, bool split = false) => layer.Layer.Kind switch
    {
        LayerKind.Dense or LayerKind.Conv2D => WeightLayerForward(layer, x, Weights(Parameters, layer), Bias(Parameters, layer), y, split),
        LayerKind.AvgPool2D => $"{Kernels}Pooling.AverageForward({x}, {y}, n, in {Parsing.Naming.GeometryField(layer.Layer.Name)});",
        LayerKind.GlobalAvgPool => $"{Kernels}Pooling.GlobalAverageForward({x}, {y}, n, {Int(layer.InputShape.Channels)}, {Int(layer.InputShape.Spatial)});",
        LayerKind.LayerNorm => $"{Kernels}LayerNorm.Forward({x}, {Weights(Parameters, layer)}, {Bias(Parameters, layer)}, {y}, {Rows(layer.SavedBuffer!, layer.Outputs, split)}, {PerSample(layer.InverseStdBuffer!, 1, split)}, n, {Int(layer.Outputs)}, {Float(layer.Layer.Epsilon)});",
        LayerKind.LeakyReLU => $"{Kernels}Activations.LeakyReLU({x}, {y}, {Float(layer.Layer.Alpha)});",
        LayerKind.Softmax => $"{Kernels}Activations.Softmax({x}, {y}, n, {Int(layer.Outputs)});",
        _ => $"{Kernels}Activations.{layer.Layer.Kind}({x}, {y});",
    };
}
