using NormReg.Generators.Model;
using static NormReg.Generators.Emitting.Literals;

namespace NormReg.Generators.Emitting;

/// <summary>The public members: each forwards to the runtime's <c>NetworkCore</c>, whose documentation it inherits.</summary>
internal static partial class NetworkEmitter
{
    private const string Core = Runtime + "NetworkCore.";
    private const string Inputs = $"{ReadOnlySpan}<float> inputs";
    private const string Outputs = $"{Span}<float> outputs";

    private static void WriteMembers(SourceWriter w, EmitContext c)
    {
        bool classifier = IsClassifier(c.Network);
        string targets = classifier ? $"{ReadOnlySpan}<int> labels" : $"{ReadOnlySpan}<float> targets";
        string targetName = classifier ? "labels" : "targets";
        string targetCref = classifier ? "global::System.ReadOnlySpan{int}" : "global::System.ReadOnlySpan{float}";

        w.Line("// The public API: each member forwards to the core, which checks the arguments and is documented there.");
        Member(w, "MaxBatchSize", "public int MaxBatchSize => _core.MaxBatchSize;");
        Member(w, "MinimumTrainingBatch", "public int MinimumTrainingBatch => _core.MinimumTrainingBatch;");
        w.Line("/// <summary>Every trainable parameter, laid out as the comment above <c>_core</c> describes. Writes change the network.</summary>");
        w.Line($"public {Span}<float> Parameters => _core.WritableParameters;");
        w.Line("/// <summary>Gradients from the last <c>Backward</c> or <c>TrainStep</c>, laid out as <see cref=\"Parameters\"/>. They are overwritten, not accumulated; see <see cref=\"global::NormReg.INetwork.Gradients\"/> for the rows a TrainStep updates fused.</summary>");
        w.Line($"public {ReadOnlySpan}<float> Gradients => _core.Gradients;");
        Member(w, "InferencePrecision", "public global::NormReg.WeightPrecision InferencePrecision { get => _core.InferencePrecision; set => _core.InferencePrecision = value; }");
        Member(w, "StateLength", "public int StateLength => _core.StateLength;");
        Member(w, "Penalty", "public double Penalty => _core.Penalty;");
        Member(w, "CopyState(global::System.Span{float})", $"public void CopyState({Span}<float> destination) => _core.CopyState(destination);");
        Member(w, "RestoreState(global::System.ReadOnlySpan{float})", $"public void RestoreState({ReadOnlySpan}<float> source) => _core.RestoreState(source);");
        if (c.Plan.HasScaling)
        {
            Member(w, "FitNormalization", $"public void FitNormalization({ReadOnlySpan}<float> features) => _core.FitNormalization(features);");
            Member(w, "BeginNormalizationFit", "public global::NormReg.NormalizationFit BeginNormalizationFit() => _core.BeginNormalizationFit();");
        }
        else
        {
            w.Line("/// <inheritdoc cref=\"global::NormReg.INetwork.FitNormalization\"/>");
            w.Line($"void global::NormReg.INetwork.FitNormalization({ReadOnlySpan}<float> features) => _core.FitNormalization(features);");
        }
        Member(w, "InputStatistics", "public global::NormReg.InputStatistics InputStatistics => _core.InputStatistics;");
        Member(w, "GetDense", "public global::NormReg.DenseLayer GetDense(string name) => _core.GetDense(name);");
        Member(w, "GetNormalization", "public global::NormReg.NormalizationLayer GetNormalization(string name) => _core.GetNormalization(name);");
        Member(w, "Predict(global::System.ReadOnlySpan{float}, global::System.Span{float})",
            $"public void Predict({ReadOnlySpan}<float> input, {Span}<float> output) => _core.Predict(input, output);");
        Member(w, "Predict(global::System.ReadOnlySpan{float}, global::System.Span{float}, int)",
            $"public void Predict({Inputs}, {Outputs}, int batchSize) => _core.Predict(inputs, outputs, batchSize);");
        if (classifier) Member(w, "Classify(global::System.ReadOnlySpan{float})", $"public int Classify({ReadOnlySpan}<float> input) => _core.Classify(input);");
        if (c.Network.Loss == LossKind.BinaryCrossEntropy && c.Plan.OutputSize == 1)
        {
            Member(w, "Classify(global::System.ReadOnlySpan{float}, float)", $"public int Classify({ReadOnlySpan}<float> input, float threshold = 0.5f) => _core.Classify(input, threshold);");
        }
        if (c.Network.Loss != LossKind.MeanSquaredError)
        {
            Member(w, "PredictProbabilities(global::System.ReadOnlySpan{float}, global::System.Span{float})",
                $"public void PredictProbabilities({ReadOnlySpan}<float> input, {Span}<float> probabilities) => _core.PredictProbabilities(input, probabilities);");
            Member(w, "PredictProbabilities(global::System.ReadOnlySpan{float}, global::System.Span{float}, int)",
                $"public void PredictProbabilities({Inputs}, {Span}<float> probabilities, int batchSize) => _core.PredictProbabilities(inputs, probabilities, batchSize);");
        }
        if (c.Plan.Samples)
        {
            Member(w, "PredictMonteCarlo",
                $"public void PredictMonteCarlo({Inputs}, {Span}<float> mean, {Span}<float> standardDeviation, int batchSize, int samples) => _core.PredictMonteCarlo(inputs, mean, standardDeviation, batchSize, samples);");
        }
        Member(w, "Forward",
            $"public void Forward({Inputs}, {Outputs}, int batchSize, global::NormReg.ForwardMode mode) => _core.Forward(inputs, outputs, batchSize, mode);");
        Member(w, "Backward(global::System.ReadOnlySpan{float}, int)",
            $"public void Backward({ReadOnlySpan}<float> outputGradients, int batchSize) => _core.Backward(outputGradients, batchSize);");
        Member(w, "Backward(global::System.ReadOnlySpan{float}, global::System.Span{float}, int)",
            $"public void Backward({ReadOnlySpan}<float> outputGradients, {Span}<float> inputGradients, int batchSize) => _core.Backward(outputGradients, inputGradients, batchSize);");
        Member(w, "Update", "public void Update(global::NormReg.Optimizer optimizer) => _core.Update(optimizer);");
        Member(w, $"TrainStep(global::System.ReadOnlySpan{{float}}, {targetCref}, int, global::NormReg.Optimizer)",
            $"public float TrainStep({Inputs}, {targets}, int batchSize, global::NormReg.Optimizer optimizer) => _core.TrainStep(inputs, {targetName}, batchSize, optimizer);");
        Member(w, $"ComputeLoss(global::System.ReadOnlySpan{{float}}, {targetCref}, int, global::System.Span{{float}})",
            $"public float ComputeLoss({ReadOnlySpan}<float> outputs, {targets}, int batchSize, {Span}<float> outputGradients) => _core.ComputeLoss(outputs, {targetName}, batchSize, outputGradients);");
        if (classifier)
        {
            Member(w, "TrainStep(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{int}, int, global::NormReg.Optimizer, global::System.ReadOnlySpan{float})",
                $"public float TrainStep({Inputs}, {targets}, int batchSize, global::NormReg.Optimizer optimizer, {ReadOnlySpan}<float> classWeights) => _core.TrainStep(inputs, labels, batchSize, optimizer, classWeights);");
            Member(w, "ComputeLoss(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{int}, int, global::System.Span{float}, global::System.ReadOnlySpan{float})",
                $"public float ComputeLoss({ReadOnlySpan}<float> outputs, {targets}, int batchSize, {Span}<float> outputGradients, {ReadOnlySpan}<float> classWeights) => _core.ComputeLoss(outputs, labels, batchSize, outputGradients, classWeights);");
        }
        w.Line();
    }

    /// <summary>One forwarding member, documented by the core member it calls.</summary>
    private static void Member(SourceWriter w, string coreMember, string declaration)
    {
        w.Line($"/// <inheritdoc cref=\"{Core}{coreMember}\"/>");
        w.Line(declaration);
    }
}
