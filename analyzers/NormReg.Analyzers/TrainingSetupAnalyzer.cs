using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NormReg.Analyzers.Flow;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Model;
using NormReg.Generators.Parsing;

namespace NormReg.Analyzers;

/// <summary>
/// Rules on how a network is trained: BatchNorm with batches of one (NRG106) or a small constant batch (NRG111), L2 rows
/// with an optimizer that decays the weights too (NRG107), and early stopping without validation data (NRG108). Values
/// are followed through locals, fields, properties and factory methods of the compilation, and the network through
/// variables and interfaces to the declaration it was created from.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TrainingSetupAnalyzer : DiagnosticAnalyzer
{
    private const int TrainingMode = 1;
    private const int TrainingLoss = 1;     // NormReg.Metric.Loss
    private const int TrainingAccuracy = 3; // NormReg.Metric.Accuracy
    private const int SmallestGoodBatch = 8;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticCatalog.BatchNormBatchOfOne, DiagnosticCatalog.L2WithAdamW, DiagnosticCatalog.EarlyStoppingWithoutValidation, DiagnosticCatalog.BatchNormSmallBatch);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (NetworkTypes.From(start.Compilation) is not { } types) return;
            var bodies = new SourceBodies(start.Compilation);
            INamedTypeSymbol? fitOptions = start.Compilation.GetTypeByMetadataName("NormReg.FitOptions");
            start.RegisterOperationAction(c => AnalyzeCall(c, types, bodies), OperationKind.Invocation);
            if (fitOptions is not null) start.RegisterOperationAction(c => AnalyzeOptions(c, fitOptions, bodies), OperationKind.ObjectCreation);
        });
    }

    private static void AnalyzeCall(OperationAnalysisContext context, NetworkTypes types, SourceBodies bodies)
    {
        var call = (IInvocationOperation)context.Operation;
        string name = call.TargetMethod.Name;
        if (name is not ("TrainStep" or "Forward" or "Update" or "Fit")) return;
        CancellationToken token = context.CancellationToken;
        foreach (NetworkRows network in Networks(Calls.Receiver(call), types, bodies, token))
        {
            if (Shapes.BatchStatisticsLayer(network.Spec) is { } batchNorm) CheckBatch(context, call, network, batchNorm, bodies);
            CheckDecay(context, call, network, bodies);
        }
    }

    /// <summary>The declared networks a receiver can be: its static type, or the types of the values it is given.</summary>
    internal static IEnumerable<NetworkRows> Networks(IOperation? receiver, NetworkTypes types, SourceBodies bodies, CancellationToken token)
    {
        var seen = new HashSet<string>();
        foreach (IOperation leaf in ValueSources.Of(receiver, bodies, token))
        {
            if (types.Network(leaf.Type, token) is { } network && seen.Add(network.Spec.Identifier)) yield return network;
        }
    }

    private static void CheckBatch(OperationAnalysisContext context, IInvocationOperation call, NetworkRows network, LayerSpec batchNorm, SourceBodies bodies)
    {
        CancellationToken token = context.CancellationToken;
        IOperation? argument = null, size = null;
        bool trains = call.TargetMethod.Name is "TrainStep" or "Fit"; // a lone training-mode Forward may refresh statistics or compute gradients
        switch (call.TargetMethod.Name)
        {
            case "TrainStep":
                argument = size = Calls.Explicit(call, "batchSize");
                break;
            case "Forward" when Calls.Explicit(call, "mode") is { } mode && ValueSources.Of(mode, bodies, token).Any(l => l.ConstantValue is { HasValue: true, Value: TrainingMode }):
                argument = size = Calls.Explicit(call, "batchSize");
                break;
            case "Fit":
                argument = Calls.Explicit(call, "options");
                size = argument is null ? null : Assigned(argument, "BatchSize", bodies, token).FirstOrDefault();
                break;
        }
        if (argument is null || size is null) return;
        IReadOnlyList<IOperation> leaves = ValueSources.Of(size, bodies, token);
        if (leaves.FirstOrDefault(l => l.ConstantValue is { HasValue: true, Value: 1 }) is { } one)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.BatchNormBatchOfOne, Anchor.Of(one, argument), network.Spec.Identifier, batchNorm.Name));
        }
        else if (trains && ValueSources.AllConstant(leaves, v => v is int n && n > 1 && n < SmallestGoodBatch))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.BatchNormSmallBatch, Anchor.Of(leaves[0], argument),
                network.Spec.Identifier, string.Join(" or ", leaves.Select(l => ((int)l.ConstantValue.Value!).ToString(CultureInfo.InvariantCulture)).Distinct()), batchNorm.Name));
        }
    }

    private static void CheckDecay(OperationAnalysisContext context, IInvocationOperation call, NetworkRows network, SourceBodies bodies)
    {
        LayerSpec[] l2 = network.Spec.Layers.Where(l => l.Penalty is { L2: > 0 }).ToArray();
        if (l2.Length == 0 || Calls.Explicit(call, "optimizer") is not { } optimizer) return;
        foreach (IOperation leaf in ValueSources.Of(optimizer, bodies, context.CancellationToken))
        {
            if (Decay(leaf, bodies, context.CancellationToken) is not { } decay) continue;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.L2WithAdamW, optimizer.Syntax.GetLocation(),
                network.Spec.Identifier, string.Join(", ", l2.Select(l => l.Name)), decay));
            return;
        }
    }

    /// <summary>How an optimizer decays the weights (for the message), or <see langword="null"/> when it does not.</summary>
    private static string? Decay(IOperation optimizer, SourceBodies bodies, CancellationToken token)
    {
        string? type = optimizer.Type?.ToDisplayString();
        if (optimizer is not IObjectCreationOperation creation)
        {
            // An AdamW made elsewhere decays unless told otherwise; Adam and Sgd only when given a weight decay we cannot see.
            return type == "NormReg.AdamW" ? "AdamW (decoupled weight decay)" : null;
        }
        IArgumentOperation? argument = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "weightDecay");
        bool decays = argument is null || argument.ArgumentKind == ArgumentKind.DefaultValue
            ? type == "NormReg.AdamW"
            : ValueSources.Of(argument.Value, bodies, token) is var leaves && (type == "NormReg.AdamW"
                ? !ValueSources.AllConstant(leaves, IsZero)
                : leaves.Any(l => l.ConstantValue.HasValue && !IsZero(l.ConstantValue.Value)));
        if (!decays) return null;
        return type == "NormReg.AdamW" ? "AdamW (decoupled weight decay)" : $"{creation.Type!.Name} given a weightDecay (coupled decay, a second L2 penalty)";
    }

    private static bool IsZero(object? value) => value switch
    {
        double d => d == 0,
        float f => f == 0,
        int i => i == 0,
        _ => false,
    };

    private static void AnalyzeOptions(OperationAnalysisContext context, INamedTypeSymbol fitOptions, SourceBodies bodies)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!SymbolEqualityComparer.Default.Equals(creation.Type, fitOptions) || creation.Initializer is null) return;
        CancellationToken token = context.CancellationToken;
        if (Assignment(creation, "EarlyStopping") is not { } earlyStopping) return;
        if (Given(creation, "ValidationFeatures", v => v is null, bodies, token) || Given(creation, "ValidationSplit", IsZero, bodies, token)) return;

        // The monitor defaults to the validation loss; a training metric (Metric.Loss, Metric.Accuracy) needs no validation data.
        string? validationMonitor = null;
        foreach (IOperation stopping in ValueSources.Of(earlyStopping.Value, bodies, token))
        {
            if (stopping is not IObjectCreationOperation made) continue;
            IOperation? monitor = Assignment(made, "Monitor")?.Value;
            IReadOnlyList<IOperation> monitors = monitor is null ? [] : ValueSources.Of(monitor, bodies, token);
            if (ValueSources.AllConstant(monitors, v => v is TrainingLoss or TrainingAccuracy)) continue;
            validationMonitor ??= monitor is null ? "the validation loss (the default monitor)" : monitor.Syntax.ToString();
        }
        if (validationMonitor is null) return;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.EarlyStoppingWithoutValidation, earlyStopping.Syntax.GetLocation(), validationMonitor));
    }

    /// <summary>Whether the initializer gives <paramref name="property"/> a value that is not always the constant <paramref name="absent"/> tests for.</summary>
    private static bool Given(IObjectCreationOperation creation, string property, System.Func<object?, bool> absent, SourceBodies bodies, CancellationToken token) =>
        Assignment(creation, property) is { } assignment && !ValueSources.AllConstant(ValueSources.Of(assignment.Value, bodies, token), absent);

    /// <summary>The values <paramref name="property"/> is given in every object <paramref name="value"/> can be created as.</summary>
    internal static IEnumerable<IOperation> Assigned(IOperation value, string property, SourceBodies bodies, CancellationToken token) =>
        ValueSources.Of(value, bodies, token).OfType<IObjectCreationOperation>().Select(c => Assignment(c, property)?.Value).Where(v => v is not null)!;

    internal static ISimpleAssignmentOperation? Assignment(IObjectCreationOperation creation, string property) =>
        creation.Initializer?.Initializers.OfType<ISimpleAssignmentOperation>()
            .FirstOrDefault(a => a.Target is IPropertyReferenceOperation p && p.Property.Name == property);
}
