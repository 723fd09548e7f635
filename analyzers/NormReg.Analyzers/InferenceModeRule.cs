using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using NormReg.Analyzers.Flow;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Model;
using NormReg.Generators.Parsing;

namespace NormReg.Analyzers;

/// <summary>NRG100 on one invocation: a <c>Forward</c> itself, or a call into a helper of the compilation that runs one.</summary>
internal sealed class InferenceModeRule(OperationAnalysisContext context, NetworkTypes types, SourceBodies bodies)
{
    private const int TrainingMode = 1;
    private const string OutputsUsedReason = "and its outputs are used with no Backward after it";

    private static readonly ImmutableHashSet<string> EvaluationWords = ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase,
        "evaluate", "evaluation", "eval", "predict", "prediction", "infer", "inference", "test", "tests", "validate", "validation", "score", "serve");

    private readonly ActivationFlow _flow = new(bodies, context.CancellationToken);

    public void Analyze(IInvocationOperation call)
    {
        if (IsForward(call))
        {
            AnalyzeForward(call);
        }
        else if (call.TargetMethod.MethodKind == MethodKind.Ordinary && MentionsForward(call.TargetMethod) && bodies.Body(call.TargetMethod, context.CancellationToken) is { } body)
        {
            AnalyzeHelperCall(call, body);
        }
    }

    /// <summary>A cheap syntactic filter before binding a helper's body: it must call something named Forward.</summary>
    private bool MentionsForward(IMethodSymbol method) =>
        method.DeclaringSyntaxReferences.Length == 1 &&
        method.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken).DescendantTokens().Any(t => t.ValueText == "Forward");

    private bool IsForward(IInvocationOperation call) =>
        call.TargetMethod.Name == "Forward" && Calls.Argument(call, "mode") is { } mode &&
        SymbolEqualityComparer.Default.Equals(mode.Parameter?.Type, types.ForwardMode);

    private void AnalyzeForward(IInvocationOperation forward)
    {
        IOperation mode = Calls.Argument(forward, "mode")!.Value;
        List<IOperation> training = TrainingLeaves(mode);
        if (training.Count == 0) return;
        if (Runs(forward.Instance) is not { } network) return;
        if (GraphOf(forward) is not { } graph) return;

        ISymbol? outputs = Calls.Referenced(Calls.Argument(forward, "outputs")?.Value);
        ActivationFacts facts = _flow.Follow(graph, forward, Calls.Referenced(forward.Instance), outputs);
        bool evaluation = IsEvaluation(EnclosingMethodName(forward, context.ContainingSymbol));
        if (Reason(facts, evaluation, Escapes(outputs), EnclosingMethodName(forward, context.ContainingSymbol)) is not { } reason) return;
        Report(Location(training, mode), CalledText(forward), network, reason);
    }

    /// <summary>A helper of the compilation that runs a training-mode Forward it does not consume, whose outputs or mode its caller provides.</summary>
    private void AnalyzeHelperCall(IInvocationOperation call, IOperation body)
    {
        IMethodSymbol helper = call.TargetMethod;
        foreach (IInvocationOperation forward in body.Descendants().OfType<IInvocationOperation>().Where(IsForward))
        {
            IOperation mode = Calls.Argument(forward, "mode")!.Value;
            List<IOperation> leaves = [.. ValueSources.Of(mode, bodies, context.CancellationToken)];
            bool trainingInside = leaves.Any(IsTraining);
            var fromCaller = new List<IOperation>();
            foreach (IParameterReferenceOperation parameter in leaves.OfType<IParameterReferenceOperation>())
            {
                if (CallerArgument(call, parameter.Parameter) is { } argument) fromCaller.AddRange(ValueSources.Of(argument, bodies, context.CancellationToken).Where(IsTraining));
            }
            if (!trainingInside && fromCaller.Count == 0) continue;

            IOperation? receiver = ValueSources.Unwrap(forward.Instance);
            IOperation? networkValue = receiver is IParameterReferenceOperation p ? CallerArgument(call, p.Parameter) ?? receiver : receiver;
            if (Runs(networkValue) is not { } network) continue;
            if (bodies.Graph(helper, context.CancellationToken) is not { } helperGraph) continue;

            ISymbol? innerNetwork = Calls.Referenced(forward.Instance);
            ISymbol? innerOutputs = Calls.Referenced(Calls.Argument(forward, "outputs")?.Value);
            ActivationFacts inside = _flow.Follow(helperGraph, forward, innerNetwork, innerOutputs);
            if (!inside.Unconsumed) continue;
            bool helperEvaluates = IsEvaluation(helper.Name);
            // A pass the helper's own analysis reports is not reported again at each call.
            if (trainingInside && Reason(inside, helperEvaluates, Escapes(innerOutputs), helper.Name) is not null) continue;

            ISymbol? network2 = Map(call, innerNetwork);
            ISymbol? outputs = Map(call, innerOutputs);
            ActivationFacts after = GraphOf(call) is { } graph ? _flow.Follow(graph, call, network2, outputs) : default;
            var facts = new ActivationFacts(inside.OutputsRead || after.OutputsRead, network2 is null || after.Unconsumed);
            string caller = EnclosingMethodName(call, context.ContainingSymbol);
            string? reason = helperEvaluates
                ? Reason(facts, true, true, helper.Name)
                : Reason(facts, IsEvaluation(caller), Escapes(outputs), caller);
            if (reason is null) continue;

            Location location = fromCaller.Count > 0
                ? Location(fromCaller, CallerArgument(call, ((IParameterReferenceOperation)leaves.First(l => l is IParameterReferenceOperation)).Parameter)!)
                : call.Syntax.GetLocation();
            Report(location, CalledText(call), network, reason);
            return;
        }
    }

    /// <summary>Why the pass is reported, or <see langword="null"/> when it is not.</summary>
    private static string? Reason(ActivationFacts facts, bool evaluation, bool escapes, string method)
    {
        // In evaluation code only a gradient computation (outputs never read, a Backward on every path) is left alone.
        if (evaluation) return facts.OutputsRead || (escapes && facts.Unconsumed) ? $"inside '{method}', a method that evaluates, predicts or tests" : null;
        return facts.OutputsRead && facts.Unconsumed ? OutputsUsedReason : null;
    }

    /// <summary>Whether the outputs buffer outlives the method: a parameter, field or property, read by others.</summary>
    private static bool Escapes(ISymbol? outputs) => outputs is IParameterSymbol or IFieldSymbol or IPropertySymbol;

    private List<IOperation> TrainingLeaves(IOperation mode) =>
        [.. ValueSources.Of(mode, bodies, context.CancellationToken).Where(IsTraining)];

    /// <summary>A constant <c>ForwardMode.Training</c>, or a parameter whose default it is.</summary>
    private static bool IsTraining(IOperation leaf) =>
        leaf.ConstantValue is { HasValue: true, Value: TrainingMode } ||
        leaf is IParameterReferenceOperation { Parameter: { HasExplicitDefaultValue: true, ExplicitDefaultValue: TrainingMode } };

    /// <summary>The training constant itself when it is written inside the argument; otherwise the argument.</summary>
    private static Location Location(List<IOperation> training, IOperation argument)
    {
        IOperation? single = training.Count == 1 ? training[0] : null;
        return single is not null && single is not IParameterReferenceOperation && argument.Syntax.Span.Contains(single.Syntax.Span) && single.Syntax.SyntaxTree == argument.Syntax.SyntaxTree
            ? single.Syntax.GetLocation()
            : argument.Syntax.GetLocation();
    }

    /// <summary>The network a call runs on, with what its training mode does; <see langword="null"/> when training mode changes nothing.</summary>
    private (string Name, string Behaviour)? Runs(IOperation? receiver)
    {
        string? abstraction = null;
        foreach (IOperation leaf in ValueSources.Of(receiver, bodies, context.CancellationToken))
        {
            ITypeSymbol? type = leaf.Type;
            if (types.Network(type, context.CancellationToken) is { } network)
            {
                if (network.HasTrainingBehaviour) return (network.Spec.Identifier, Behaviour(network.Spec));
            }
            else if (types.IsAbstraction(type))
            {
                abstraction ??= type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            }
        }
        return abstraction is null ? null : (abstraction, "dropout, noise or BatchNorm, whichever its network has");
    }

    private static IOperation? CallerArgument(IInvocationOperation call, IParameterSymbol parameter) =>
        SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, call.TargetMethod.OriginalDefinition)
            ? call.Arguments.FirstOrDefault(a => a.ArgumentKind != ArgumentKind.DefaultValue && SymbolEqualityComparer.Default.Equals(a.Parameter?.OriginalDefinition, parameter.OriginalDefinition))?.Value
            : null;

    /// <summary>What a symbol of the helper stands for at the call: the argument for a parameter, the same field, property or <c>this</c>.</summary>
    private static ISymbol? Map(IInvocationOperation call, ISymbol? inner) => inner switch
    {
        IParameterSymbol parameter => SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, call.TargetMethod.OriginalDefinition)
            ? Calls.Referenced(CallerArgument(call, parameter))
            : parameter, // a primary-constructor parameter, captured: the same in caller and helper
        IFieldSymbol or IPropertySymbol or ITypeSymbol => inner,
        _ => null,
    };

    /// <summary>The graph (of the member, or of the lambda or local function inside it) that holds <paramref name="call"/>.</summary>
    private ControlFlowGraph? GraphOf(IInvocationOperation call)
    {
        ControlFlowGraph root = context.GetControlFlowGraph();
        return Graphs(root).FirstOrDefault(g => g.Blocks.Any(b => ActivationFlow.Items(b).Any(o => ActivationFlow.Contains(o, call))));
    }

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

    private void Report(Location location, string called, (string Name, string Behaviour) network, string reason) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticCatalog.TrainingModeAtInference, location, called, network.Name, network.Behaviour, reason));

    /// <summary>The called expression as written: <c>net.Forward</c>, <c>Forward</c> on an implicit <c>this</c>, <c>Helpers.Score</c>.</summary>
    private static string CalledText(IInvocationOperation call) =>
        call.Syntax is InvocationExpressionSyntax invocation ? invocation.Expression.ToString() : call.TargetMethod.Name;

    /// <summary>The name of the local function around the call, or of the member that contains it.</summary>
    private static string EnclosingMethodName(IOperation operation, ISymbol containing)
    {
        for (IOperation? parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ILocalFunctionOperation local) return local.Symbol.Name;
        }
        return containing.Name;
    }

    private static bool IsEvaluation(string method) => EvaluationWords.Contains(Words(method).FirstOrDefault() ?? "");

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
        if (network.Layers.Any(l => l.Kind is LayerKind.Dropout or LayerKind.SpatialDropout)) parts.Add("dropout drawn");
        if (network.Layers.Any(l => l.Kind == LayerKind.GaussianNoise)) parts.Add("noise drawn");
        if (network.Layers.Any(l => l.IsAugmentation)) parts.Add("images augmented");
        if (network.Layers.Any(l => l.Kind == LayerKind.BatchNorm)) parts.Add("BatchNorm on batch statistics");
        return string.Join(", ", parts);
    }
}
