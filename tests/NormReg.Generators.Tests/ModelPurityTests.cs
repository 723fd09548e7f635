using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using NormReg.Generators.Emitting;
using NormReg.Generators.Model;
using NormReg.Generators.Planning;

namespace NormReg.Generators.Tests;

/// <summary>
/// The cached pipeline values hold only plain data: no symbol, syntax node, compilation or location that
/// would pin a compilation in memory and break caching.
/// </summary>
public sealed class ModelPurityTests
{
    [Theory]
    [InlineData(typeof(ParseResult))]
    [InlineData(typeof(ExecutionPlan))]
    [InlineData(typeof(GeneratedSource))]
    public void Pipeline_values_hold_only_plain_data(Type root)
    {
        var offending = new List<string>();
        Walk(root, new HashSet<Type>(), offending, root.Name);

        Assert.Empty(offending);
    }

    private static void Walk(Type type, HashSet<Type> seen, List<string> offending, string path)
    {
        if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string)) return;
        if (type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true)
        {
            // Plain value structs of integers are fine; anything else from Roslyn is not.
            if (type.Name is not ("TextSpan" or "LinePositionSpan" or "LinePosition")) offending.Add($"{path}: {type.FullName}");
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
        {
            Walk(type.GetGenericArguments()[0], seen, offending, path + "[]");
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Nullable<>))
        {
            Walk(type.GetGenericArguments()[0], seen, offending, path);
            return;
        }
        if (type.Namespace?.StartsWith("NormReg.Generators", StringComparison.Ordinal) != true)
        {
            offending.Add($"{path}: {type.FullName} is not a model type");
            return;
        }
        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.FieldType, seen, offending, $"{path}.{field.Name}");
        }
    }
}
