using System.Collections.Generic;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>How a namespace wraps the declaration.</summary>
internal enum NamespaceStyle
{
    None,
    FileScoped,
    Block,
    NestedBlocks,
}

/// <summary>A type around the network class.</summary>
/// <param name="Header">Its declaration up to the brace, e.g. <c>public static partial class Outer1&lt;TOuter1&gt;</c>.</param>
/// <param name="TypeParameters">Its type parameters, for the doc comment.</param>
/// <param name="IsPartial">Whether it may be declared again in a second file.</param>
internal sealed record Container(string Header, IReadOnlyList<string> TypeParameters, bool IsPartial);

/// <summary>Everything about one declaration before it is written as C#.</summary>
internal sealed class DeclarationShape
{
    public NamespaceStyle Namespace { get; set; }
    public string NamespaceName { get; set; } = "App";
    public List<Container> Containers { get; } = [];

    /// <summary>The class name as written (<c>@class</c> for a keyword) and as the compiler sees it.</summary>
    public string Name { get; set; } = "Net";
    public string PlainName { get; set; } = "Net";

    /// <summary>Modifiers before <c>partial</c>, e.g. <c>public sealed </c>.</summary>
    public string Modifiers { get; set; } = "public ";
    public bool IsPartial { get; set; } = true;
    public string Keyword { get; set; } = "class";
    public List<string> TypeParameters { get; } = [];
    public string Constraints { get; set; } = "";

    /// <summary>A primary constructor parameter, if any (<c>Width</c>); a class keeps it in a property.</summary>
    public string? PrimaryParameter { get; set; }

    /// <summary>The <c>[Network]</c> attribute's text, or null for a class that carries rows without being a network.</summary>
    public string? NetworkAttribute { get; set; } = "Network";
    public List<FuzzRow> Rows { get; } = [];

    /// <summary>Members of the user's own in the class body; <c>{Name}</c> stands for the class name (constructors).</summary>
    public List<string> Members { get; } = [];

    /// <summary>The class's base class, if any; it is declared by one of <see cref="Preamble"/>.</summary>
    public string? BaseClass { get; set; }

    /// <summary>Types declared in the namespace before the network (base classes), each with its doc comment.</summary>
    public List<string> Preamble { get; } = [];

    /// <summary>A second partial declaration of the class, with the rows on it (possibly none).</summary>
    public bool HasSecondPart { get; set; }
    public List<FuzzRow> SecondPartRows { get; } = [];
    public bool NetworkOnSecondPart { get; set; }
    public bool SecondPartInOtherFile { get; set; }
}
