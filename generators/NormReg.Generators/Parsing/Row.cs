using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Generators.Model;

namespace NormReg.Generators.Parsing;

/// <summary>One DSL attribute with its syntax, in declaration order. Lives only inside parsing and analysis.</summary>
internal sealed class Row(AttributeData data, AttributeSyntax syntax, RowKind kind, LayerKind layer, ModifierKind modifier)
{
    public AttributeData Data { get; } = data;
    public AttributeSyntax Syntax { get; } = syntax;
    public RowKind Kind { get; } = kind;
    public LayerKind Layer { get; } = layer;
    public ModifierKind Modifier { get; } = modifier;

    /// <summary>The attribute as written, whitespace collapsed: <c>Dense(64)</c>.</summary>
    public string Inner => string.Join(" ", Syntax.ToString().Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The attribute in brackets, as one row: <c>[Dense(64)]</c>.</summary>
    public string Text => "[" + Inner + "]";

    /// <summary>The attribute's short name: <c>Dense</c>.</summary>
    public string Name => Data.AttributeClass!.Name.Substring(0, Data.AttributeClass.Name.Length - "Attribute".Length);

    public Location Location => Syntax.GetLocation();

    /// <summary>The location of positional argument <paramref name="index"/>, or of the whole attribute.</summary>
    public Location ArgumentLocation(int index) =>
        Syntax.ArgumentList is { } list && list.Arguments.Count > index ? list.Arguments[index].GetLocation() : Location;

    /// <summary>The location of named argument <paramref name="name"/>, or of the whole attribute.</summary>
    public Location NamedArgumentLocation(string name)
    {
        foreach (AttributeArgumentSyntax argument in Syntax.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == name) return argument.GetLocation();
        }
        return Location;
    }

    public T Named<T>(string name, T fallback)
    {
        foreach (var pair in Data.NamedArguments)
        {
            if (pair.Key == name && pair.Value.Value is T value) return value;
        }
        return fallback;
    }

    public object? Positional(int index) =>
        Data.ConstructorArguments.Length > index ? Data.ConstructorArguments[index].Value : null;

    public double PositionalDouble(int index) =>
        System.Convert.ToDouble(Positional(index), System.Globalization.CultureInfo.InvariantCulture);
}
