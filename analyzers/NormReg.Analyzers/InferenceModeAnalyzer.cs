using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NormReg.Analyzers.Flow;
using NormReg.Generators.Diagnostics;

namespace NormReg.Analyzers;

/// <summary>
/// NRG100: a training-mode <c>Forward</c> used for inference. The mode is followed through locals, fields, properties,
/// conditionals and parameter defaults; the network through variables to its declaration, and through
/// <c>INetwork</c>, <c>IClassifier</c>, <c>IRegressor</c> and type parameters constrained to them (where the call cannot
/// know the network has no dropout, so it warns). It fires when the outputs are read and some path from the call
/// reaches another pass on the network (a loop's next iteration included) or the method's exit before a
/// <c>Backward</c>; or, in a method or local function that evaluates, predicts or tests (its name starts with Evaluate,
/// Predict, Infer, Test, Validate, Score or Serve), unless the pass is a gradient computation (outputs never read).
/// Helper methods of the compilation are followed one call deep. Networks whose training mode changes nothing and
/// <c>ForwardMode.Sampling</c> (Monte-Carlo dropout, opted into) are left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InferenceModeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticCatalog.TrainingModeAtInference);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (NetworkTypes.From(start.Compilation) is not { } types) return;
            var bodies = new SourceBodies(start.Compilation);
            start.RegisterOperationAction(c => new InferenceModeRule(c, types, bodies).Analyze((IInvocationOperation)c.Operation), OperationKind.Invocation);
        });
    }
}
