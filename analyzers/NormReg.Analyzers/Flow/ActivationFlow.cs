using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NormReg.Analyzers.Flow;

/// <summary>What happens after a training-mode forward pass, on the paths of a control-flow graph.</summary>
/// <param name="OutputsRead">The outputs are read (in any expression, lambda, query, slice or call) before another pass overwrites them.</param>
/// <param name="Unconsumed">Some path reaches another pass on the network, or leaves the method, before a <c>Backward</c>.</param>
internal readonly record struct ActivationFacts(bool OutputsRead, bool Unconsumed);

/// <summary>
/// Follows the activations of one training-mode <c>Forward</c> through a control-flow graph: every path from the call
/// ends at a <c>Backward</c> on the same network (consumed), at another <c>Forward</c>, <c>Predict</c>, <c>TrainStep</c>,
/// <c>Fit</c> or <c>Evaluate</c> on it (overwritten), at the method's exit, or at a throw (ignored). Loops are paths
/// too: a pass at the end of a loop body meets the next iteration's first pass. A call into a method of the compilation
/// counts as what its body does first to the network (one call deep).
/// </summary>
internal sealed class ActivationFlow(SourceBodies bodies, CancellationToken cancellationToken)
{
    private static readonly HashSet<string> Overwriting = ["Forward", "Predict", "TrainStep", "Fit", "Evaluate", "Classify"];

    private enum Effect { None, Consumed, Overwritten }

    /// <summary>Follows the pass started by <paramref name="call"/> (a Forward, or a helper that runs one) in <paramref name="graph"/>.</summary>
    public ActivationFacts Follow(ControlFlowGraph graph, IInvocationOperation call, ISymbol? network, ISymbol? outputs)
    {
        bool read = false, unconsumed = false;
        var seen = new HashSet<int>();
        var pending = new Stack<(BasicBlock Block, int Start)>();
        foreach (BasicBlock block in graph.Blocks)
        {
            int index = IndexOf(block, call);
            if (index >= 0)
            {
                pending.Push((block, index + 1));
                break;
            }
        }
        if (pending.Count == 0) return new ActivationFacts(false, false);

        while (pending.Count > 0)
        {
            (BasicBlock block, int start) = pending.Pop();
            if (block.Kind == BasicBlockKind.Exit)
            {
                unconsumed = true;
                continue;
            }
            Effect effect = Effect.None;
            foreach (IOperation operation in Items(block).Skip(start))
            {
                read |= outputs is not null && Reads(operation, outputs, call.SemanticModel);
                effect = network is null ? Effect.None : EffectOn(operation, network);
                if (effect != Effect.None) break;
            }
            if (effect == Effect.Overwritten) unconsumed = true;
            if (effect != Effect.None) continue;

            foreach (ControlFlowBranch? branch in new[] { block.FallThroughSuccessor, block.ConditionalSuccessor })
            {
                if (branch?.Destination is { } next && seen.Add(next.Ordinal)) pending.Push((next, 0));
            }
        }
        return new ActivationFacts(read, unconsumed);
    }

    /// <summary>The operations of a block in order, its branch value last.</summary>
    public static IEnumerable<IOperation> Items(BasicBlock block) =>
        block.BranchValue is null ? block.Operations : block.Operations.Append(block.BranchValue);

    /// <summary>Whether <paramref name="operation"/> is or contains <paramref name="call"/>.</summary>
    public static bool Contains(IOperation operation, IInvocationOperation call) =>
        operation.Syntax.Span.Contains(call.Syntax.Span) && operation.DescendantsAndSelf().Any(o => o is IInvocationOperation && o.Syntax == call.Syntax);

    /// <summary>The index among <see cref="Items"/> of the one that contains <paramref name="call"/>, or −1.</summary>
    private static int IndexOf(BasicBlock block, IInvocationOperation call)
    {
        int i = 0;
        foreach (IOperation item in Items(block))
        {
            if (Contains(item, call)) return i;
            i++;
        }
        return -1;
    }

    /// <summary>Whether <paramref name="operation"/> reads <paramref name="outputs"/>, including inside lambdas; being the outputs of another pass is a write.</summary>
    private bool Reads(IOperation operation, ISymbol outputs, SemanticModel? model)
    {
        foreach (IOperation inner in operation.DescendantsAndSelf())
        {
            if (inner is IFlowAnonymousFunctionOperation lambda)
            {
                if ((inner.SemanticModel ?? model)?.GetOperation(lambda.Syntax, cancellationToken) is { } body && Reads(body, outputs, model)) return true;
                continue;
            }
            if (Calls.RefersTo(inner, outputs) && !IsOutputsOfAPass(inner)) return true;
        }
        return false;
    }

    private static bool IsOutputsOfAPass(IOperation reference)
    {
        for (IOperation? parent = reference.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IArgumentOperation argument)
            {
                return argument.Parameter?.Name == "outputs" && argument.Parent is IInvocationOperation { TargetMethod.Name: "Forward" or "Predict" };
            }
            if (parent is not (IConversionOperation or IInvocationOperation { TargetMethod.Name: "AsSpan" })) return false;
        }
        return false;
    }

    /// <summary>The first thing <paramref name="operation"/> does to the activations of <paramref name="network"/>.</summary>
    private Effect EffectOn(IOperation operation, ISymbol network)
    {
        foreach (IInvocationOperation call in operation.DescendantsAndSelf().OfType<IInvocationOperation>())
        {
            Effect effect = Direct(call, network);
            if (effect == Effect.None && bodies.Body(call.TargetMethod, cancellationToken) is { } body) effect = InHelper(call, body, network);
            if (effect != Effect.None) return effect;
        }
        return Effect.None;
    }

    private static Effect Direct(IInvocationOperation call, ISymbol network)
    {
        string name = call.TargetMethod.Name;
        if (name != "Backward" && !Overwriting.Contains(name)) return Effect.None;
        if (!SymbolEqualityComparer.Default.Equals(Calls.Referenced(Calls.Receiver(call)), network)) return Effect.None;
        return name == "Backward" ? Effect.Consumed : Effect.Overwritten;
    }

    /// <summary>What a helper's body does first to the network passed to it (as an argument, or the same field or <c>this</c>).</summary>
    private static Effect InHelper(IInvocationOperation helper, IOperation body, ISymbol network)
    {
        foreach (IInvocationOperation call in body.Descendants().OfType<IInvocationOperation>().OrderBy(c => c.Syntax.SpanStart))
        {
            string name = call.TargetMethod.Name;
            if (name != "Backward" && !Overwriting.Contains(name)) continue;
            ISymbol? inner = Calls.Referenced(Calls.Receiver(call));
            bool same = inner is IParameterSymbol parameter
                ? helper.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter?.OriginalDefinition, parameter.OriginalDefinition)) is { } argument &&
                  SymbolEqualityComparer.Default.Equals(Calls.Referenced(argument.Value), network)
                : SymbolEqualityComparer.Default.Equals(inner, network);
            if (same) return name == "Backward" ? Effect.Consumed : Effect.Overwritten;
        }
        return Effect.None;
    }
}
