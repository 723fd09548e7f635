using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>
/// Writes a <see cref="DeclarationShape"/> as C#: namespace, containing types, doc comments (so a valid
/// declaration compiles without warnings at level 9999 with documentation on), and the attribute rows in
/// randomly grouped attribute lists, spelled short, with the <c>Attribute</c> suffix or fully qualified.
/// </summary>
internal sealed class DeclarationWriter(RowGenerator rows)
{
    public List<string> Write(DeclarationShape shape)
    {
        var files = new List<string> { File(shape, secondFile: false) };
        if (shape.HasSecondPart && shape.SecondPartInOtherFile) files.Add(File(shape, secondFile: true));
        return files;
    }

    private string File(DeclarationShape shape, bool secondFile)
    {
        var text = new StringBuilder();
        // Keyword type names (@class) are lower-case on purpose.
        if (shape.Name.StartsWith('@') || shape.NamespaceName.Contains('@')) text.Append("#pragma warning disable CS8981\n");
        text.Append("using NormReg;\n\n");
        int close = 0;
        switch (shape.Namespace)
        {
            case NamespaceStyle.FileScoped:
                text.Append($"namespace {shape.NamespaceName};\n\n");
                break;
            case NamespaceStyle.Block:
                text.Append($"namespace {shape.NamespaceName}\n{{\n");
                close++;
                break;
            case NamespaceStyle.NestedBlocks:
                text.Append($"namespace {shape.NamespaceName}\n{{\nnamespace Inner\n{{\n");
                close += 2;
                break;
        }
        if (!secondFile) foreach (string type in shape.Preamble) text.Append(type).Append('\n');
        foreach (Container container in shape.Containers)
        {
            // Documented once: a second file repeats only the declaration.
            if (!secondFile) text.Append(Doc("A type around the network.", container.TypeParameters, null));
            text.Append(container.Header).Append("\n{\n");
            close++;
        }
        if (!secondFile) text.Append(Part(shape, first: true));
        if (shape.HasSecondPart && shape.SecondPartInOtherFile == secondFile) text.Append(Part(shape, first: false));
        text.Append(string.Concat(Enumerable.Repeat("}\n", close)));
        return text.ToString();
    }

    private string Part(DeclarationShape shape, bool first)
    {
        var text = new StringBuilder();
        bool network = shape.NetworkAttribute is not null && first != shape.NetworkOnSecondPart;
        text.Append(Doc(first ? "A fuzzed network." : "More of the fuzzed network.", first ? shape.TypeParameters : [], first ? shape.PrimaryParameter : null));
        var entries = new List<string>();
        if (network) entries.Add(shape.NetworkAttribute!);
        entries.AddRange((first ? shape.Rows : shape.SecondPartRows).Select(Row));
        text.Append(AttributeLists(entries));

        string typeParameters = shape.TypeParameters.Count > 0 ? "<" + string.Join(", ", shape.TypeParameters) + ">" : "";
        if (first && shape.BaseClass is { } baseClass) typeParameters += " : " + baseClass;
        string modifiers = first ? shape.Modifiers : "";
        text.Append($"{modifiers}{(shape.IsPartial ? "partial " : "")}{shape.Keyword} {shape.Name}{typeParameters}");
        if (first && shape.PrimaryParameter is { } parameter)
        {
            bool record = shape.Keyword.StartsWith("record", StringComparison.Ordinal);
            text.Append($"(int {parameter.ToLowerInvariant()})");
            text.Append(first ? shape.Constraints : "");
            text.Append(record ? ";\n" : $"\n{{\n    internal int {parameter} {{ get; }} = {parameter.ToLowerInvariant()};\n}}\n");
            return text.ToString();
        }
        text.Append(first ? shape.Constraints : "");
        if (first && shape.Members.Count > 0)
        {
            text.Append("\n{\n");
            foreach (string member in shape.Members) text.Append("    ").Append(member.Replace("{Name}", shape.Name, StringComparison.Ordinal)).Append('\n');
            text.Append("}\n");
            return text.ToString();
        }
        text.Append(rows.Chance(0.7) ? ";\n" : "\n{\n}\n");
        return text.ToString();
    }

    private string AttributeLists(List<string> entries)
    {
        var text = new StringBuilder();
        for (int i = 0; i < entries.Count; i++)
        {
            text.Append('[').Append(entries[i]);
            while (i + 1 < entries.Count && rows.Chance(0.3)) text.Append(", ").Append(entries[++i]);
            text.Append(']');
            // A comment ends the line.
            text.Append(rows.Chance(0.05) ? " // a row\n" : rows.Chance(0.8) ? "\n" : " ");
        }
        if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
        return text.ToString();
    }

    /// <summary>The attribute as written: <c>Dense(3, Name = "Hidden")</c>, <c>DenseAttribute(3)</c>, <c>global::NormReg.ReLU</c>…</summary>
    private string Row(FuzzRow row)
    {
        string name = rows.Random.Next(20) switch
        {
            0 or 1 => row.Kind + "Attribute",
            2 or 3 => "global::NormReg." + row.Kind,
            _ => row.Kind,
        };
        var arguments = new List<string>(row.Arguments);
        if (row.Name is not null) arguments.Add($"Name = \"{row.Name}\"");
        if (arguments.Count > 0) return $"{name}({string.Join(", ", arguments)})";
        return rows.Chance(0.1) ? name + "()" : name;
    }

    private static string Doc(string summary, IReadOnlyList<string> typeParameters, string? parameter)
    {
        var text = new StringBuilder($"/// <summary>{summary}</summary>\n");
        foreach (string t in typeParameters) text.Append($"/// <typeparam name=\"{t}\">A type parameter.</typeparam>\n");
        if (parameter is not null) text.Append($"/// <param name=\"{parameter.ToLowerInvariant()}\">A width.</param>\n");
        return text.ToString();
    }
}
