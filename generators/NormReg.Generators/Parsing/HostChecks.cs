using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Model;

namespace NormReg.Generators.Parsing;

/// <summary>
/// NRG014 for what the user wrote in or around the network class that the generated members, fields and
/// constructor cannot join: a record, a member or base-class member named like a generated one, a constructor of
/// the user's own that would leave the buffers unallocated, a base class the generated constructor cannot call, or
/// a base class that is itself a network. Each is reported at the user's code that clashes.
/// </summary>
internal static class HostChecks
{
    /// <summary>Runs every check on <paramref name="type"/>, whose layers are <paramref name="layers"/>.</summary>
    public static void Check(INamedTypeSymbol type, TypeDeclarationSyntax declaration, Compilation? compilation, IReadOnlyList<LayerSpec> layers,
        List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        CheckRecord(type, declaration, diagnostics);
        Dictionary<string, string> generated = GeneratedNames(layers);
        CheckOwnMembers(type, generated, diagnostics);
        if (compilation is not null) CheckBase(type, compilation, generated, diagnostics, cancellationToken);
    }

    /// <summary>
    /// Each name the class will hold, with what it is for the message: <c>Predict</c> → "a member the generator
    /// emits", <c>Hidden</c> → "the view the generator emits for layer 'Hidden'".
    /// </summary>
    private static Dictionary<string, string> GeneratedNames(IReadOnlyList<LayerSpec> layers)
    {
        var names = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (string name in GeneratedMembers.Members.Concat(GeneratedMembers.Fields)) names[name] = "a member the generator emits";
        // A layer whose name was refused (NRG009) generates nothing to clash with.
        foreach ((string name, LayerSpec layer) in GeneratedMembers.ForLayers(layers.Where(l => NetworkParser.NameProblem(l.Name, "") is null)))
        {
            if (!names.ContainsKey(name)) names[name] = (name == layer.Name ? "the view" : "a field") + $" the generator emits for layer '{layer.Name}'";
        }
        return names;
    }

    /// <summary>A member called <c>get_X</c> or <c>set_X</c> clashes with property <c>X</c>'s accessors.</summary>
    private static string? Clash(string name, Dictionary<string, string> generated)
    {
        if (generated.TryGetValue(name, out string? what)) return what;
        if ((name.StartsWith("get_", System.StringComparison.Ordinal) || name.StartsWith("set_", System.StringComparison.Ordinal)) && generated.ContainsKey(name.Substring(4)))
        {
            return $"an accessor of '{name.Substring(4)}', which the generator emits";
        }
        return null;
    }

    private static void CheckRecord(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        if (declaration is not RecordDeclarationSyntax record) return;
        // `record`, `record class` or `record struct`: the keywords together.
        SyntaxToken last = record.ClassOrStructKeyword.IsKind(SyntaxKind.None) ? record.Keyword : record.ClassOrStructKeyword;
        Location at = Location.Create(record.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(record.Keyword.SpanStart, last.Span.End));
        Report(diagnostics, at, type.Name,
            "a record's 'with' copies and value equality would share and compare the network's buffers, not its weights; declare it as a class");
    }

    private static void CheckOwnMembers(INamedTypeSymbol type, Dictionary<string, string> generated, List<DiagnosticInfo> diagnostics)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            // The analyzers parse the compilation with the generated file in it: its members are the generator's own.
            if (member.IsImplicitlyDeclared || member.Locations.FirstOrDefault(l => l.IsInSource) is not { } at || IsGenerated(at.SourceTree!)) continue;
            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
            {
                CheckConstructor(type, constructor, diagnostics);
                continue;
            }
            // Accessors and explicit interface implementations are reported through their property, or cannot clash.
            if (member is IMethodSymbol { MethodKind: not MethodKind.Ordinary } || member.Name.Length == 0 || member.Name.Contains('.')) continue;
            if (Clash(member.Name, generated) is { } what)
            {
                Report(diagnostics, at, type.Name, $"its member '{member.Name}' has the name of {what}; rename the member");
            }
        }
    }

    /// <summary>
    /// A constructor of the user's own must call another through <c>this(…)</c>, ending in the generated one that
    /// allocates every buffer; one with the generated constructor's parameter types is a duplicate of it.
    /// </summary>
    private static void CheckConstructor(INamedTypeSymbol type, IMethodSymbol constructor, List<DiagnosticInfo> diagnostics)
    {
        if (constructor.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not ConstructorDeclarationSyntax syntax) return;
        Location at = syntax.Identifier.GetLocation();
        if (constructor.Parameters.Select(p => p.Type.SpecialType).SequenceEqual(GeneratedMembers.ConstructorParameters))
        {
            Report(diagnostics, at, type.Name,
                "its constructor has the parameter types of the generated constructor (int maxBatchSize, int seed); give it other parameters that call it through this(maxBatchSize, seed)");
        }
        else if (syntax.Initializer is not { ThisOrBaseKeyword.RawKind: (int)SyntaxKind.ThisKeyword })
        {
            Report(diagnostics, at, type.Name,
                "its constructor does not call the generated constructor, which allocates the network's buffers; add ': this(maxBatchSize, seed)'");
        }
    }

    private static void CheckBase(INamedTypeSymbol type, Compilation compilation, Dictionary<string, string> generated, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (type.BaseType is not { SpecialType: not SpecialType.System_Object } baseType || type.TypeKind != TypeKind.Class) return;
        Location at = BaseLocation(type, baseType, compilation, cancellationToken);
        for (INamedTypeSymbol? t = baseType; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            if (t.GetAttributes().Any(a => RowKinds.Classify(a.AttributeClass) == RowKind.Network))
            {
                Report(diagnostics, at, type.Name,
                    $"it derives from network class '{t.Name}', and would hold two sets of weights with every generated member hidden; hold the other network in a field instead");
                return;
            }
        }
        bool callable = baseType.InstanceConstructors.Any(c =>
            c.Parameters.All(p => p.IsOptional || p.IsParams) && compilation.IsSymbolAccessibleWithin(c, type));
        if (!callable)
        {
            Report(diagnostics, at, type.Name,
                $"its base class '{baseType.Name}' has no accessible constructor without arguments for the generated constructor to call; add one");
        }
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        for (INamedTypeSymbol? t = baseType; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            foreach (ISymbol member in t.GetMembers())
            {
                if (member.IsImplicitlyDeclared || member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor }) continue;
                if (!compilation.IsSymbolAccessibleWithin(member, type) || !seen.Add(member.Name)) continue;
                if (Clash(member.Name, generated) is { } what)
                {
                    Report(diagnostics, at, type.Name,
                        $"its base class '{t.Name}' has a member '{member.Name}' with the name of {what}, which would hide it; rename the member");
                }
            }
        }
    }

    /// <summary>The base type as written in the base list of one of the class's declarations, or the class name.</summary>
    private static Location BaseLocation(INamedTypeSymbol type, INamedTypeSymbol baseType, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax { BaseList: { } list } || list.Types.Count == 0) continue;
            TypeSyntax first = list.Types[0].Type;
            if (SymbolEqualityComparer.Default.Equals(compilation.GetSemanticModel(first.SyntaxTree).GetTypeInfo(first, cancellationToken).Type, baseType))
            {
                return first.GetLocation();
            }
        }
        return type.Locations.First();
    }

    /// <summary>Whether <paramref name="tree"/> is a file this generator added; the compiler names its path after the generator.</summary>
    public static bool IsGenerated(SyntaxTree tree) =>
        tree.FilePath.IndexOf(typeof(NetworkGenerator).FullName, System.StringComparison.Ordinal) >= 0;

    private static void Report(List<DiagnosticInfo> diagnostics, Location location, string typeName, string reason) =>
        diagnostics.Add(new DiagnosticInfo(DiagnosticIds.UnusableClass, LocationInfo.From(location), new[] { typeName, typeName, reason }.ToEquatableArray()));
}
