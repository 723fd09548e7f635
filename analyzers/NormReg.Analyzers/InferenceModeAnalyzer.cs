using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Model;
using NormReg.Generators.Parsing;

namespace NormReg.Analyzers;

/// <summary>
/// NRG100: a training-mode <c>Forward</c> used for inference. It fires when the outputs of
/// <c>Forward(…, ForwardMode.Training)</c> are read later in the method with no <c>Backward</c> on the same network
/// reachable after it in the control-flow graph, or when the call sits in a method or local function that
/// evaluates, predicts or tests (its name starts with Evaluate, Predict, Infer, Test, Validate, Score or Serve),
/// unless it is a gradient computation there (a Backward follows and the outputs are never read). Networks whose training mode changes nothing (no dropout, noise or BatchNorm) and
/// <c>ForwardMode.Sampling</c> (Monte-Carlo dropout, opted into) are left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InferenceModeAnalyzer : DiagnosticAnalyzer
{
    private const int TrainingMode = 1;

    private static readonly ImmutableHashSet<string> EvaluationWords = ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase,
        "evaluate", "evaluation", "eval", "predict", "prediction", "infer", "inference", "test", "tests", "validate", "validation", "score", "serve");

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
            start.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, NetworkTypes types)
    {
        var forward = (IInvocationOperation)context.Operation;
        if (forward.TargetMethod.Name != "Forward" || forward.Instance is null) return;
        IArgumentOperation? mode = Argument(forward, "mode");
        if (mode is null || !SymbolEqualityComparer.Default.Equals(mode.Value.Type, types.ForwardMode)) return;
        if (mode.Value.ConstantValue is not { HasValue: true, Value: int value } || value != TrainingMode) return;
        if (types.Network(forward.Instance.Type, context.CancellationToken) is not { HasTrainingBehaviour: true } network) return;

        (bool backwardFollows, bool outputsUsed) = Follow(context.GetControlFlowGraph(), forward);
        string method = EnclosingMethodName(forward, context.ContainingSymbol);
        // In evaluation code only a gradient computation (a Backward, outputs never read) is left alone.
        string? reason = EvaluationWords.Contains(Words(method).FirstOrDefault() ?? "")
            ? !backwardFollows || outputsUsed ? $"inside '{method}', a method that evaluates, predicts or tests" : null
            : outputsUsed && !backwardFollows ? "and its outputs are used with no Backward after it" : null;
        if (reason is null) return;

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticCatalog.TrainingModeAtInference, mode.Value.Syntax.GetLocation(),
            forward.Instance.Syntax + ".Forward", network.Spec.Identifier, Behaviour(network.Spec), reason));
    }

    /// <summary>Whether a Backward on the same network can follow the call, and whether its outputs are read anywhere after it.</summary>
    private static (bool BackwardFollows, bool OutputsUsed) Follow(ControlFlowGraph root, IInvocationOperation forward)
    {
        ISymbol? network = Referenced(forward.Instance);
        ISymbol? outputs = Argument(forward, "outputs") is { } argument ? Referenced(argument.Value) : null;
        bool backward = false, used = false;
        foreach (IOperation operation in Graphs(root).SelectMany(graph => OperationsAfter(graph, forward)))
        {
            foreach (IOperation descendant in operation.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation { TargetMethod.Name: "Backward" } call)
                {
                    backward |= SymbolEqualityComparer.Default.Equals(Referenced(call.Instance), network);
                }
                else if (outputs is not null && SymbolEqualityComparer.Default.Equals(Referenced(descendant, deep: false), outputs))
                {
                    used = true;
                }
            }
        }
        return (backward, used);
    }

    /// <summary>The graph of the method body and, nested in it, those of its local functions and lambdas.</summary>
    private static IEnumerable<ControlFlowGraph> Graphs(ControlFlowGraph graph)
    {
        yield return graph;
        foreach (IMethodSymbol local in graph.LocalFunctions)
        {
            foreach (ControlFlowGraph nested in Graphs(graph.GetLocalFunctionControlFlowGraph(local))) yield return nested;
        }
        IEnumerable<IOperation> operations = graph.Blocks.SelectMany(b => b.BranchValue is null ? b.Operations : b.Operations.Append(b.BranchValue));
        foreach (IFlowAnonymousFunctionOperation lambda in operations.SelectMany(o => o.DescendantsAndSelf()).OfType<IFlowAnonymousFunctionOperation>())
        {
            foreach (ControlFlowGraph nested in Graphs(graph.GetAnonymousFunctionControlFlowGraph(lambda))) yield return nested;
        }
    }

    /// <summary>The name of the local function around the call, or of the member that contains it.</summary>
    private static string EnclosingMethodName(IOperation operation, ISymbol containing)
    {
        for (IOperation? parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ILocalFunctionOperation local) return local.Symbol.Name;
        }
        return containing.Name;
    }

    /// <summary>Every operation that can run after <paramref name="call"/>: the rest of its block, then every block reachable from it.</summary>
    private static IEnumerable<IOperation> OperationsAfter(ControlFlowGraph graph, IOperation call)
    {
        foreach (BasicBlock block in graph.Blocks)
        {
            int index = IndexOf(block, call);
            if (index < 0) continue;
            for (int i = index + 1; i < block.Operations.Length; i++) yield return block.Operations[i];
            if (block.BranchValue is not null) yield return block.BranchValue;

            var seen = new HashSet<int>();
            var pending = new Queue<BasicBlock>(Successors(block));
            while (pending.Count > 0)
            {
                BasicBlock next = pending.Dequeue();
                if (!seen.Add(next.Ordinal)) continue;
                foreach (IOperation operation in next.Operations) yield return operation;
                if (next.BranchValue is not null) yield return next.BranchValue;
                foreach (BasicBlock successor in Successors(next)) pending.Enqueue(successor);
            }
            yield break;
        }
    }

    private static int IndexOf(BasicBlock block, IOperation call)
    {
        for (int i = 0; i < block.Operations.Length; i++)
        {
            if (block.Operations[i].DescendantsAndSelf().Any(o => o.Syntax == call.Syntax && o is IInvocationOperation)) return i;
        }
        return -1;
    }

    private static IEnumerable<BasicBlock> Successors(BasicBlock block)
    {
        if (block.FallThroughSuccessor?.Destination is { } fallThrough) yield return fallThrough;
        if (block.ConditionalSuccessor?.Destination is { } conditional) yield return conditional;
    }

    private static IArgumentOperation? Argument(IInvocationOperation invocation, string parameter) =>
        invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameter);

    /// <summary>The local, parameter, field or property an expression refers to (through conversions and AsSpan-like calls when <paramref name="deep"/>).</summary>
    private static ISymbol? Referenced(IOperation? operation, bool deep = true)
    {
        switch (operation)
        {
            case ILocalReferenceOperation local: return local.Local;
            case IParameterReferenceOperation parameter: return parameter.Parameter;
            case IFieldReferenceOperation field: return field.Field;
            case IPropertyReferenceOperation property: return property.Property;
            case IInstanceReferenceOperation instance: return instance.Type;
            case IConversionOperation conversion when deep: return Referenced(conversion.Operand);
            case IInvocationOperation invocation when deep:
                return Referenced(invocation.Instance ?? invocation.Arguments.FirstOrDefault()?.Value);
            default: return null;
        }
    }

    /// <summary>The words of a PascalCase or camelCase name.</summary>
    private static IEnumerable<string> Words(string name)
    {
        int start = 0;
        for (int i = 1; i <= name.Length; i++)
        {
            if (i == name.Length || char.IsUpper(name[i]) || name[i] == '_')
            {
                if (i > start) yield return name.Substring(start, i - start).Trim('_');
                start = i;
            }
        }
    }

    private static string Behaviour(NetworkSpec network)
    {
        var parts = new List<string>();
        if (network.Layers.Any(l => l.Kind == LayerKind.Dropout)) parts.Add("dropout drawn");
        if (network.Layers.Any(l => l.Kind == LayerKind.GaussianNoise)) parts.Add("noise drawn");
        if (network.Layers.Any(l => l.Kind == LayerKind.BatchNorm)) parts.Add("BatchNorm on batch statistics");
        return string.Join(", ", parts);
    }
}
