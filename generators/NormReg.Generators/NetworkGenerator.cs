using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Generators.Diagnostics;
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

        // Each network is planned and emitted on its own: what one throws becomes its NRG000, and the others still generate.
        IncrementalValuesProvider<Attempt<GeneratedSource>> sources = parsed
            .Where(static result => result.Network is not null)
            .Select(static (result, _) => Attempt<ExecutionPlan>.Run(result.Network!.FullName, result.Network.Identifier, result.Network, Planner.Plan)).WithTrackingName(Steps.Plan)
            .Select(static (plan, _) => plan.Then(NetworkEmitter.Emit)).WithTrackingName(Steps.Emit);

        IncrementalValueProvider<ImmutableArray<(string Network, LocationInfo? Location)>> places = parsed
            .Where(static result => result.Network is not null)
            .Select(static (result, _) => (result.Network!.FullName, result.Declaration))
            .Collect();

        // Together, so that hint names can be made unique across the compilation.
        context.RegisterSourceOutput(sources.Collect().Combine(places), static (output, all) => Add(output, all.Left, all.Right));
    }

    private static void Add(SourceProductionContext output, ImmutableArray<Attempt<GeneratedSource>> sources, ImmutableArray<(string Network, LocationInfo? Location)> places)
    {
        foreach ((string hintName, Attempt<GeneratedSource> network) in HintNames.Assign(sources.Where(s => s.Value is not null), s => s.Value!))
        {
            try
            {
                output.AddSource(hintName, network.Value!.Text);
            }
            catch (ArgumentException e)
            {
                Fail(output, network with { Value = null, Error = e.GetType().Name + ": " + e.Message }, places);
            }
        }
        foreach (Attempt<GeneratedSource> failed in sources.Where(s => s.Value is null)) Fail(output, failed, places);
    }

    private static void Fail(SourceProductionContext output, Attempt<GeneratedSource> failed, ImmutableArray<(string Network, LocationInfo? Location)> places)
    {
        LocationInfo? location = places.FirstOrDefault(p => p.Network == failed.Network).Location;
        output.ReportDiagnostic(new DiagnosticInfo(DiagnosticIds.InternalError, location, new[] { failed.TypeName, failed.Error ?? "" }.ToEquatableArray()).ToDiagnostic());
    }
}
