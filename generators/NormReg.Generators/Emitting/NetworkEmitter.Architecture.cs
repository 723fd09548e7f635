using System.Linq;
using NormReg.Generators.Model;
using NormReg.Generators.Planning;
using static NormReg.Generators.Emitting.Literals;

namespace NormReg.Generators.Emitting;

/// <summary>The static <c>Architecture</c> description (the rows as data, for the core, ONNX export and model files) and the typed layer views.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteArchitecture(SourceWriter w, EmitContext c)
    {
        ExecutionPlan plan = c.Plan;
        InputScalingSpec scaling = c.Network.Scaling;
        w.Line("/// <summary>This declaration as data: rows, widths, constants and the layout of the state. ONNX export and model files read it.</summary>");
        w.Line("public static global::NormReg.NetworkArchitecture Architecture { get; } = new(");
        w.Indent();
        w.Line($"{String(c.Network.Identifier)}, global::NormReg.Loss.{c.Network.Loss}, InputSize, ParameterCount, {Int(plan.StatisticsCount)},");
        w.Line("new global::NormReg.LayerDescription[]");
        w.Line("{");
        w.Indent();
        foreach (PlannedLayer layer in plan.Layers) w.Line(Description(layer) + ",");
        w.Outdent();
        bool image = c.Network.InputShape.IsImage;
        bool settings = scaling.Kind != ScalingKind.None || c.Network.LabelSmoothing > 0 || image;
        w.Line(settings ? "})" : "});");
        w.Outdent();
        if (settings)
        {
            w.Line("{");
            w.Indent();
            if (image) w.Line($"InputShape = {ShapeArray(c.Network.InputShape)},");
            if (scaling.Kind != ScalingKind.None) w.Line($"Scaling = global::NormReg.InputScalingKind.{scaling.Kind},");
            if (scaling.Kind == ScalingKind.MinMax)
            {
                w.Line($"ScalingLow = {Number(scaling.Low)},");
                w.Line($"ScalingHigh = {Number(scaling.High)},");
                w.Line($"ScalingClip = {(scaling.Clip ? "true" : "false")},");
            }
            if (c.Network.LabelSmoothing > 0) w.Line($"LabelSmoothing = {Number(c.Network.LabelSmoothing)},");
            w.Close(";");
        }
        w.Line();
        w.Line("global::NormReg.NetworkArchitecture global::NormReg.INetwork.Architecture => Architecture;");
        w.Line("int global::NormReg.INetwork.InputSize => InputSize;");
        w.Line("int global::NormReg.INetwork.OutputSize => OutputSize;");
        w.Line();
    }

    /// <summary>A typed view of each row with parameters; handing one out marks the folded inference weights stale.</summary>
    private static void WriteViews(SourceWriter w, EmitContext c)
    {
        foreach (PlannedLayer layer in c.Plan.Layers.Where(l => l.WeightCount > 0))
        {
            string name = String(layer.Layer.Name);
            if (layer.Layer.Kind == LayerKind.Dense)
            {
                w.Line($"/// <summary>Weights and bias of <c>{Xml(layer.Layer.Row)}</c>: {Int(layer.Inputs)} → {Int(layer.Outputs)}.</summary>");
                w.Line($"public global::NormReg.DenseLayer {layer.Layer.Name} => new({name}, _core.WritableParameters, _core.Gradients, {Int(layer.Inputs)}, {Int(layer.Outputs)}, {Int(layer.WeightOffset)}, {Int(layer.BiasOffset)});");
            }
            else if (layer.Layer.Kind == LayerKind.Conv2D)
            {
                w.Line($"/// <summary>Weights [filters × channels·kernel²] and bias of <c>{Xml(layer.Layer.Row)}</c>: {layer.InputShape} → {layer.OutputShape}.</summary>");
                w.Line($"public global::NormReg.DenseLayer {layer.Layer.Name} => new({name}, _core.WritableParameters, _core.Gradients, {Int(layer.FanIn)}, {Int(layer.Units)}, {Int(layer.WeightOffset)}, {Int(layer.BiasOffset)});");
            }
            else
            {
                w.Line($"/// <summary>γ, β{(layer.StatisticsOffset >= 0 ? " and running statistics" : "")} of <c>{Xml(layer.Layer.Row)}</c>{(layer.Spatial ? ", one per channel" : "")}.</summary>");
                w.Line($"public global::NormReg.NormalizationLayer {layer.Layer.Name} => new({name}, _core.WritableParameters, _core.Gradients, _core.Statistics, {Int(layer.Units)}, {Int(layer.WeightOffset)}, {Int(layer.StatisticsOffset)});");
            }
            w.Line();
        }
    }

    /// <summary><c>new[] { 16, 14, 14 }</c> (channels, height, width) for an image, <c>new[] { 16 }</c> for a vector.</summary>
    private static string ShapeArray(ShapeSpec shape) => shape.IsImage
        ? $"new[] {{ {Int(shape.Channels)}, {Int(shape.Height)}, {Int(shape.Width)} }}"
        : $"new[] {{ {Int(shape.Channels)} }}";

    private static string Description(PlannedLayer layer)
    {
        LayerSpec spec = layer.Layer;
        string text = $"new(global::NormReg.LayerType.{spec.Kind}, {String(spec.Name)}, {String(spec.Row)}, {Int(layer.Inputs)}, {Int(layer.Outputs)})";
        var settings = new System.Collections.Generic.List<string>();
        // Vector rows leave the shapes at their defaults ([Inputs] and [Outputs]); rows on images say theirs.
        if (layer.InputShape.IsImage || layer.OutputShape.IsImage)
        {
            settings.Add($"InputShape = {ShapeArray(layer.InputShape)}");
            settings.Add($"OutputShape = {ShapeArray(layer.OutputShape)}");
        }
        if (spec.Kind == LayerKind.Conv2D || layer.Spatial)
        {
            settings.Add($"Units = {Int(layer.Units)}");
            if (spec.Kind == LayerKind.Conv2D) settings.Add($"FanIn = {Int(layer.FanIn)}");
        }
        if (spec.Kind is LayerKind.Conv2D or LayerKind.MaxPool2D or LayerKind.AvgPool2D)
        {
            settings.Add($"KernelSize = {Int(spec.Kernel)}");
            settings.Add($"Stride = {Int(spec.Stride)}");
        }
        if (spec.Kind == LayerKind.Conv2D && spec.SamePadding)
        {
            settings.Add($"Padding = new[] {{ {Int(Shapes.PadBefore(layer.InputShape.Height, spec))}, {Int(Shapes.PadBefore(layer.InputShape.Width, spec))}, {Int(Shapes.PadAfter(layer.InputShape.Height, spec))}, {Int(Shapes.PadAfter(layer.InputShape.Width, spec))} }}");
        }
        if (layer.WeightCount > 0) settings.Add($"WeightOffset = {Int(layer.WeightOffset)}");
        if (layer.BiasOffset >= 0) settings.Add($"BiasOffset = {Int(layer.BiasOffset)}");
        if (layer.StatisticsOffset >= 0) settings.Add($"StatisticsOffset = {Int(layer.StatisticsOffset)}");
        if (spec.Penalty is { } penalty)
        {
            if (penalty.L1 > 0) settings.Add($"L1 = {Number(penalty.L1)}");
            if (penalty.L2 > 0) settings.Add($"L2 = {Number(penalty.L2)}");
            if (penalty.IncludeBias) settings.Add("PenalizeBias = true");
        }
        if (spec.MaxNorm > 0) settings.Add($"MaxNorm = {Number(spec.MaxNorm)}");
        switch (spec.Kind)
        {
            case LayerKind.BatchNorm:
                settings.Add($"Epsilon = {Number(spec.Epsilon)}");
                settings.Add($"Momentum = {Number(spec.Momentum)}");
                break;
            case LayerKind.LayerNorm:
                settings.Add($"Epsilon = {Number(spec.Epsilon)}");
                break;
            case LayerKind.LeakyReLU:
                settings.Add($"Alpha = {Number(spec.Alpha)}");
                break;
            case LayerKind.Dropout or LayerKind.SpatialDropout or LayerKind.GaussianNoise or LayerKind.RandomRotation:
                settings.Add($"Rate = {Number(spec.Rate)}");
                break;
            case LayerKind.RandomFlip:
                settings.Add($"FlipHorizontal = {(spec.FlipHorizontal ? "true" : "false")}");
                settings.Add($"FlipVertical = {(spec.FlipVertical ? "true" : "false")}");
                break;
            case LayerKind.RandomTranslation:
                settings.Add($"HeightFactor = {Number(spec.HeightFactor)}");
                settings.Add($"WidthFactor = {Number(spec.WidthFactor)}");
                break;
        }
        return settings.Count == 0 ? text : $"{text} {{ {string.Join(", ", settings)} }}";
    }
}
