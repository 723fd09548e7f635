using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Generators.Emitting;
using NormReg.Generators.Model;
using NormReg.Generators.Parsing;
using NormReg.Generators.Planning;

namespace NormReg.Generators;

/// <summary>
/// The incremental generator: <c>[Network]</c> classes are parsed into plain records, planned, and emitted
/// as one <c>{Type}.g.cs</c> each. Every step is named so tests can see what an edit re-runs.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        public const string Parse = nameof(Parse);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Plan = nameof(Plan);
        public const string Emit = nameof(Emit);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                RowKinds.NetworkAttribute,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                NetworkParser.Parse)
            .WithTrackingName(Steps.Parse);

        context.RegisterSourceOutput(
            parsed.SelectMany(static (result, _) => result.Diagnostics).WithTrackingName(Steps.Diagnostics),
            static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));

        IncrementalValuesProvider<GeneratedSource> sources = parsed
            .Where(static result => result.Network is not null)
            .Select(static (result, _) => Planner.Plan(result.Network!)).WithTrackingName(Steps.Plan)
            .Select(static (plan, _) => NetworkEmitter.Emit(plan)).WithTrackingName(Steps.Emit);

        context.RegisterSourceOutput(sources, static (output, source) => output.AddSource(source.HintName, source.Text));
    }
}
