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
    /// NRG011 when the parameters, statistics or folded weights would not fit one .NET array: the generated
    /// constants would overflow <see cref="int"/>. Blames the row where the count passes the limit.
    /// </summary>
    public void CheckSizes(int inputSize, Row input)
    {
        const long Limit = 0x7FFFFFC7; // Array.MaxLength
        long width = inputSize, parameters = 0, statistics = Scaling.Kind == ScalingKind.None ? 0 : 2L * inputSize, folded = 0;
        if (inputSize <= 0) return;
        if (statistics > Limit)
        {
            Report(DiagnosticIds.InvalidArgument, input.ArgumentLocation(0), input.Text, $"input scaling would keep {statistics} statistics, more than a .NET array holds");
            return;
        }
        for (int i = 0; i < _layers.Count; i++)
        {
            LayerSpec layer = _layers[i];
            if (layer.Kind == LayerKind.Dense)
            {
                if (layer.Units <= 0) return;
                parameters += width * layer.Units + (layer.UseBias ? layer.Units : 0);
                if (i + 1 < _layers.Count && _layers[i + 1].Kind == LayerKind.BatchNorm) folded += width * layer.Units + layer.Units;
                width = layer.Units;
            }
            else if (layer.Kind is LayerKind.BatchNorm or LayerKind.LayerNorm)
            {
                parameters += 2 * width;
                if (layer.Kind == LayerKind.BatchNorm) statistics += 2 * width;
            }
            if (parameters + statistics > Limit || folded > Limit)
            {
                Row row = _names[i].Row;
                Report(DiagnosticIds.InvalidArgument, layer.Kind == LayerKind.Dense ? row.ArgumentLocation(0) : row.Location, row.Text,
                    $"the network would hold {Math.Max(parameters + statistics, folded)} values in one array, more than a .NET array holds");
                return;
            }
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
            if (layer.Kind != LayerKind.Dense)
            {
                Report(DiagnosticIds.MisplacedModifier, row.Location, row.Text, network, $"applies to a Dense layer, and '{layer.Name}' is a {layer.Kind}");
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
