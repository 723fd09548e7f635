using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NormReg.Analyzers.Flow;

/// <summary>Small readers of invocations shared by the rules.</summary>
internal static class Calls
{
    /// <summary>The argument given for <paramref name="parameter"/>, written or defaulted.</summary>
    public static IArgumentOperation? Argument(IInvocationOperation call, string parameter) =>
        call.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameter);

    /// <summary>The argument written for <paramref name="parameter"/>; <see langword="null"/> when it was left to its default.</summary>
    public static IOperation? Explicit(IInvocationOperation call, string parameter) =>
        call.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameter && a.ArgumentKind != ArgumentKind.DefaultValue)?.Value;

    /// <summary>The network a call runs on: its receiver, or the first argument of an extension method such as Fit.</summary>
    public static IOperation? Receiver(IInvocationOperation call) =>
        call.Instance ?? (call.TargetMethod.IsExtensionMethod ? call.Arguments.FirstOrDefault()?.Value : null);

    /// <summary>
    /// The local, parameter, field or property an expression stands for, through conversions, slices and calls such as
    /// <c>AsSpan</c>; <c>this</c> (written or implicit) stands for its type.
    /// </summary>
    public static ISymbol? Referenced(IOperation? operation)
    {
        switch (ValueSources.Unwrap(operation))
        {
            case null: return null;
            case ILocalReferenceOperation local: return local.Local;
            case IParameterReferenceOperation parameter: return parameter.Parameter;
            case IFieldReferenceOperation field: return field.Field;
            case IPropertyReferenceOperation { Arguments.Length: 0 } property: return property.Property;
            case IInstanceReferenceOperation instance: return instance.Type;
            case IInvocationOperation invocation: return Referenced(invocation.Instance ?? invocation.Arguments.FirstOrDefault()?.Value);
            case var other:
                // Slices (y[..k], y.AsSpan()[a..b]) and other wrappers: the first variable inside.
                foreach (IOperation inner in other.Descendants())
                {
                    if (inner is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IInstanceReferenceOperation) return Referenced(inner);
                }
                return null;
        }
    }

    /// <summary>Whether <paramref name="operation"/> refers to <paramref name="symbol"/> itself (not through a call).</summary>
    public static bool RefersTo(IOperation operation, ISymbol symbol) => operation switch
    {
        ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, symbol),
        IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol),
        IFieldReferenceOperation field => SymbolEqualityComparer.Default.Equals(field.Field, symbol),
        IPropertyReferenceOperation property => SymbolEqualityComparer.Default.Equals(property.Property, symbol),
        _ => false,
    };
}
