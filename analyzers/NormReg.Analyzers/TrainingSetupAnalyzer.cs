using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Model;
using NormReg.Generators.Parsing;

namespace NormReg.Analyzers;

/// <summary>
/// Rules on how a network is trained: BatchNorm with batches of one (NRG106), L2 rows with AdamW (NRG107) and
/// early stopping without validation data (NRG108).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TrainingSetupAnalyzer : DiagnosticAnalyzer
{
    private const int TrainingMode = 1;
    private const int TrainingLoss = 1;     // NormReg.Metric.Loss
    private const int TrainingAccuracy = 3; // NormReg.Metric.Accuracy

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticCatalog.BatchNormBatchOfOne, DiagnosticCatalog.L2WithAdamW, DiagnosticCatalog.EarlyStoppingWithoutValidation);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (NetworkTypes.From(start.Compilation) is not { } types) return;
            INamedTypeSymbol? adamW = start.Compilation.GetTypeByMetadataName("NormReg.AdamW");
            INamedTypeSymbol? fitOptions = start.Compilation.GetTypeByMetadataName("NormReg.FitOptions");
            start.RegisterOperationAction(c => AnalyzeCall(c, types, adamW), OperationKind.Invocation);
            if (fitOptions is not null) start.RegisterOperationAction(c => AnalyzeOptions(c, fitOptions), OperationKind.ObjectCreation);
        });
    }

    private static void AnalyzeCall(OperationAnalysisContext context, NetworkTypes types, INamedTypeSymbol? adamW)
    {
        var call = (IInvocationOperation)context.Operation;
        string name = call.TargetMethod.Name;
        if (name is not ("TrainStep" or "Forward" or "Update" or "Fit")) return;
        // Fit is an extension method: the network is its first argument.
        IOperation? receiver = call.Instance ?? (call.TargetMethod.IsExtensionMethod ? call.Arguments.FirstOrDefault()?.Value : null);
        if (types.Network(Unwrap(receiver)?.Type, context.CancellationToken) is not { } network) return;

        if (network.Spec.Layers.FirstOrDefault(l => l.Kind == LayerKind.BatchNorm) is { } batchNorm)
        {
            IOperation? batchOfOne = name switch
            {
                "TrainStep" => ConstantOne(Argument(call, "batchSize")),
                "Forward" when Argument(call, "mode")?.ConstantValue is { HasValue: true, Value: TrainingMode } => ConstantOne(Argument(call, "batchSize")),
                "Fit" => Initializer(Unwrap(Argument(call, "options")), "BatchSize") is { } size ? ConstantOne(size) : null,
                _ => null,
            };
            if (batchOfOne is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.BatchNormBatchOfOne, batchOfOne.Syntax.GetLocation(), network.Spec.Identifier, batchNorm.Name));
            }
        }

        IOperation? optimizer = Unwrap(Argument(call, "optimizer"));
        LayerSpec[] l2 = network.Spec.Layers.Where(l => l.Penalty is { L2: > 0 }).ToArray();
        if (adamW is not null && l2.Length > 0 && optimizer is not null && SymbolEqualityComparer.Default.Equals(optimizer.Type, adamW) && !ZeroDecay(optimizer))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.L2WithAdamW, optimizer.Syntax.GetLocation(),
                network.Spec.Identifier, string.Join(", ", l2.Select(l => l.Name))));
        }
    }

    private static void AnalyzeOptions(OperationAnalysisContext context, INamedTypeSymbol fitOptions)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!SymbolEqualityComparer.Default.Equals(creation.Type, fitOptions) || creation.Initializer is null) return;
        if (Assignment(creation, "EarlyStopping") is not { } earlyStopping) return;
        if (Assignment(creation, "ValidationFeatures") is not null || Assignment(creation, "ValidationSplit") is not null) return;

        // The monitor defaults to the validation loss; a training metric (Metric.Loss, Metric.Accuracy) needs no validation data.
        IOperation? monitor = Initializer(Unwrap(earlyStopping.Value), "Monitor");
        if (monitor?.ConstantValue is { HasValue: true, Value: TrainingLoss or TrainingAccuracy }) return;

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.EarlyStoppingWithoutValidation, earlyStopping.Syntax.GetLocation(),
            monitor?.Syntax.ToString() ?? "the validation loss (the default monitor)"));
    }

    /// <summary>Whether an optimizer created in place is given a weight decay of exactly zero.</summary>
    private static bool ZeroDecay(IOperation optimizer) =>
        optimizer is IObjectCreationOperation creation &&
        creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "weightDecay") is { ArgumentKind: ArgumentKind.Explicit } decay &&
        decay.Value.ConstantValue is { HasValue: true, Value: 0d or 0 };

    private static IOperation? ConstantOne(IOperation? value) =>
        value?.ConstantValue is { HasValue: true, Value: 1 } ? value : null;

    private static IOperation? Argument(IInvocationOperation call, string parameter) =>
        call.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameter && a.ArgumentKind == ArgumentKind.Explicit)?.Value;

    private static ISimpleAssignmentOperation? Assignment(IObjectCreationOperation creation, string property) =>
        creation.Initializer?.Initializers.OfType<ISimpleAssignmentOperation>()
            .FirstOrDefault(a => a.Target is IPropertyReferenceOperation p && p.Property.Name == property);

    /// <summary>The value given to <paramref name="property"/> in the initializer of an object created in place.</summary>
    private static IOperation? Initializer(IOperation? operation, string property) =>
        operation is IObjectCreationOperation creation ? Assignment(creation, property)?.Value : null;

    private static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation conversion) operation = conversion.Operand;
        return operation;
    }
}
