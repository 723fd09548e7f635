using NormReg.Generators.Model;
using NormReg.Generators.Planning;
using static NormReg.Generators.Emitting.Literals;

namespace NormReg.Generators.Emitting;

/// <summary>The static <c>Architecture</c> description: the rows as data, for ONNX export and model files.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteArchitecture(SourceWriter w, EmitContext c)
    {
        ExecutionPlan plan = c.Plan;
        InputScalingSpec scaling = c.Network.Scaling;
        w.Line("/// <summary>This declaration as data: rows, widths, constants and the layout of the state. ONNX export and model files read it.</summary>");
        w.Line("public static global::NormReg.NetworkArchitecture Architecture { get; } = new(");
        w.Indent();
        w.Line($"{c.NameLiteral}, global::NormReg.Loss.{c.Network.Loss}, InputSize, ParameterCount, {Int(plan.StatisticsCount)},");
        w.Line("new global::NormReg.LayerDescription[]");
        w.Line("{");
        w.Indent();
        foreach (PlannedLayer layer in plan.Layers) w.Line(Description(layer) + ",");
        w.Outdent();
        w.Line(scaling.Kind == ScalingKind.None ? "});" : "})");
        w.Outdent();
        if (scaling.Kind != ScalingKind.None)
        {
            w.Line("{");
            w.Indent();
            w.Line($"Scaling = global::NormReg.InputScalingKind.{scaling.Kind},");
            if (scaling.Kind == ScalingKind.MinMax)
            {
                w.Line($"ScalingLow = {Double(scaling.Low)},");
                w.Line($"ScalingHigh = {Double(scaling.High)},");
                w.Line($"ScalingClip = {(scaling.Clip ? "true" : "false")},");
            }
            w.Close(";");
        }
        w.Line();
        w.Line("global::NormReg.NetworkArchitecture global::NormReg.INetwork.Architecture => Architecture;");
        w.Line();
    }

    private static string Description(PlannedLayer layer)
    {
        LayerSpec spec = layer.Layer;
        string text = $"new(global::NormReg.LayerType.{spec.Kind}, {String(spec.Name)}, {String(spec.Row)}, {Int(layer.Inputs)}, {Int(layer.Outputs)})";
        var settings = new System.Collections.Generic.List<string>();
        if (layer.WeightCount > 0) settings.Add($"WeightOffset = {Int(layer.WeightOffset)}");
        if (layer.BiasOffset >= 0) settings.Add($"BiasOffset = {Int(layer.BiasOffset)}");
        if (layer.StatisticsOffset >= 0) settings.Add($"StatisticsOffset = {Int(layer.StatisticsOffset)}");
        switch (spec.Kind)
        {
            case LayerKind.BatchNorm:
                settings.Add($"Epsilon = {Double(spec.Epsilon)}");
                settings.Add($"Momentum = {Double(spec.Momentum)}");
                break;
            case LayerKind.LayerNorm:
                settings.Add($"Epsilon = {Double(spec.Epsilon)}");
                break;
            case LayerKind.LeakyReLU:
                settings.Add($"Alpha = {Double(spec.Alpha)}");
                break;
            case LayerKind.Dropout or LayerKind.GaussianNoise:
                settings.Add($"Rate = {Double(spec.Rate)}");
                break;
        }
        return settings.Count == 0 ? text : $"{text} {{ {string.Join(", ", settings)} }}";
    }
}
