using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>
/// Builds random network declarations from a seed. A quarter of them are valid by construction (the generator
/// must accept them), a third are valid ones with one or two mistakes the DSL forbids (it must reject them), a
/// third are chaotic (random rows, orders, arguments, names, modifiers and primary constructors: only the general
/// properties apply) and the rest put rows on a class without <c>[Network]</c>. Every declaration is C# the
/// compiler accepts on its own, in a namespace of any style, possibly nested in generic, static, struct, record or
/// interface types.
/// </summary>
internal sealed class DeclarationGenerator
{
    private static readonly string[] ValidNames = ["Net", "Scorer", "Classifier", "Model", "R\u00e9seau", "@Model", "Sco\u00ADrer", "Mo\u200Ddel"];
    private static readonly string[] ChaoticNames =
        ["Net", "Dense1", "ReLU1", "BatchNorm1", "InputSize", "Predict", "Architecture", "Parameters", "Forward", "Random", "Span", "Math",
         "NormReg", "System", "@class", "@event", "Hidden", "Outer1"];
    private static readonly string[] LayerNames = ["Hidden", "Encoder", "Out", "Head", "Block", "Schicht", "Gate"];

    private readonly RowGenerator _rows;
    private readonly List<string> _mistakes = [];
    private readonly int _index;

    private DeclarationGenerator(int seed, int index)
    {
        _rows = new RowGenerator(new Random(seed));
        _index = index;
    }

    /// <summary>Declaration number <paramref name="index"/> of the run with <paramref name="seed"/>; the same pair gives the same text.</summary>
    public static FuzzDeclaration Create(int seed, int index) =>
        new DeclarationGenerator(unchecked((int)(((uint)seed * 2654435761u) ^ ((uint)index * 40503u + 12345u))), index).Build();

    private Random Random => _rows.Random;

    private FuzzDeclaration Build()
    {
        double roll = Random.NextDouble();
        DeclarationShape shape;
        string kind;
        Expectation expected;
        if (roll < 0.25)
        {
            (shape, kind, expected) = (Valid(), "valid", Expectation.Accepted);
        }
        else if (roll < 0.58)
        {
            shape = Valid();
            int wanted = _rows.Chance(0.7) ? 1 : 2;
            for (int tries = 0; _mistakes.Count < wanted && tries < 50; tries++) Mutate(shape);
            (kind, expected) = ("mutated", Expectation.Rejected);
        }
        else if (roll < 0.88)
        {
            (shape, kind, expected) = (Chaotic(), "chaotic", Expectation.Unknown);
        }
        else if (roll < 0.92)
        {
            shape = Valid();
            // The declaration with [Network] is the one being typed.
            if (shape.NetworkOnSecondPart) Swap(shape.Rows, shape.SecondPartRows);
            (shape.HasSecondPart, shape.NetworkOnSecondPart) = (false, false);
            List<string> sources = new DeclarationWriter(_rows).Write(shape);
            sources[0] = HalfTypedText.Corrupt(sources[0], shape.Name, _rows, _mistakes);
            return new FuzzDeclaration(_index, HalfTypedText.Shape, sources, shape.PlainName, Expectation.Unknown, _mistakes);
        }
        else
        {
            (shape, kind, expected) = (Stray(), "rows outside a network", Expectation.Rejected);
        }
        return new FuzzDeclaration(_index, kind, new DeclarationWriter(_rows).Write(shape), shape.PlainName, expected, _mistakes);
    }

    /// <summary>
    /// One declaration of a set compiled together: valid, or valid with one or two mistakes (<paramref name="mutated"/>),
    /// alone on its declaration (no second part, no containers) until <paramref name="place"/> names and places it.
    /// </summary>
    public static (DeclarationShape Shape, Expectation Expected, List<string> Mistakes, List<string> Sources) CreateMember(
        int seed, int index, bool mutated, Action<DeclarationShape, RowGenerator> place)
    {
        var generator = new DeclarationGenerator(unchecked((int)(((uint)seed * 2654435761u) ^ ((uint)index * 40503u + 777u))), index);
        DeclarationShape shape = generator.Valid();
        if (shape.NetworkOnSecondPart) Swap(shape.Rows, shape.SecondPartRows);
        (shape.HasSecondPart, shape.NetworkOnSecondPart) = (false, false);
        shape.SecondPartRows.Clear();
        shape.Containers.Clear();
        shape.Preamble.Clear();
        shape.BaseClass = null;
        shape.TypeParameters.Clear();
        shape.Constraints = "";
        shape.Namespace = generator._rows.Pick(NamespaceStyle.FileScoped, NamespaceStyle.Block);
        shape.Modifiers = generator._rows.Pick("public ", "internal ", "public sealed ");
        place(shape, generator._rows);
        if (mutated)
        {
            int wanted = generator._rows.Chance(0.7) ? 1 : 2;
            for (int tries = 0; generator._mistakes.Count < wanted && tries < 50; tries++) generator.Mutate(shape);
        }
        Expectation expected = generator._mistakes.Count > 0 ? Expectation.Rejected : Expectation.Accepted;
        return (shape, expected, generator._mistakes, new DeclarationWriter(generator._rows).Write(shape));
    }

    private DeclarationShape Valid()
    {
        var shape = new DeclarationShape();
        Place(shape, chaotic: false);
        Name(shape, _rows.Pick(ValidNames));
        if (_rows.Chance(0.2)) Generic(shape);
        shape.NetworkAttribute = NetworkAttribute(_rows.Random.Next(3));
        shape.Rows.AddRange(ValidRows());
        if (_rows.Chance(0.3)) UserMembers.AddHarmless(shape, _rows);
        if (_rows.Chance(0.2)) UserMembers.AddBase(shape, _rows, BaseKind.Harmless, BaseName);
        if (_rows.Chance(0.12))
        {
            shape.HasSecondPart = true;
            shape.NetworkOnSecondPart = _rows.Chance(0.5);
            if (shape.NetworkOnSecondPart) Swap(shape.Rows, shape.SecondPartRows);
            shape.SecondPartInOtherFile = shape.Containers.All(c => c.IsPartial) && _rows.Chance(0.5);
        }
        return shape;
    }

    private static void Swap(List<FuzzRow> a, List<FuzzRow> b)
    {
        var copy = a.ToList();
        a.Clear();
        a.AddRange(b);
        b.Clear();
        b.AddRange(copy);
    }

    /// <summary>
    /// An image network: [Input(c, h, w)], optional scaling and augmentation, rows that fit the shape as it shrinks, and
    /// after a [Flatten] or [GlobalAvgPool] the vector rows; modifiers where they belong, unique safe names.
    /// </summary>
    private List<FuzzRow> ValidImageRows()
    {
        int c = Random.Next(1, 4), h = Random.Next(2, 9), w = Random.Next(2, 9);
        var rows = new List<FuzzRow> { _rows.ImageInput(c.ToString(CultureInfo.InvariantCulture), h.ToString(CultureInfo.InvariantCulture), w.ToString(CultureInfo.InvariantCulture)) };
        if (_rows.Chance(0.4)) rows.Add(_rows.Scaling());
        var names = LayerNames.OrderBy(_ => Random.Next()).ToList();
        int layers = Random.Next(1, 7);
        for (int i = 0; i < layers; i++)
        {
            FuzzRow? layer = h == 0
                ? _rows.ValidLayer(_rows.Chance(0.35) ? "Dense" : _rows.Pick(RowGenerator.Layers))
                : _rows.ValidImageLayer(_rows.Pick([.. RowGenerator.ImageLayers, "Conv2D", "Conv2D", "ReLU", "BatchNorm", "LayerNorm", "Tanh", "GELU", "Dropout", "GaussianNoise"]), ref c, ref h, ref w);
            if (layer is null) continue;
            if (_rows.Chance(0.25) && i < names.Count) layer.Name = names[i] + (i + 1).ToString(CultureInfo.InvariantCulture);
            rows.Add(layer);
            if (layer.HasWeights && _rows.Chance(0.3)) rows.Add(_rows.Penalty());
            if (layer.IsWeightLayer && _rows.Chance(0.15)) rows.Add(_rows.MaxNorm(_rows.Pick(0.5, 1, 3)));
        }
        if (!rows.Any(r => r.Role == RowRole.Layer)) rows.Add(new FuzzRow(RowRole.Layer, "Flatten"));
        return rows;
    }

    /// <summary>Input, optional scaling, then one to five layers with modifiers where they belong; unique, safe explicit names.</summary>
    private List<FuzzRow> ValidRows()
    {
        if (_rows.Chance(0.3)) return ValidImageRows();
        var rows = new List<FuzzRow> { _rows.Input(_rows.Size()) };
        if (_rows.Chance(0.4)) rows.Add(_rows.Scaling());
        int layers = Random.Next(1, 6);
        var names = LayerNames.OrderBy(_ => Random.Next()).ToList();
        for (int i = 0; i < layers; i++)
        {
            FuzzRow layer = _rows.ValidLayer(_rows.Chance(0.35) ? "Dense" : _rows.Pick(RowGenerator.Layers));
            if (_rows.Chance(0.25)) layer.Name = names[i] + (i + 1).ToString(CultureInfo.InvariantCulture);
            rows.Add(layer);
            if (layer.HasWeights && _rows.Chance(0.3)) rows.Add(_rows.Penalty());
            if (layer.Kind == "Dense" && _rows.Chance(0.15)) rows.Add(_rows.MaxNorm(_rows.Pick(0.5, 1, 3)));
        }
        return rows;
    }

    private string NetworkAttribute(int loss)
    {
        string name = _rows.Chance(0.1) ? "NetworkAttribute" : "Network";
        string[] losses = ["SoftmaxCrossEntropy", "BinaryCrossEntropy", "MeanSquaredError"];
        return Random.Next(6) switch
        {
            0 when loss == 0 => name,
            1 when loss == 0 => name + "()",
            2 => $"{name}(Loss = (Loss){loss})",
            _ => $"{name}(Loss = Loss.{losses[loss]})",
        };
    }

    /// <summary>Namespace style and containing types; valid shapes only nest in partial types.</summary>
    private void Place(DeclarationShape shape, bool chaotic)
    {
        shape.Namespace = (NamespaceStyle)Random.Next(4);
        shape.NamespaceName = chaotic ? _rows.Pick("App", "App.Models", "Fuzz.System", "Global", "@class.Nets") : _rows.Pick("App", "App.Models", "Company.Product.Nets");
        int depth = _rows.Chance(0.7) ? 0 : Random.Next(1, 3);
        bool staticParent = false, structParent = false, interfaceParent = false;
        for (int level = 1; level <= depth; level++)
        {
            string kind = _rows.Pick("class", "class", "struct", "record", "record struct", "interface", "static class");
            string name = (kind == "interface" ? "IOuter" : "Outer") + level.ToString(CultureInfo.InvariantCulture);
            List<string> parameters = _rows.Chance(0.3) ? ["TOuter" + level.ToString(CultureInfo.InvariantCulture)] : [];
            string access = Access(level == 1, staticParent, structParent, interfaceParent);
            bool isStatic = kind == "static class";
            string header = $"{access}{(isStatic ? "static " : "")}partial {(isStatic ? "class" : kind)} {name}{(parameters.Count > 0 ? "<" + parameters[0] + ">" : "")}";
            shape.Containers.Add(new Container(header, parameters, IsPartial: true));
            staticParent = isStatic;
            structParent = kind is "struct" or "record struct";
            interfaceParent = kind == "interface";
        }
        shape.Modifiers = depth == 0
            ? _rows.Pick("public ", "internal ", "", "public sealed ", "sealed ")
            : Access(false, staticParent, structParent, interfaceParent) + (_rows.Chance(0.2) ? "sealed " : "");
    }

    /// <summary>An accessibility the compiler allows here, without warnings.</summary>
    private string Access(bool topLevel, bool inStatic, bool inStruct, bool inInterface)
    {
        if (topLevel) return _rows.Pick("public ", "internal ", "");
        if (inInterface) return _rows.Pick("public ", "");
        if (inStatic || inStruct) return _rows.Pick("public ", "internal ", "private ", "");
        return _rows.Pick("public ", "internal ", "private ", "protected ", "private protected ", "");
    }

    private static void Name(DeclarationShape shape, string name)
    {
        shape.Name = name;
        shape.PlainName = DeclarationSetGenerator.Plain(name);
    }

    private void Generic(DeclarationShape shape, bool chaotic = false)
    {
        // A chaotic type parameter may share its name with a layer or a generated member.
        string name = chaotic ? _rows.Pick("T", "TItem", "Dense1", "Predict", "Hidden", "Random") : "T";
        shape.TypeParameters.Add(name);
        shape.Constraints = _rows.Pick("", " where T : struct", " where T : class", " where T : notnull", " where T : new()").Replace("T :", name + " :", StringComparison.Ordinal);
    }

    private DeclarationShape Chaotic()
    {
        var shape = new DeclarationShape();
        Place(shape, chaotic: true);
        Name(shape, _rows.Pick(ChaoticNames));
        if (_rows.Chance(0.2)) Generic(shape, chaotic: true);
        if (_rows.Chance(0.15)) shape.Keyword = _rows.Pick("record", "record class");
        if (shape.Containers.Count == 0 && _rows.Chance(0.25)) shape.Modifiers = _rows.Pick("file ", "abstract ", "public abstract ", "file sealed ");
        if (shape.Keyword == "class" && !shape.Modifiers.Contains("abstract", StringComparison.Ordinal) && !shape.Modifiers.Contains("sealed", StringComparison.Ordinal) && _rows.Chance(0.1))
        {
            shape.Modifiers += "static ";
        }
        if (_rows.Chance(0.1)) shape.IsPartial = false;
        if (_rows.Chance(0.12)) shape.PrimaryParameter = "Width";
        if (_rows.Chance(0.3)) UserMembers.AddAny(shape, _rows);
        if (shape.PrimaryParameter is null && !shape.Modifiers.Contains("static", StringComparison.Ordinal) && _rows.Chance(0.15))
        {
            UserMembers.AddBase(shape, _rows, _rows.Pick(BaseKind.Harmless, BaseKind.ClashingMember, BaseKind.NoParameterlessConstructor), BaseName);
        }
        shape.NetworkAttribute = _rows.Chance(0.1) ? "Network(Loss = (Loss)" + _rows.Pick("3", "(-1)", "7") + ")" : NetworkAttribute(Random.Next(3));
        int count = Random.Next(0, 9);
        var names = RowGenerator.CuriousNames.Concat(RowGenerator.ForbiddenNames).Concat(LayerNames).ToArray();
        for (int i = 0; i < count; i++)
        {
            FuzzRow row = i == 0 && _rows.Chance(0.6) ? _rows.Input(_rows.Size()) : _rows.Anything();
            if (row.Role == RowRole.Layer && _rows.Chance(0.3))
            {
                string name = _rows.Pick(names);
                // Names built from the other rows' fields: "D" + a name, a name + a generated buffer's suffix.
                row.Name = _rows.Random.Next(4) switch
                {
                    0 => "D" + name,
                    1 => name + _rows.Pick("Mask", "Normalized", "InverseStd"),
                    _ => name,
                };
            }
            shape.Rows.Add(row);
        }
        if (shape.IsPartial && _rows.Chance(0.15))
        {
            shape.HasSecondPart = true;
            shape.NetworkOnSecondPart = _rows.Chance(0.3);
            for (int i = Random.Next(0, 3); i > 0; i--) shape.SecondPartRows.Add(_rows.Anything());
            shape.SecondPartInOtherFile = _rows.Chance(0.5) && !shape.Modifiers.Contains("file", StringComparison.Ordinal);
        }
        return shape;
    }

    private DeclarationShape Stray()
    {
        var shape = new DeclarationShape();
        Place(shape, chaotic: false);
        Name(shape, "Plain");
        shape.NetworkAttribute = null;
        shape.IsPartial = _rows.Chance(0.7);
        for (int i = Random.Next(1, 4); i > 0; i--) shape.Rows.Add(_rows.Anything());
        _mistakes.Add("rows on a class without [Network]");
        return shape;
    }

    /// <summary>Puts one mistake the DSL forbids into a valid shape; returns without one when the shape does not allow it.</summary>
    private void Mutate(DeclarationShape shape)
    {
        List<FuzzRow> rows = shape.NetworkOnSecondPart ? shape.SecondPartRows : shape.Rows;
        int input = rows.FindIndex(r => r.Role == RowRole.Input);
        List<int> layers = Enumerable.Range(0, rows.Count).Where(i => rows[i].Role == RowRole.Layer).ToList();
        int anyLayer = layers.Count > 0 ? _rows.Pick([.. layers]) : -1;
        // Where a new layer row may go: before a layer, or at the end.
        int slot = layers.Count > 0 && _rows.Chance(0.6) ? anyLayer : rows.Count;
        bool image = input >= 0 && rows[input].IsImageInput;
        switch (Random.Next(36))
        {
            case 0:
                Insert(rows, slot, new FuzzRow(RowRole.Layer, "Dropout", _rows.Double(_rows.Pick(1, 1.5, -0.1, 2, double.NaN, double.PositiveInfinity))), "dropout rate outside [0, 1)");
                break;
            case 1:
                Insert(rows, slot, new FuzzRow(RowRole.Layer, "GaussianNoise", _rows.Double(_rows.Pick(0, -0.0, -1, double.NaN, double.PositiveInfinity))), "noise σ not positive and finite");
                break;
            case 2:
                Insert(rows, slot, _rows.Dense(_rows.Pick("0", "-3", "int.MinValue")), "dense size not positive");
                break;
            case 3 when input >= 0:
                rows[input] = _rows.Input(_rows.Pick("0", "-1", "int.MinValue"));
                _mistakes.Add("input size not positive");
                break;
            case 4 when anyLayer >= 0 && rows[anyLayer].HasWeights:
                FuzzRow penalty = _rows.Pick("L1", "L2", "L1L2") switch
                {
                    "L1L2" => _rows.Pick(("0", "0"), ("-1", "0.1"), ("double.NaN", "0"), ("0", "double.PositiveInfinity")) switch
                    {
                        var (a, b) => new FuzzRow(RowRole.Modifier, "L1L2", a, b),
                    },
                    var kind => new FuzzRow(RowRole.Modifier, kind, _rows.Double(_rows.Pick(0, -1e-4, double.NaN, double.PositiveInfinity))),
                };
                Insert(rows, anyLayer + 1, penalty, "penalty strength out of range");
                break;
            case 5 when anyLayer >= 0 && rows[anyLayer].Kind == "Dense":
                Insert(rows, anyLayer + 1, _rows.MaxNorm(_rows.Pick(0, -1, double.NaN)), "max-norm not positive");
                break;
            case 6:
                Insert(rows, slot, new FuzzRow(RowRole.Layer, "BatchNorm", _rows.Pick(
                    "Momentum = 0", "Momentum = -0.1", "Momentum = 1.5", "Momentum = double.NaN", "Epsilon = 0", "Epsilon = -1e-5", "Epsilon = double.PositiveInfinity")), "BatchNorm argument out of range");
                break;
            case 7:
                Insert(rows, slot, new FuzzRow(RowRole.Layer, "LayerNorm", _rows.Pick("Epsilon = 0", "Epsilon = -1", "Epsilon = double.NaN")), "LayerNorm epsilon not positive");
                break;
            case 8:
                Insert(rows, slot, new FuzzRow(RowRole.Layer, "LeakyReLU", _rows.Pick("double.NaN", "double.PositiveInfinity", "double.NegativeInfinity")), "LeakyReLU slope not finite");
                break;
            case 9 when input >= 0:
                (string low, string high) = _rows.Pick(("1", "0"), ("0.5", "0.5"), ("double.NaN", "1"), ("0", "double.PositiveInfinity"));
                Insert(rows, input + 1, new FuzzRow(RowRole.Modifier, "MinMax", low, high), "MinMax range empty or not finite");
                break;
            case 10:
                Insert(rows, 0, _rows.Pick<Func<FuzzRow>>(_rows.Penalty, () => _rows.MaxNorm(2), () => new FuzzRow(RowRole.Modifier, "ZScore"))(), "modifier before any row");
                break;
            case 11 when input >= 0:
                Insert(rows, slot, _rows.Input(_rows.Size()), "second [Input]");
                break;
            case 12 when input >= 0:
                rows.RemoveAt(input);
                _mistakes.Add("no [Input]");
                break;
            case 13 when input >= 0 && layers.Count > 0 && layers[0] > input:
                FuzzRow first = rows[layers[0]];
                rows.RemoveAt(layers[0]);
                Insert(rows, input, first, "layer before [Input]");
                break;
            case 14 when anyLayer >= 0:
                Insert(rows, anyLayer + 1, _rows.Scaling(), "input scaling after a layer");
                break;
            case 15 when input >= 0:
                int afterInput = input + 1;
                while (afterInput < rows.Count && rows[afterInput].Kind is "ZScore" or "MinMax") afterInput++;
                Insert(rows, afterInput, _rows.Chance(0.5) ? _rows.Penalty() : _rows.MaxNorm(2), "penalty or max-norm on the [Input] row");
                break;
            case 16 when anyLayer >= 0 && !rows[anyLayer].HasWeights:
                Insert(rows, anyLayer + 1, _rows.Penalty(), $"penalty on {rows[anyLayer].Kind}, which has no weights");
                break;
            case 17 when anyLayer >= 0 && !rows[anyLayer].IsWeightLayer:
                Insert(rows, anyLayer + 1, _rows.MaxNorm(2), $"max-norm on {rows[anyLayer].Kind}");
                break;
            case 18 when anyLayer >= 0 && rows[anyLayer].Kind == "Dense":
                bool maxNorms = _rows.Chance(0.5);
                rows.Insert(anyLayer + 1, maxNorms ? _rows.MaxNorm(1) : _rows.Penalty());
                Insert(rows, anyLayer + 1, maxNorms ? _rows.MaxNorm(2) : _rows.Penalty(), "two modifiers of one family on a layer");
                break;
            case 19 when input >= 0:
                rows.Insert(input + 1, _rows.Scaling());
                Insert(rows, input + 1, _rows.Scaling(), "two input scalings");
                break;
            case 20 when layers.Count >= 2:
                int earlier = layers[Random.Next(layers.Count - 1)];
                int later = _rows.Pick(layers.Where(i => i > earlier).ToArray());
                string name = LayerName(rows, earlier);
                // Names differing in their first letter's case clash, but ReLU1 and reLU1 do not: ReLU1's fields are spelled relu1.
                bool acronym = name.StartsWith("ReLU", StringComparison.Ordinal) || name.StartsWith("LeakyReLU", StringComparison.Ordinal) || name.StartsWith("GELU", StringComparison.Ordinal);
                rows[later].Name = !acronym && _rows.Chance(0.3) ? char.ToLowerInvariant(name[0]) + name[1..] : name;
                _mistakes.Add($"duplicate layer name {rows[later].Name}");
                break;
            case 21 when anyLayer >= 0:
                rows[anyLayer].Name = _rows.Chance(0.15) ? shape.PlainName : _rows.Pick(RowGenerator.ForbiddenNames);
                _mistakes.Add($"unusable layer name '{rows[anyLayer].Name}'");
                break;
            case 22 when !shape.HasSecondPart:
                if (shape.Keyword == "class" && !shape.Modifiers.Contains("sealed", StringComparison.Ordinal) && !shape.Modifiers.Contains("static", StringComparison.Ordinal)
                    && _rows.Chance(0.4))
                {
                    shape.Modifiers += "static ";
                    shape.Members.Clear();
                    shape.BaseClass = null;
                    shape.Preamble.Clear();
                    _mistakes.Add("static network class");
                }
                else
                {
                    shape.IsPartial = false;
                    _mistakes.Add("network class not partial");
                }
                break;
            case 23 when shape.Containers.Count > 0 && !shape.HasSecondPart:
                int level = Random.Next(shape.Containers.Count);
                Container container = shape.Containers[level];
                shape.Containers[level] = container with { Header = container.Header.Replace("partial ", "", StringComparison.Ordinal), IsPartial = false };
                _mistakes.Add("containing type not partial");
                break;
            case 24 when shape.IsPartial && layers.Count > 0:
                shape.HasSecondPart = true;
                List<FuzzRow> other = shape.NetworkOnSecondPart ? shape.Rows : shape.SecondPartRows;
                int moved = layers[^1];
                other.AddRange(rows.Skip(moved));
                rows.RemoveRange(moved, rows.Count - moved);
                shape.SecondPartInOtherFile = shape.Containers.All(c => c.IsPartial) && _rows.Chance(0.5);
                _mistakes.Add("rows on a second partial declaration");
                break;
            case 25 when input >= 0 && layers.Count > 0:
                rows.RemoveRange(layers[0], rows.Count - layers[0]);
                _mistakes.Add("no layers after [Input]");
                break;
            case 26 when shape.PrimaryParameter is null && shape.BaseClass is null && !shape.HasSecondPart:
                shape.Keyword = _rows.Pick("record", "record class");
                _mistakes.Add("network declared as a record");
                break;
            case 27 when UserMembers.AddClash(shape, rows, _rows) is { } clash:
                _mistakes.Add("user member named like a generated one: " + clash);
                break;
            case 28 when UserMembers.AddConstructor(shape, _rows) is { } parameters:
                _mistakes.Add("user constructor that does not call the generated one: " + parameters);
                break;
            case 29 when shape.BaseClass is null && UserMembers.AddBase(shape, _rows, BaseKind.ClashingMember, BaseName):
                _mistakes.Add("base class with a member named like a generated one");
                break;
            case 30 when anyLayer >= 0:
                string plain = _rows.Pick("Hidden", "Output", "Gate");
                int at = Random.Next(1, plain.Length);
                rows[anyLayer].Name = plain[..at] + _rows.Pick("\u00AD", "\u200D", "\u200C", "\u2060", "\uFEFF") + plain[at..];
                _mistakes.Add("formatting character in a layer name");
                break;
            case 31 when input >= 0:
                (string lowest, string highest) = _rows.Pick(("-3.4e38f", "3.4e38f"), ("-2e38", "2e38"), ("-1e38", "float.MaxValue"), ("float.MinValue", "1e38"));
                Insert(rows, input + 1, new FuzzRow(RowRole.Modifier, "MinMax", lowest, highest), "MinMax range overflows a float");
                break;
            case 32 when anyLayer >= 0 && rows[anyLayer].HasWeights && !rows.Skip(anyLayer + 1).TakeWhile(r => r.Role == RowRole.Modifier).Any(r => r.Kind.StartsWith('L')):
                Insert(rows, anyLayer + 1, new FuzzRow(RowRole.Modifier, "L2", _rows.Pick("2e38", "3e38", "float.MaxValue")), "L2 gradient factor overflows a float");
                break;
            case 33 when image:
                int afterScaling = input + 1;
                while (afterScaling < rows.Count && rows[afterScaling].Role == RowRole.Modifier) afterScaling++;
                Insert(rows, afterScaling, _rows.Pick<Func<FuzzRow>>(() => _rows.Dense(_rows.Size()), () => new FuzzRow(RowRole.Layer, "Softmax"))(), "vector row on an image without [Flatten]");
                break;
            case 34 when input >= 0 && !image:
                Insert(rows, slot, _rows.Pick(
                    new FuzzRow(RowRole.Layer, "Conv2D", "2", "1"), new FuzzRow(RowRole.Layer, "MaxPool2D", "1"), new FuzzRow(RowRole.Layer, "SpatialDropout", "0.1"),
                    new FuzzRow(RowRole.Layer, "RandomFlip"), new FuzzRow(RowRole.Layer, "GlobalAvgPool")), "image row on a vector");
                break;
            case 35 when image:
                int opening = input + 1;
                while (opening < rows.Count && rows[opening].Role == RowRole.Modifier) opening++;
                Insert(rows, opening, _rows.Pick(new FuzzRow(RowRole.Layer, "Conv2D", "2", "99"), new FuzzRow(RowRole.Layer, "MaxPool2D", "64")), "kernel or window larger than the image");
                break;
        }
        if (Random.Next(26) == 0 && shape.NetworkAttribute is not null)
        {
            shape.NetworkAttribute = "Network(Loss = (Loss)" + _rows.Pick("3", "7", "(-1)") + ")";
            _mistakes.Add("loss out of range");
        }
    }

    /// <summary>A base class name no other type of the declaration (or of a set of them) takes.</summary>
    private string BaseName => "NetBase" + _index.ToString(CultureInfo.InvariantCulture);

    private void Insert(List<FuzzRow> rows, int index, FuzzRow row, string mistake)
    {
        rows.Insert(index, row);
        _mistakes.Add(mistake);
    }

    /// <summary>The name a layer row gets: its explicit one, or its kind and a count (Dense2).</summary>
    private static string LayerName(List<FuzzRow> rows, int index)
    {
        FuzzRow row = rows[index];
        if (row.Name is not null) return row.Name;
        int count = rows.Take(index + 1).Count(r => r.Role == RowRole.Layer && r.Kind == row.Kind);
        return row.Kind + count.ToString(CultureInfo.InvariantCulture);
    }
}
