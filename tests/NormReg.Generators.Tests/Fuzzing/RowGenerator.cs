using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>
/// Draws rows and their arguments: valid values from each attribute's documented range, values each rule
/// forbids, and edge values (float overflow and underflow, rates that round to 1 in float, huge sizes) whose
/// fate the fuzzer only checks through the general properties.
/// </summary>
internal sealed class RowGenerator(Random random)
{
    public static readonly string[] Layers = ["Dense", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "GELU", "Softmax", "BatchNorm", "LayerNorm", "Dropout", "GaussianNoise"];

    /// <summary>Rows on images, besides the activations, normalizations, dropout and noise that work on any shape.</summary>
    public static readonly string[] ImageLayers =
        ["Conv2D", "MaxPool2D", "AvgPool2D", "GlobalAvgPool", "Flatten", "SpatialDropout", "RandomFlip", "RandomRotation", "RandomTranslation"];
    public static readonly string[] Penalties = ["L1", "L2", "L1L2"];

    /// <summary>Names the parser must refuse (NRG009): reserved members, keywords, non-identifiers, underscores, the input's buffer.</summary>
    public static readonly string[] ForbiddenNames =
        ["Predict", "Parameters", "Gradients", "ToString", "Save", "Architecture", "InputSize", "TrainStep", "RefreshFolds",
         "class", "int", "two words", "1st", "", "_hidden", "Input", "input"];

    /// <summary>Names that may collide with something generated, or shadow a type the generated code uses.</summary>
    public static readonly string[] CuriousNames =
        ["Random", "Statistics", "StatisticsBefore", "Folded", "FoldsStale", "TrainingBatch", "DInput", "Span", "ReadOnlySpan",
         "Math", "System", "NormReg", "Global", "T", "Outer1", "Value", "Dense1", "Relu1", "Dispose", "MaxNorm", "Layer", "Sch\u00e9ma"];

    public Random Random { get; } = random;

    public T Pick<T>(params T[] items) => items[Random.Next(items.Length)];

    public bool Chance(double p) => Random.NextDouble() < p;

    public FuzzRow ValidLayer(string kind) => kind switch
    {
        "Dense" => Dense(Size()),
        "LeakyReLU" => Chance(0.3) ? new FuzzRow(RowRole.Layer, kind) : new FuzzRow(RowRole.Layer, kind, Positional("alpha", Double(Pick(0, 0.01, 0.2, 1, 3, -0.5)))),
        "BatchNorm" => WithNamed(new FuzzRow(RowRole.Layer, kind), ("Momentum", Pick(0.01, 0.1, 0.5, 1)), ("Epsilon", Pick(1e-5, 1e-3, 0.1, 1))),
        "LayerNorm" => WithNamed(new FuzzRow(RowRole.Layer, kind), ("Epsilon", Pick(1e-5, 1e-3, 0.1, 1))),
        "Dropout" => new FuzzRow(RowRole.Layer, kind, Positional("rate", Double(Pick(0, -0.0, 0.1, 0.2, 0.5, 0.9)))),
        "GaussianNoise" => new FuzzRow(RowRole.Layer, kind, Positional("standardDeviation", Double(Pick(0.01, 0.1, 0.5, 1, 2.5)))),
        _ => new FuzzRow(RowRole.Layer, kind),
    };

    public FuzzRow Dense(string units)
    {
        var row = new FuzzRow(RowRole.Layer, "Dense", Positional("units", units));
        if (Chance(0.25)) row.Arguments.Add("UseBias = " + (Chance(0.5) ? "false" : "true"));
        return row;
    }

    public FuzzRow Input(string size) => new(RowRole.Input, "Input", Positional("size", size));

    public FuzzRow ImageInput(string channels, string height, string width) => new(RowRole.Input, "Input", channels, height, width);

    /// <summary>
    /// A valid row on a <paramref name="c"/>×<paramref name="h"/>×<paramref name="w"/> image, or <see langword="null"/> when
    /// <paramref name="kind"/> cannot fit it; the shape becomes the row's output (a vector of <paramref name="c"/> when it flattens).
    /// </summary>
    public FuzzRow? ValidImageLayer(string kind, ref int c, ref int h, ref int w)
    {
        switch (kind)
        {
            case "Conv2D":
                bool same = Chance(0.4);
                int kernel = Random.Next(1, same ? 4 : Math.Min(Math.Min(h, w), 3) + 1), stride = Chance(0.7) ? 1 : 2;
                c = Random.Next(1, 5);
                var conv = new FuzzRow(RowRole.Layer, kind, Positional("filters", c.ToString(CultureInfo.InvariantCulture)), kernel.ToString(CultureInfo.InvariantCulture));
                if (stride != 1 || Chance(0.2)) conv.Arguments.Add($"Stride = {stride}");
                if (same) conv.Arguments.Add("Padding = Padding.Same");
                else if (Chance(0.2)) conv.Arguments.Add("Padding = Padding.Valid");
                if (Chance(0.25)) conv.Arguments.Add("UseBias = " + (Chance(0.5) ? "false" : "true"));
                if (Chance(0.2)) conv.Arguments.Add("Init = Initializer." + Pick("Auto", "HeUniform", "GlorotUniform", "PyTorch"));
                h = same ? (h + stride - 1) / stride : (h - kernel) / stride + 1;
                w = same ? (w + stride - 1) / stride : (w - kernel) / stride + 1;
                return conv;
            case "MaxPool2D" or "AvgPool2D":
                int size = Random.Next(1, Math.Min(Math.Min(h, w), 2) + 1), step = Chance(0.7) ? size : 1;
                var pool = new FuzzRow(RowRole.Layer, kind, size.ToString(CultureInfo.InvariantCulture));
                if (step != size) pool.Arguments.Add($"Stride = {step}");
                h = (h - size) / step + 1;
                w = (w - size) / step + 1;
                return pool;
            case "GlobalAvgPool" or "Flatten":
                c = kind == "Flatten" ? c * h * w : c;
                h = w = 0;
                return new FuzzRow(RowRole.Layer, kind);
            case "SpatialDropout":
                return new FuzzRow(RowRole.Layer, kind, Double(Pick(0, 0.1, 0.5)));
            case "RandomFlip":
                return Chance(0.3) ? new FuzzRow(RowRole.Layer, kind) : new FuzzRow(RowRole.Layer, kind, "FlipMode." + Pick("Horizontal", "Vertical", "HorizontalAndVertical"));
            case "RandomRotation":
                return new FuzzRow(RowRole.Layer, kind, Double(Pick(0.01, 0.05, 0.25, 0.5)));
            case "RandomTranslation":
                return new FuzzRow(RowRole.Layer, kind, Double(Pick(0, 0.1, 0.3)), Double(Pick(0.05, 0.2, 0.5)));
            case "Dense" or "Softmax":
                return null;
            default:
                return ValidLayer(kind);
        }
    }

    /// <summary>A valid input scaling row: <c>[ZScore]</c> or <c>[MinMax]</c> with a proper range.</summary>
    public FuzzRow Scaling()
    {
        if (Chance(0.5)) return new FuzzRow(RowRole.Modifier, "ZScore");
        var row = new FuzzRow(RowRole.Modifier, "MinMax");
        if (Chance(0.6))
        {
            (double low, double high) = Pick((0.0, 1.0), (-1.0, 1.0), (-3.0, 5.0), (0.5, 0.6));
            row.Arguments.Add(Double(low));
            row.Arguments.Add(Double(high));
        }
        if (Chance(0.4)) row.Arguments.Add("Clip = " + (Chance(0.5) ? "true" : "false"));
        return row;
    }

    public FuzzRow Penalty()
    {
        string kind = Pick(Penalties);
        FuzzRow row = kind == "L1L2"
            ? new FuzzRow(RowRole.Modifier, kind, Double(Pick(0, 1e-4, 0.01)), Double(Pick(1e-3, 0.1)))
            : Chance(0.2) ? new FuzzRow(RowRole.Modifier, kind) : new FuzzRow(RowRole.Modifier, kind, Double(Pick(1e-5, 1e-4, 1e-3, 0.01, 0.5)));
        if (Chance(0.3)) row.Arguments.Add("IncludeBias = " + (Chance(0.5) ? "true" : "false"));
        return row;
    }

    public FuzzRow MaxNorm(double value) => new(RowRole.Modifier, "MaxNorm", Positional("maxValue", Double(value)));

    /// <summary>A size in 1..5, written as a literal or a small constant expression.</summary>
    public string Size()
    {
        int size = Random.Next(1, 6);
        return Chance(0.1) ? $"{size - 1} + 1" : size.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Any row at all, with any argument: valid, out of range, or at the edge of float.</summary>
    public FuzzRow Anything()
    {
        double roll = Random.NextDouble();
        if (roll < 0.12)
        {
            return Chance(0.3) ? ImageInput(Chance(0.7) ? Size() : AnySize(), Pick("3", "8", "28", AnySize()), Pick("3", "8", "28", AnySize())) : Input(Chance(0.7) ? Size() : AnySize());
        }
        if (roll < 0.22)
        {
            string image = Pick(ImageLayers);
            return image switch
            {
                "Conv2D" => new FuzzRow(RowRole.Layer, image, AnySize(), AnySize(), "Stride = " + AnySize(), "Padding = (Padding)" + Pick("0", "1", "2", "(-1)")),
                "MaxPool2D" or "AvgPool2D" => new FuzzRow(RowRole.Layer, image, AnySize(), "Stride = " + Pick("0", AnySize())),
                "SpatialDropout" or "RandomRotation" => new FuzzRow(RowRole.Layer, image, AnyDouble()),
                "RandomTranslation" => new FuzzRow(RowRole.Layer, image, AnyDouble(), AnyDouble()),
                "RandomFlip" => new FuzzRow(RowRole.Layer, image, "(FlipMode)" + Pick("0", "2", "3", "(-1)")),
                _ => new FuzzRow(RowRole.Layer, image),
            };
        }
        if (roll < 0.3)
        {
            string kind = Pick("ZScore", "MinMax", "L1", "L2", "L1L2", "MaxNorm");
            return kind switch
            {
                "ZScore" => new FuzzRow(RowRole.Modifier, kind),
                "MinMax" => Chance(0.5) ? Scaling() : new FuzzRow(RowRole.Modifier, kind, AnyDouble(), AnyDouble()),
                "L1L2" => new FuzzRow(RowRole.Modifier, kind, AnyDouble(), AnyDouble()),
                _ => Chance(0.5) ? (kind == "MaxNorm" ? MaxNorm(2) : Penalty()) : new FuzzRow(RowRole.Modifier, kind, AnyDouble()),
            };
        }
        string layer = Pick(Layers);
        if (Chance(0.6)) return ValidLayer(layer);
        return layer switch
        {
            "Dense" => Dense(AnySize()),
            "LeakyReLU" or "Dropout" or "GaussianNoise" => new FuzzRow(RowRole.Layer, layer, AnyDouble()),
            "BatchNorm" => new FuzzRow(RowRole.Layer, layer, "Momentum = " + AnyDouble(), "Epsilon = " + AnyDouble()),
            "LayerNorm" => new FuzzRow(RowRole.Layer, layer, "Epsilon = " + AnyDouble()),
            _ => new FuzzRow(RowRole.Layer, layer),
        };
    }

    public string AnySize() => Pick("0", "-1", "-4", "int.MinValue", "1", "3", "65536", "100000", "int.MaxValue");

    public string AnyDouble() => Double(Pick(
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0, -0.0, -0.1, 0.5, 1, 1.5, 0.9999999999,
        1e-300, 1e-50, 1e39, 1e300, double.Epsilon, double.MaxValue, 0.3, 2, 1e-4));

    /// <summary>A double as C# source: <c>0.5</c>, <c>5E-01</c>, <c>0.5f</c>, <c>double.NaN</c>, <c>0.0 / 0</c>…</summary>
    public string Double(double value)
    {
        if (double.IsNaN(value)) return Pick("double.NaN", "0.0 / 0");
        if (double.IsPositiveInfinity(value)) return Pick("double.PositiveInfinity", "1.0 / 0");
        if (double.IsNegativeInfinity(value)) return "double.NegativeInfinity";
        if (value == double.MaxValue) return "double.MaxValue";
        if (value == double.Epsilon) return "double.Epsilon";
        if (value == 0 && double.IsNegative(value)) return "-0.0";
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return Random.Next(5) switch
        {
            0 when double.Parse(value.ToString("E3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) == value => value.ToString("E3", CultureInfo.InvariantCulture),
            1 when (float)value == value && Math.Abs(value) < 1e30 && (value == 0 || Math.Abs(value) > 1e-30) => text + "f",
            2 => text + "d",
            _ => text,
        };
    }

    /// <summary>A positional argument, sometimes written with its parameter name (<c>rate: 0.5</c>).</summary>
    public string Positional(string parameter, string value) => Chance(0.1) ? $"{parameter}: {value}" : value;

    private FuzzRow WithNamed(FuzzRow row, params (string Name, double Value)[] named)
    {
        foreach ((string name, double value) in named.Where(_ => Chance(0.35))) row.Arguments.Add($"{name} = {Double(value)}");
        return row;
    }
}
