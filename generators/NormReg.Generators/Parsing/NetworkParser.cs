using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Model;

namespace NormReg.Generators.Parsing;

/// <summary>
/// The one reader of the DSL: turns a <c>[Network]</c> class into a <see cref="NetworkSpec"/> and the
/// structural diagnostics. The generator and the analyzers both call it, so they agree on what a network means.
/// </summary>
internal static class NetworkParser
{
    /// <summary>Names a layer may not take: every member the generator emits and every name a layer's view would hide.</summary>
    private static readonly ImmutableHashSet<string> ReservedNames = GeneratedMembers.Members.Concat(GeneratedMembers.HiddenByLayers).ToImmutableHashSet();

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
        {
            return ParseResult.Nothing;
        }
        try
        {
            return Parse(type, declaration, cancellationToken, context.SemanticModel.Compilation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var info = new DiagnosticInfo(DiagnosticIds.InternalError, LocationInfo.From(declaration.Identifier.GetLocation()),
                new[] { type.Name, e.GetType().Name + ": " + e.Message }.ToEquatableArray());
            return new ParseResult(null, new[] { info }.ToEquatableArray());
        }
    }

    /// <summary>
    /// Parses <paramref name="type"/> as declared by <paramref name="declaration"/>. Without a <paramref name="compilation"/>
    /// the checks of its base class are left out.
    /// </summary>
    public static ParseResult Parse(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken, Compilation? compilation = null)
    {
        // A declaration still being typed (`partial class ;`, `class N<T, >`, an unclosed attribute list) gets nothing:
        // the compiler already reports it, and generated code on top would only add errors.
        if (HalfTyped.IsHalfTyped(declaration, cancellationToken))
        {
            return ParseResult.Nothing;
        }
        ImmutableArray<AttributeData> attributes = type.GetAttributes();

        // A [Network] written twice (a compiler error) must still produce one output: the first declaration wins.
        AttributeData? network = attributes.FirstOrDefault(a => RowKinds.Classify(a.AttributeClass) == RowKind.Network);
        if (network?.ApplicationSyntaxReference is not { } networkReference || !IsInside(networkReference, declaration))
        {
            return ParseResult.Nothing;
        }
        // Unbound arguments are already compiler errors; generating code on top would only add noise.
        if (attributes.Any(a => RowKinds.Classify(a.AttributeClass) != RowKind.None && HasErrors(a)))
        {
            return ParseResult.Nothing;
        }

        var diagnostics = new List<DiagnosticInfo>();
        string name = type.Name;

        CheckPartial(type, declaration, diagnostics);
        CheckHost(type, declaration, diagnostics);
        List<Row> rows = ReadRows(type, declaration, cancellationToken, out List<Row> elsewhere);
        foreach (Row row in elsewhere)
        {
            Report(diagnostics, DiagnosticIds.SplitDeclaration, row.Location, row.Text, name);
        }

        var networkRow = new Row(network, (AttributeSyntax)networkReference.GetSyntax(cancellationToken), RowKind.Network, default, default);
        LossKind loss = ReadLoss(networkRow, diagnostics);
        double labelSmoothing = ReadLabelSmoothing(networkRow, loss, diagnostics);

        int inputIndex = rows.FindIndex(r => r.Kind == RowKind.Input);
        int inputSize = 0;
        ShapeSpec? inputShape = null;
        if (inputIndex < 0)
        {
            Report(diagnostics, DiagnosticIds.NoInput, networkReference.GetSyntax(cancellationToken).GetLocation(), name);
        }
        else
        {
            Row input = rows[inputIndex];
            // A modifier before the input is NRG012's to report; only layers make the input late.
            if (rows.Take(inputIndex).FirstOrDefault(r => r.Kind == RowKind.Layer) is { } early)
            {
                Report(diagnostics, DiagnosticIds.InputNotFirst, input.Location, name, early.Text);
            }
            foreach (Row extra in rows.Skip(inputIndex + 1).Where(r => r.Kind == RowKind.Input))
            {
                Report(diagnostics, DiagnosticIds.MultipleInputs, extra.Location, name);
            }
            inputShape = ReadInputShape(input, diagnostics);
            inputSize = inputShape?.Size ?? 0;
        }

        var reader = new LayerReader(name, type.Name, [.. type.TypeParameters.Select(t => t.Name)], diagnostics);
        List<LayerSpec> layers = reader.Read(rows);
        if (inputShape is not null)
        {
            reader.CheckShapes(inputShape);
            reader.CheckSizes(inputShape, rows[inputIndex]);
        }
        if (inputIndex >= 0 && layers.Count == 0)
        {
            Report(diagnostics, DiagnosticIds.NoLayers, rows[inputIndex].Location, name);
        }
        HostChecks.Check(type, declaration, compilation, layers, diagnostics, cancellationToken);

        if (diagnostics.Count > 0)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        var spec = new NetworkSpec(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            ContainingTypes(declaration),
            Keyword(declaration),
            Naming.Identifier(declaration.Identifier.ValueText) + TypeParameters(declaration),
            declaration.Identifier.ValueText,
            HintName(type),
            loss,
            inputSize,
            reader.InputRow,
            reader.Scaling,
            layers.ToEquatableArray())
        {
            FullName = FullName(type),
            InputShape = inputShape!,
            LabelSmoothing = labelSmoothing,
        };
        return new ParseResult(spec, EquatableArray<DiagnosticInfo>.Empty) { Declaration = LocationInfo.From(declaration.Identifier.GetLocation()) };
    }

    /// <summary>
    /// The DSL rows on <paramref name="declaration"/> in source order; rows found on other partial
    /// declarations of the same class go to <paramref name="elsewhere"/>.
    /// </summary>
    public static List<Row> ReadRows(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken, out List<Row> elsewhere)
    {
        var rows = new List<Row>();
        elsewhere = [];
        foreach (AttributeData data in type.GetAttributes())
        {
            RowKind kind = RowKinds.Classify(data.AttributeClass, out LayerKind layer, out ModifierKind modifier);
            if (kind is not (RowKind.Input or RowKind.Layer or RowKind.Modifier) || data.ApplicationSyntaxReference is not { } reference) continue;
            if (reference.GetSyntax(cancellationToken) is not AttributeSyntax syntax) continue;
            var row = new Row(data, syntax, kind, layer, modifier);
            (IsInside(reference, declaration) ? rows : elsewhere).Add(row);
        }
        rows.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        return rows;
    }

    /// <summary>
    /// <c>[Input(n)]</c> or <c>[Input(channels, height, width)]</c>; <see langword="null"/> (and NRG007 or NRG011) when a size is
    /// not positive or the image holds more values than an <see cref="int"/> counts.
    /// </summary>
    private static ShapeSpec? ReadInputShape(Row input, List<DiagnosticInfo> diagnostics)
    {
        int count = input.Data.ConstructorArguments.Length;
        var sizes = new long[count];
        bool valid = true;
        for (int i = 0; i < count; i++)
        {
            sizes[i] = Convert.ToInt64(input.Positional(i), CultureInfo.InvariantCulture);
            if (sizes[i] > 0) continue;
            Report(diagnostics, DiagnosticIds.NonPositiveSize, input.ArgumentLocation(i), input.Text, sizes[i].ToString(CultureInfo.InvariantCulture));
            valid = false;
        }
        if (!valid) return null;
        if (count == 1) return ShapeSpec.Vector((int)sizes[0]);
        if (sizes[0] * sizes[1] * sizes[2] > int.MaxValue)
        {
            Report(diagnostics, DiagnosticIds.InvalidArgument, input.Location, input.Text, "the image holds more values per sample than an int counts");
            return null;
        }
        return ShapeSpec.Image((int)sizes[0], (int)sizes[1], (int)sizes[2]);
    }

    /// <summary>ε in [0, 1), and only where there are classes to smooth over: with the softmax cross-entropy.</summary>
    private static double ReadLabelSmoothing(Row network, LossKind loss, List<DiagnosticInfo> diagnostics)
    {
        double value = network.Named("LabelSmoothing", 0d);
        if (!(value >= 0 && value < 1))
        {
            Report(diagnostics, DiagnosticIds.InvalidArgument, network.NamedArgumentLocation("LabelSmoothing"), network.Text,
                $"LabelSmoothing must be in [0, 1); got {value.ToString("R", CultureInfo.InvariantCulture)}");
        }
        else if (value > 0 && loss != LossKind.SoftmaxCrossEntropy)
        {
            Report(diagnostics, DiagnosticIds.InvalidArgument, network.NamedArgumentLocation("LabelSmoothing"), network.Text,
                $"LabelSmoothing applies to Loss.SoftmaxCrossEntropy, not {loss}");
        }
        return value;
    }

    private static LossKind ReadLoss(Row network, List<DiagnosticInfo> diagnostics)
    {
        int value = network.Named("Loss", 0);
        if (Enum.IsDefined(typeof(LossKind), value)) return (LossKind)value;
        Report(diagnostics, DiagnosticIds.InvalidArgument, network.NamedArgumentLocation("Loss"), network.Text, $"{value} is not a NormReg.Loss value");
        return default;
    }

    private static void CheckPartial(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword) || type.IsStatic)
        {
            Report(diagnostics, DiagnosticIds.NotPartial, declaration.Identifier.GetLocation(), type.Name, type.Name);
        }
        for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax outer; parent = outer.Parent)
        {
            if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                Report(diagnostics, DiagnosticIds.NotPartial, outer.Identifier.GetLocation(), outer.Identifier.ValueText, type.Name);
            }
        }
    }

    /// <summary>NRG014: what keeps the generated members, fields and constructor from joining the class.</summary>
    private static void CheckHost(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        if (GeneratedMembers.IsFixed(type.Name))
        {
            Report(diagnostics, DiagnosticIds.UnusableClass, declaration.Identifier.GetLocation(), type.Name, type.Name,
                $"the generator emits a member named '{type.Name}' in it, and a member cannot have the name of its class; rename the class");
        }
        foreach (ITypeParameterSymbol parameter in type.TypeParameters)
        {
            if (GeneratedMembers.IsFixed(parameter.Name) && parameter.Locations.FirstOrDefault() is { } at)
            {
                Report(diagnostics, DiagnosticIds.UnusableClass, at, type.Name, type.Name,
                    $"its type parameter '{parameter.Name}' has the name of a member the generator emits; rename it");
            }
        }
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax { ParameterList: { } parameters })
            {
                Report(diagnostics, DiagnosticIds.UnusableClass, parameters.GetLocation(), type.Name, type.Name,
                    "it has a primary constructor, which the generated constructor cannot call; move the parameters to members");
            }
        }
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            // The generated code names global::System and global::NormReg; a type of that name in the global namespace hides them.
            if (t.ContainingType is null && t.ContainingNamespace.IsGlobalNamespace && t.Name is "System" or "NormReg" && t.Locations.FirstOrDefault() is { } hiding)
            {
                Report(diagnostics, DiagnosticIds.UnusableClass, hiding, t.Name, type.Name,
                    $"a type named '{t.Name}' in the global namespace hides the namespace the generated code uses; move it into a namespace or rename it");
            }
            if (t.IsFileLocal && t.Locations.FirstOrDefault() is { } location)
            {
                Report(diagnostics, DiagnosticIds.UnusableClass, location, t.Name, type.Name,
                    "a file-local type cannot be extended from the generated file; remove the 'file' modifier");
            }
        }
    }

    public static string? NameProblem(string name, string typeName)
    {
        if (!SyntaxFacts.IsValidIdentifier(name)) return "it is not a C# identifier";
        // C# ignores formatting characters in identifiers: "Hid\u00ADden" would be the member Hidden, unlike the name shown.
        if (name.FirstOrDefault(c => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format) is var format and not '\0')
        {
            return "it contains the invisible formatting character U+" + ((int)format).ToString("X4", CultureInfo.InvariantCulture) + ", which C# ignores in identifiers; remove it";
        }
        if (SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None) return "it is a C# keyword";
        if (name.StartsWith("_", StringComparison.Ordinal)) return "it starts with an underscore, which generated fields use";
        if (ReservedNames.Contains(name)) return "the generator emits a member of that name";
        if (Naming.Stem(name) == "input") return "the input row's buffer takes that name";
        if (name == typeName) return "it is the name of the network class";
        return null;
    }

    private static EquatableArray<ContainingTypeSpec> ContainingTypes(TypeDeclarationSyntax declaration)
    {
        var types = new List<ContainingTypeSpec>();
        for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax outer; parent = outer.Parent)
        {
            types.Insert(0, new ContainingTypeSpec(Keyword(outer), Naming.Identifier(outer.Identifier.ValueText) + TypeParameters(outer)));
        }
        return types.ToEquatableArray();
    }

    private static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
    {
        RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: (int)SyntaxKind.StructKeyword } => "record struct",
        RecordDeclarationSyntax => "record",
        _ => declaration.Keyword.ValueText,
    };

    private static string TypeParameters(TypeDeclarationSyntax declaration) =>
        declaration.TypeParameterList is { Parameters.Count: > 0 } list
            ? "<" + string.Join(", ", list.Parameters.Select(p => Naming.Identifier(p.Identifier.ValueText))) + ">"
            : "";

    /// <summary>The type's metadata name with its namespace and containing types: unique in the compilation (App.Holder`1+Scorer).</summary>
    private static string FullName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType) name = t.MetadataName + "+" + name;
        return type.ContainingNamespace.IsGlobalNamespace ? name : type.ContainingNamespace.ToDisplayString() + "." + name;
    }

    private static string HintName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType) parts.Insert(0, t.MetadataName);
        if (!type.ContainingNamespace.IsGlobalNamespace) parts.Insert(0, type.ContainingNamespace.ToDisplayString());
        // AddSource throws on characters such as '@' (namespace @class) and '<' (a file-local type's metadata name).
        return new string(string.Join(".", parts).Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray()) + ".g.cs";
    }

    private static bool IsInside(SyntaxReference reference, SyntaxNode node) =>
        reference.SyntaxTree == node.SyntaxTree && node.Span.Contains(reference.Span);

    private static bool HasErrors(AttributeData attribute) =>
        attribute.AttributeClass is null or { TypeKind: TypeKind.Error } ||
        attribute.AttributeConstructor is null ||
        attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error) ||
        attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error);

    private static void Report(List<DiagnosticInfo> diagnostics, string id, Location location, params string[] arguments) =>
        diagnostics.Add(new DiagnosticInfo(id, LocationInfo.From(location), arguments.ToEquatableArray()));
}
