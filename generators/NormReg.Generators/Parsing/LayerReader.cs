using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Model;

namespace NormReg.Generators.Parsing;

/// <summary>
/// Reads the rows after <c>[Input]</c>: each layer with the modifiers that follow it, and the input row's
/// scaling. Checks argument ranges and where modifiers may attach.
/// </summary>
internal sealed class LayerReader(string network, string typeName, IReadOnlyCollection<string> typeParameters, List<DiagnosticInfo> diagnostics)
{
    private readonly List<LayerSpec> _layers = [];
    private readonly List<string> _rowTexts = [];
    private readonly Dictionary<LayerKind, int> _counts = [];
    private readonly HashSet<string> _stems = new(StringComparer.Ordinal);
    private readonly List<string> _inputTexts = [];
    // Per layer: its row, whether it was named explicitly, and whether its name was already reported.
    private readonly List<(Row Row, bool Explicit, bool Reported)> _names = [];

    public InputScalingSpec Scaling { get; private set; } = InputScalingSpec.None;

    public string InputRow => "[" + string.Join(", ", _inputTexts) + "]";

    public List<LayerSpec> Read(List<Row> rows)
    {
        foreach (Row row in rows)
        {
            switch (row.Kind)
            {
                case RowKind.Input when _inputTexts.Count == 0 && _layers.Count == 0:
                    _inputTexts.Add(row.Inner);
                    break;
                case RowKind.Layer:
                    AddLayer(row);
                    break;
                case RowKind.Modifier:
                    AddModifier(row);
                    break;
            }
        }
        CheckFields();
        return _layers.Select((layer, i) => layer with { Row = "[" + _rowTexts[i] + "]" }).ToList();
    }

    /// <summary>
    /// Walks the shapes down from <paramref name="input"/>: NRG016 for an image row on a vector, NRG017 for a vector row on an
    /// image, NRG015 for a window that does not fit, and NRG011 when a row's output would hold more values than an
    /// <see cref="int"/> counts. Stops at the first problem: the shapes after it are unknown.
    /// </summary>
    public void CheckShapes(ShapeSpec input)
    {
        ShapeSpec shape = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            LayerSpec layer = _layers[i];
            Row row = _names[i].Row;
            if (Shapes.Problem(layer, shape) is { } problem)
            {
                string id = problem.Kind switch
                {
                    ShapeProblem.NeedsImage => DiagnosticIds.ImageRowOnVector,
                    ShapeProblem.NeedsVector => DiagnosticIds.VectorRowOnImage,
                    _ => DiagnosticIds.ShapeDoesNotFit,
                };
                Report(id, row.Location, row.Text, problem.Text);
                return;
            }
            if (HasInvalidSize(layer)) return;
            long size = layer.Kind == LayerKind.Conv2D
                ? (long)layer.Units * Shapes.ConvOut(shape.Height, layer) * Shapes.ConvOut(shape.Width, layer)
                : layer.Kind == LayerKind.Dense ? layer.Units : shape.Size;
            if (size > int.MaxValue)
            {
                Report(DiagnosticIds.InvalidArgument, row.Location, row.Text, $"its output would hold {size} values per sample, more than an int counts");
                return;
            }
            // A convolution unfolds each sample's patches, channels·k² values per output pixel, into one array.
            long patches = layer.Kind == LayerKind.Conv2D ? (long)shape.Channels * layer.Kernel * layer.Kernel * (size / layer.Units) : 0;
            if (patches > 0x7FFFFFC7)
            {
                Report(DiagnosticIds.InvalidArgument, row.Location, row.Text, $"its unfolded patches would hold {patches} values per sample, more than a .NET array holds");
                return;
            }
            shape = Shapes.Output(layer, shape);
        }
    }

    /// <summary>
    /// NRG011 when the parameters, statistics or folded weights would not fit one .NET array: the generated
    /// constants would overflow <see cref="int"/>. Blames the row where the count passes the limit.
    /// </summary>
    public void CheckSizes(ShapeSpec input, Row inputRow)
    {
        const long Limit = 0x7FFFFFC7; // Array.MaxLength
        int scaled = input.IsImage ? input.Channels : input.Size;
        long parameters = 0, statistics = Scaling.Kind == ScalingKind.None ? 0 : 2L * scaled, folded = 0;
        if (statistics > Limit)
        {
            Report(DiagnosticIds.InvalidArgument, inputRow.ArgumentLocation(0), inputRow.Text, $"input scaling would keep {statistics} statistics, more than a .NET array holds");
            return;
        }
        ShapeSpec shape = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            LayerSpec layer = _layers[i];
            if (Shapes.Problem(layer, shape) is not null || HasInvalidSize(layer)) return;
            long weights = layer.Kind switch
            {
                LayerKind.Dense => (long)shape.Size * layer.Units,
                LayerKind.Conv2D => (long)shape.Channels * layer.Kernel * layer.Kernel * layer.Units,
                _ => 0,
            };
            if (layer.IsWeightLayer)
            {
                parameters += weights + (layer.UseBias ? layer.Units : 0);
                if (i + 1 < _layers.Count && _layers[i + 1].Kind == LayerKind.BatchNorm) folded += weights + layer.Units;
            }
            else if (layer.Kind is LayerKind.BatchNorm or LayerKind.LayerNorm)
            {
                long features = layer.Kind == LayerKind.BatchNorm && shape.IsImage ? shape.Channels : shape.Size;
                parameters += 2 * features;
                if (layer.Kind == LayerKind.BatchNorm) statistics += 2 * features;
            }
            if (parameters + statistics > Limit || folded > Limit)
            {
                Row row = _names[i].Row;
                Report(DiagnosticIds.InvalidArgument, layer.IsWeightLayer ? row.ArgumentLocation(0) : row.Location, row.Text,
                    $"the network would hold {Math.Max(parameters + statistics, folded)} values in one array, more than a .NET array holds");
                return;
            }
            shape = Shapes.Output(layer, shape);
        }
    }

    /// <summary>
    /// NRG009 for a name whose generated fields clash with the emitter's own (Random: _random) or with another
    /// layer's (DHidden's _dHidden is Hidden's gradient; DropMask's _dropMask is Drop's mask). An explicit name is blamed.
    /// </summary>
    private void CheckFields()
    {
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string field in GeneratedMembers.Fields) owners[field] = -1;
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_names[i].Reported) continue;
            foreach (string field in Naming.Fields(_layers[i]))
            {
                if (!owners.TryGetValue(field, out int owner))
                {
                    owners[field] = i;
                    continue;
                }
                int blamed = owner >= 0 && !_names[i].Explicit && _names[owner].Explicit ? owner : i;
                int other = blamed == i ? owner : i;
                (Row row, bool isExplicit, _) = _names[blamed];
                string with = other < 0 ? "one the generator declares" : $"a field of layer '{_layers[other].Name}'";
                Report(DiagnosticIds.InvalidLayerName, isExplicit ? row.NamedArgumentLocation("Name") : row.Location, _layers[blamed].Name, network,
                    $"its generated field '{field}' would clash with {with}");
                break;
            }
        }
    }

    private void AddLayer(Row row)
    {
        _counts[row.Layer] = _counts.TryGetValue(row.Layer, out int count) ? count + 1 : 1;
        string? explicitName = row.Named<string?>("Name", null);
        string name = explicitName ?? row.Layer + _counts[row.Layer].ToString(CultureInfo.InvariantCulture);
        // An automatic name (Dense1) can only clash with the class's own name.
        string? problem = explicitName is not null ? NetworkParser.NameProblem(explicitName, typeName) : name == typeName ? "it is the name of the network class" : null;
        if (problem is null && typeParameters.Contains(name)) problem = "it is the name of a type parameter of the network class";
        bool reported = true;
        if (problem is not null)
        {
            Report(DiagnosticIds.InvalidLayerName, explicitName is null ? row.Location : row.NamedArgumentLocation("Name"), name, network, problem);
        }
        else if (!_stems.Add(Naming.Stem(name)))
        {
            Report(DiagnosticIds.DuplicateLayerName, explicitName is null ? row.Location : row.NamedArgumentLocation("Name"), name, network);
        }
        else
        {
            reported = false;
        }
        _names.Add((row, explicitName is not null, reported));

        var layer = new LayerSpec(row.Layer, name, row.Text);
        switch (row.Layer)
        {
            case LayerKind.Dense:
                int units = Convert.ToInt32(row.Positional(0), CultureInfo.InvariantCulture);
                if (units <= 0) Report(DiagnosticIds.NonPositiveSize, row.ArgumentLocation(0), row.Text, units.ToString(CultureInfo.InvariantCulture));
                int init = row.Named("Init", 0);
                if (!Enum.IsDefined(typeof(InitChoice), init)) Report(DiagnosticIds.InvalidArgument, row.NamedArgumentLocation("Init"), row.Text, $"Init must be an Initializer member; got {init.ToString(CultureInfo.InvariantCulture)}");
                layer = layer with { Units = units, UseBias = row.Named("UseBias", true), Init = (InitChoice)init };
                break;
            case LayerKind.Conv2D:
                int filters = PositiveSize(row, 0);
                int padding = row.Named("Padding", 0);
                if (padding is not (0 or 1)) Report(DiagnosticIds.InvalidArgument, row.NamedArgumentLocation("Padding"), row.Text, $"Padding must be Padding.Valid or Padding.Same; got {padding.ToString(CultureInfo.InvariantCulture)}");
                int convInit = row.Named("Init", 0);
                if (!Enum.IsDefined(typeof(InitChoice), convInit)) Report(DiagnosticIds.InvalidArgument, row.NamedArgumentLocation("Init"), row.Text, $"Init must be an Initializer member; got {convInit.ToString(CultureInfo.InvariantCulture)}");
                layer = layer with
                {
                    Units = filters,
                    Kernel = PositiveSize(row, 1),
                    Stride = PositiveStride(row, 1),
                    SamePadding = padding == 1,
                    UseBias = row.Named("UseBias", true),
                    Init = (InitChoice)convInit,
                };
                break;
            case LayerKind.MaxPool2D or LayerKind.AvgPool2D:
                int size = PositiveSize(row, 0);
                int stride = PositiveStride(row, 0);
                layer = layer with { Kernel = size, Stride = stride == 0 ? size : stride };
                break;
            case LayerKind.SpatialDropout:
                layer = layer with { Rate = Check(row, 0, row.PositionalDouble(0), v => v >= 0 && v < 1, "the rate must be in [0, 1)") };
                break;
            case LayerKind.RandomFlip:
                int mode = row.Data.ConstructorArguments.Length > 0 ? Convert.ToInt32(row.Positional(0), CultureInfo.InvariantCulture) : 2;
                if (mode is not (0 or 1 or 2)) Report(DiagnosticIds.InvalidArgument, row.ArgumentLocation(0), row.Text, $"the mode must be a FlipMode member; got {mode.ToString(CultureInfo.InvariantCulture)}");
                layer = layer with { FlipHorizontal = mode != 1, FlipVertical = mode != 0 };
                break;
            case LayerKind.RandomRotation:
                layer = layer with { Rate = Check(row, 0, row.PositionalDouble(0), v => v > 0 && v <= 0.5, "the factor (the largest angle as a fraction of a full turn) must be in (0, 0.5]") };
                break;
            case LayerKind.RandomTranslation:
                const string Factor = "the factor (the largest shift as a fraction of the side) must be in [0, 1)";
                layer = layer with
                {
                    HeightFactor = Check(row, 0, row.PositionalDouble(0), v => v >= 0 && v < 1, Factor),
                    WidthFactor = Check(row, 1, row.PositionalDouble(1), v => v >= 0 && v < 1, Factor),
                };
                if ((float)layer.HeightFactor == 0 && (float)layer.WidthFactor == 0) Report(DiagnosticIds.InvalidArgument, row.Location, row.Text, "at least one factor must be positive");
                break;
            case LayerKind.LeakyReLU:
                layer = layer with { Alpha = Check(row, 0, row.Data.ConstructorArguments.Length > 0 ? row.PositionalDouble(0) : 0.01, v => !double.IsNaN(v) && !double.IsInfinity(v), "the slope must be a finite number") };
                break;
            case LayerKind.Dropout:
                layer = layer with { Rate = Check(row, 0, row.PositionalDouble(0), v => v >= 0 && v < 1, "the rate must be in [0, 1)") };
                break;
            case LayerKind.GaussianNoise:
                layer = layer with { Rate = Check(row, 0, row.PositionalDouble(0), v => IsPositive(v) && IsFinite(10 * (float)v), "the standard deviation must be positive, and ten times it (a draw far in the tail) finite") };
                break;
            case LayerKind.BatchNorm:
                layer = layer with
                {
                    Momentum = CheckNamed(row, "Momentum", 0.1, v => v > 0 && v <= 1, "Momentum must be in (0, 1]"),
                    Epsilon = CheckNamed(row, "Epsilon", 1e-5, IsPositive, "Epsilon must be positive and finite"),
                };
                break;
            case LayerKind.LayerNorm:
                layer = layer with { Epsilon = CheckNamed(row, "Epsilon", 1e-5, IsPositive, "Epsilon must be positive and finite") };
                break;
        }
        _layers.Add(layer);
        _rowTexts.Add(row.Inner);
    }

    /// <summary>Whether a size or stride of the row is not positive (reported already): its shape cannot be computed.</summary>
    private static bool HasInvalidSize(LayerSpec layer) =>
        layer.IsWeightLayer && layer.Units <= 0 || layer.Kind is LayerKind.Conv2D or LayerKind.MaxPool2D or LayerKind.AvgPool2D && (layer.Kernel <= 0 || layer.Stride <= 0);

    /// <summary>Positional argument <paramref name="index"/> as a size; NRG007 when it is not positive.</summary>
    private int PositiveSize(Row row, int index)
    {
        int value = Convert.ToInt32(row.Positional(index), CultureInfo.InvariantCulture);
        if (value <= 0) Report(DiagnosticIds.NonPositiveSize, row.ArgumentLocation(index), row.Text, value.ToString(CultureInfo.InvariantCulture));
        return value;
    }

    /// <summary>The named <c>Stride</c>; NRG011 below <paramref name="least"/> (pools take 0 for their size).</summary>
    private int PositiveStride(Row row, int least)
    {
        int value = row.Named("Stride", least);
        if (value < least) Report(DiagnosticIds.InvalidArgument, row.NamedArgumentLocation("Stride"), row.Text, $"Stride must be {(least == 0 ? "positive, or 0 for the window's size" : "positive")}; got {value.ToString(CultureInfo.InvariantCulture)}");
        return value;
    }

    private void AddModifier(Row row)
    {
        if (_layers.Count == 0 && _inputTexts.Count == 0)
        {
            Report(DiagnosticIds.MisplacedModifier, row.Location, row.Text, network, "has no row before it to modify");
            return;
        }
        if (row.Modifier is ModifierKind.ZScore or ModifierKind.MinMax)
        {
            AddScaling(row);
            return;
        }
        if (_layers.Count == 0)
        {
            Report(DiagnosticIds.MisplacedModifier, row.Location, row.Text, network, "needs a layer with weights before it, not the [Input] row");
            return;
        }
        int index = _layers.Count - 1;
        LayerSpec layer = _layers[index];
        _rowTexts[index] += ", " + row.Inner;
        if (row.Modifier == ModifierKind.MaxNorm)
        {
            if (!layer.IsWeightLayer)
            {
                Report(DiagnosticIds.MisplacedModifier, row.Location, row.Text, network, $"applies to a Dense or Conv2D layer, and '{layer.Name}' is a {layer.Kind}");
            }
            else if (layer.MaxNorm > 0)
            {
                Report(DiagnosticIds.RepeatedModifier, row.Location, row.Text, layer.Name, network);
            }
            else
            {
                _layers[index] = layer with { MaxNorm = Check(row, 0, row.PositionalDouble(0), IsPositive, "the maximum norm must be positive and finite") };
            }
            return;
        }

        if (!layer.HasWeights)
        {
            Report(DiagnosticIds.MisplacedModifier, row.Location, row.Text, network, $"needs a layer with weights, and '{layer.Name}' ({layer.Kind}) has none");
            return;
        }
        if (layer.Penalty is not null)
        {
            Report(DiagnosticIds.RepeatedModifier, row.Location, row.Text, layer.Name, network);
            return;
        }
        const string Strength = "the strength must be positive and finite";
        // The L2 gradient is 2λw in float: 2λ must be finite too.
        const string L2Strength = "the strength must be positive and finite, and twice it (the gradient's factor) finite";
        (double l1, double l2) = row.Modifier switch
        {
            ModifierKind.L1 => (Check(row, 0, row.PositionalDouble(0), IsPositive, Strength), 0d),
            ModifierKind.L2 => (0d, Check(row, 0, row.PositionalDouble(0), v => IsPositive(v) && IsFinite(2 * (float)v), L2Strength)),
            _ => (Check(row, 0, row.PositionalDouble(0), IsNonNegative, "l1 must be zero or positive, and finite"),
                  Check(row, 1, row.PositionalDouble(1), v => IsNonNegative(v) && IsFinite(2 * (float)v), "l2 must be zero or positive, and twice it (the gradient's factor) finite")),
        };
        if (row.Modifier == ModifierKind.L1L2 && (float)l1 == 0 && (float)l2 == 0)
        {
            Report(DiagnosticIds.InvalidArgument, row.Location, row.Text, "at least one of l1 and l2 must be positive");
        }
        _layers[index] = layer with { Penalty = new PenaltySpec(l1, l2, row.Named("IncludeBias", false)) };
    }

    private void AddScaling(Row row)
    {
        if (_layers.Count > 0)
        {
            Report(DiagnosticIds.MisplacedModifier, row.Location, row.Text, network, "scales the input and must follow the [Input] row");
            return;
        }
        _inputTexts.Add(row.Inner);
        if (Scaling.Kind != ScalingKind.None)
        {
            Report(DiagnosticIds.RepeatedModifier, row.Location, row.Text, "Input", network);
            return;
        }
        if (row.Modifier == ModifierKind.ZScore)
        {
            Scaling = new InputScalingSpec(ScalingKind.ZScore, 0, 0, false);
            return;
        }
        double low = row.Data.ConstructorArguments.Length > 0 ? row.PositionalDouble(0) : 0;
        double high = row.Data.ConstructorArguments.Length > 1 ? row.PositionalDouble(1) : 1;
        if (!(IsFinite((float)low) && IsFinite((float)high) && (float)high > (float)low))
        {
            Report(DiagnosticIds.InvalidArgument, row.Location, row.Text, "the range needs finite bounds with high > low");
        }
        else if (!IsFinite(FloatDifference(high, low)))
        {
            // The scaling multiplies by high − low in float: [MinMax(-3.4e38f, 3.4e38f)] would scale every feature to ±∞ or NaN.
            Report(DiagnosticIds.InvalidArgument, row.Location, row.Text, "high − low overflows a 32-bit float, the precision of the generated code; narrow the range");
        }
        Scaling = new InputScalingSpec(ScalingKind.MinMax, low, high, row.Named("Clip", false));
    }

    private double Check(Row row, int index, double value, Func<double, bool> valid, string problem)
    {
        if (Problem(value, valid, problem) is { } found) Report(DiagnosticIds.InvalidArgument, row.ArgumentLocation(index), row.Text, found);
        return value;
    }

    private double CheckNamed(Row row, string name, double fallback, Func<double, bool> valid, string problem)
    {
        double value = row.Named(name, fallback);
        if (Problem(value, valid, problem) is { } found) Report(DiagnosticIds.InvalidArgument, row.NamedArgumentLocation(name), row.Text, found);
        return value;
    }

    /// <summary>
    /// The problem with <paramref name="value"/>, if any: the generated code computes in float, so a value valid as a double
    /// must stay valid as a float (1e-50 becomes 0, 1e39 infinity, a rate of 0.9999999999 becomes 1).
    /// </summary>
    private static string? Problem(double value, Func<double, bool> valid, string problem) =>
        !valid(value) ? problem
        : !valid((float)value) ? $"{problem} as a 32-bit float, the precision of the generated code ({value.ToString("R", CultureInfo.InvariantCulture)} becomes {((float)value).ToString("R", CultureInfo.InvariantCulture)})"
        : null;

    private static bool IsFinite(double v) => !double.IsNaN(v) && !double.IsInfinity(v);

    /// <summary><paramref name="a"/> − <paramref name="b"/> computed as the generated code does, in 32-bit floats.</summary>
    private static float FloatDifference(double a, double b)
    {
        float x = (float)a, y = (float)b;
        return x - y;
    }

    private static bool IsPositive(double v) => v > 0 && IsFinite(v);

    private static bool IsNonNegative(double v) => v >= 0 && IsFinite(v);

    private void Report(string id, Microsoft.CodeAnalysis.Location location, params string[] arguments) =>
        diagnostics.Add(new DiagnosticInfo(id, LocationInfo.From(location), arguments.ToEquatableArray()));
}
