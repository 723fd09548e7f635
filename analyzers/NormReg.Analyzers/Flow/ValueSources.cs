using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NormReg.Analyzers.Flow;

/// <summary>
/// Where a value can come from: constants, conditionals and null-coalescing on both sides, locals through every
/// assignment in their method, fields and properties through their initializers and assignments in their type, and
/// methods declared in source through the values they return (a returned parameter becomes the caller's argument).
/// What cannot be followed (a parameter, a call into a library) is a leaf as it stands.
/// </summary>
internal static class ValueSources
{
    private const int MaxDepth = 6;

    /// <summary>The leaves <paramref name="value"/> can come from.</summary>
    public static IReadOnlyList<IOperation> Of(IOperation? value, SourceBodies bodies, CancellationToken cancellationToken)
    {
        var leaves = new List<IOperation>();
        Collect(value, bodies, leaves, new HashSet<IOperation>(), 0, cancellationToken);
        return leaves;
    }

    /// <summary>Whether every leaf of <paramref name="value"/> is a constant satisfying <paramref name="test"/> (and there is one).</summary>
    public static bool AllConstant(IReadOnlyList<IOperation> leaves, System.Func<object?, bool> test) =>
        leaves.Count > 0 && leaves.All(l => l.ConstantValue.HasValue && test(l.ConstantValue.Value));

    /// <summary>The operation under conversions.</summary>
    public static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation conversion) operation = conversion.Operand;
        return operation;
    }

    private static void Collect(IOperation? value, SourceBodies bodies, List<IOperation> leaves, HashSet<IOperation> seen, int depth, CancellationToken cancellationToken)
    {
        value = Unwrap(value);
        if (value is null) return;
        if (value.ConstantValue.HasValue || depth > MaxDepth || !seen.Add(value))
        {
            leaves.Add(value);
            return;
        }
        IEnumerable<IOperation>? next = value switch
        {
            IConditionalOperation { WhenFalse: { } whenFalse } conditional => [conditional.WhenTrue, whenFalse],
            ICoalesceOperation coalesce => [coalesce.Value, coalesce.WhenNull],
            ILocalReferenceOperation local => LocalValues(local),
            IFieldReferenceOperation field => bodies.MemberValues(field.Field, cancellationToken),
            IPropertyReferenceOperation { Arguments.Length: 0 } property => bodies.MemberValues(property.Property, cancellationToken),
            IInvocationOperation call => Returned(call, bodies, cancellationToken),
            _ => null,
        };
        List<IOperation>? list = next?.ToList();
        if (list is null || list.Count == 0)
        {
            leaves.Add(value);
            return;
        }
        foreach (IOperation operation in list) Collect(operation, bodies, leaves, seen, depth + 1, cancellationToken);
    }

    /// <summary>Every value assigned to the local in the method (or lambda) that declares it.</summary>
    private static IEnumerable<IOperation> LocalValues(ILocalReferenceOperation reference)
    {
        IOperation root = reference;
        while (root.Parent is not null) root = root.Parent;
        foreach (IOperation operation in root.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer: { } initializer } declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                    yield return initializer.Value;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                    yield return assignment.Value;
                    break;
            }
        }
    }

    /// <summary>The values a source method returns; one that returns a parameter returns the caller's argument.</summary>
    private static IEnumerable<IOperation> Returned(IInvocationOperation call, SourceBodies bodies, CancellationToken cancellationToken)
    {
        if (call.TargetMethod.ReturnsVoid) yield break;
        foreach (IOperation returned in SourceBodies.Returned(bodies.Body(call.TargetMethod, cancellationToken)))
        {
            if (Unwrap(returned) is IParameterReferenceOperation parameter &&
                call.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter?.OriginalDefinition, parameter.Parameter.OriginalDefinition)) is { } argument)
            {
                yield return argument.Value;
            }
            else
            {
                yield return returned;
            }
        }
    }
}
