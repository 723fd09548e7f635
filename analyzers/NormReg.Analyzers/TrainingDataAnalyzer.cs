using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NormReg.Analyzers.Flow;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Parsing;

namespace NormReg.Analyzers;

/// <summary>
/// Rules on the data a network is trained on. NRG109: <c>FitNormalization</c> on an array that the same method also
/// passes to <c>Fit</c> with a <c>ValidationSplit</c>, as <c>ValidationFeatures</c>, or to <c>Evaluate</c> (and not
/// to <c>Fit</c> for training). NRG110: a <c>ValidationSplit</c> whose held-out labels, constants the compiler can see,
/// hold one class or miss classes training has.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TrainingDataAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticCatalog.NormalizationOnHeldOutData, DiagnosticCatalog.ValidationSplitMissesClasses);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (NetworkTypes.From(start.Compilation) is not { } types) return;
            var bodies = new SourceBodies(start.Compilation);
            start.RegisterOperationAction(c =>
            {
                var call = (IInvocationOperation)c.Operation;
                if (call.TargetMethod.Name == "FitNormalization") AnalyzeNormalization(c, call, types, bodies);
                else if (call.TargetMethod.Name == "Fit") AnalyzeSplit(c, call, bodies);
            }, OperationKind.Invocation);
        });
    }

    private static void AnalyzeNormalization(OperationAnalysisContext context, IInvocationOperation call, NetworkTypes types, SourceBodies bodies)
    {
        CancellationToken token = context.CancellationToken;
        if (types.Network(call.Instance?.Type, token) is not { } network) return;
        if (Calls.Explicit(call, "features") is not { } argument || Whole(argument) is not { } data) return;

        IOperation root = call;
        while (root.Parent is not null) root = root.Parent;
        IInvocationOperation[] calls = [.. root.Descendants().OfType<IInvocationOperation>()];
        bool trainsOn = false;
        string? held = null;
        foreach (IInvocationOperation other in calls)
        {
            if (other.TargetMethod.Name != "Fit" || !Same(other.Arguments.ElementAtOrDefault(1)?.Value, data)) continue;
            trainsOn = true;
            if (Calls.Explicit(other, "options") is { } options &&
                TrainingSetupAnalyzer.Assigned(options, "ValidationSplit", bodies, token).Any(v => !ValueSources.AllConstant(ValueSources.Of(v, bodies, token), IsZero)))
            {
                held ??= "Fit later splits for validation (ValidationSplit holds out its last part)";
            }
        }
        foreach (IObjectCreationOperation options in root.Descendants().OfType<IObjectCreationOperation>())
        {
            if (TrainingSetupAnalyzer.Assignment(options, "ValidationFeatures") is { } features && Same(features.Value, data)) held ??= "is also the validation data (ValidationFeatures)";
        }
        if (!trainsOn && calls.Any(c => c.TargetMethod.Name == "Evaluate" && Same(c.Arguments.ElementAtOrDefault(1)?.Value, data)))
        {
            held ??= "is also the test data given to Evaluate";
        }
        if (held is null) return;
        string called = call.Syntax is InvocationExpressionSyntax invocation ? invocation.Expression.ToString() : call.TargetMethod.Name;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.NormalizationOnHeldOutData, argument.Syntax.GetLocation(), called, network.Spec.Identifier, argument.Syntax.ToString(), held));
    }

    /// <summary>The variable an argument passes whole (directly, or as <c>AsSpan()</c> without bounds); a slice is not the whole.</summary>
    private static ISymbol? Whole(IOperation argument) => ValueSources.Unwrap(argument) switch
    {
        IInvocationOperation { TargetMethod.Name: "AsSpan", Arguments.Length: 1 } span => Whole(span.Arguments[0].Value),
        IInvocationOperation { TargetMethod.Name: "AsSpan", Instance: { } instance, Arguments.Length: 0 } => Whole(instance),
        ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation => Calls.Referenced(argument),
        _ => null,
    };

    private static bool Same(IOperation? value, ISymbol data) =>
        value is not null && SymbolEqualityComparer.Default.Equals(Whole(value), data);

    private static bool IsZero(object? value) => value is 0 or 0d or 0f;

    private static void AnalyzeSplit(OperationAnalysisContext context, IInvocationOperation call, SourceBodies bodies)
    {
        CancellationToken token = context.CancellationToken;
        if (Calls.Explicit(call, "options") is not { } options || Calls.Explicit(call, "labels") is not { } labelsArgument) return;
        IOperation[] splits = [.. TrainingSetupAnalyzer.Assigned(options, "ValidationSplit", bodies, token).SelectMany(v => ValueSources.Of(v, bodies, token))];
        if (splits.Length == 0 || !ValueSources.AllConstant(splits, v => v is double or int or float) || splits.Select(s => System.Convert.ToDouble(s.ConstantValue.Value, CultureInfo.InvariantCulture)).Distinct().Count() != 1) return;
        double split = System.Convert.ToDouble(splits[0].ConstantValue.Value, CultureInfo.InvariantCulture);
        if (split <= 0) return;
        foreach (IOperation leaf in ValueSources.Of(labelsArgument, bodies, token))
        {
            if (leaf is not IArrayCreationOperation { Initializer: { } initializer }) continue;
            if (!initializer.ElementValues.All(e => e.ConstantValue is { HasValue: true, Value: int })) continue;
            int[] labels = [.. initializer.ElementValues.Select(e => (int)e.ConstantValue.Value!)];
            int splitAt = ClassCoverage.SplitAt(labels.Length, split);
            if (ClassCoverage.Problem(labels, splitAt) is not { } problem) continue;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.ValidationSplitMissesClasses, labelsArgument.Syntax.GetLocation(),
                split.ToString(CultureInfo.InvariantCulture), labels.Length - splitAt, labels.Length, problem));
            return;
        }
    }
}
