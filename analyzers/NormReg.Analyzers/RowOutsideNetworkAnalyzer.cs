using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Parsing;

namespace NormReg.Analyzers;

/// <summary>NRG006: an <c>[Input]</c>, layer or modifier row on a class that has no <c>[Network]</c> attribute.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RowOutsideNetworkAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticCatalog.RowOutsideNetwork);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        ImmutableArray<AttributeData> attributes = context.Symbol.GetAttributes();
        if (attributes.Any(a => RowKinds.Classify(a.AttributeClass) == RowKind.Network)) return;
        foreach (AttributeData attribute in attributes)
        {
            if (!RowKinds.IsRow(attribute.AttributeClass) || attribute.ApplicationSyntaxReference is not { } reference) continue;
            Location location = reference.GetSyntax(context.CancellationToken).GetLocation();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.RowOutsideNetwork, location, attribute.AttributeClass!.Name.Replace("Attribute", ""), context.Symbol.Name));
        }
    }
}
