using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace NormReg.Generators.Tests.Infrastructure;

/// <summary>
/// Reads <c>{|NRG001:text|}</c> markers (the Microsoft.CodeAnalysis.Testing convention): the source without
/// them, and the expected diagnostic ID and span of each.
/// </summary>
internal static partial class Markup
{
    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var expected = new List<(string, TextSpan)>();
        var source = new StringBuilder();
        var open = new Stack<(string Id, int Start)>();
        int i = 0;
        while (i < markup.Length)
        {
            Match start = Open().Match(markup, i);
            if (start.Success && start.Index == i)
            {
                open.Push((start.Groups[1].Value, source.Length));
                i += start.Length;
            }
            else if (open.Count > 0 && string.CompareOrdinal(markup, i, "|}", 0, 2) == 0)
            {
                (string id, int begin) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(begin, source.Length)));
                i += 2;
            }
            else
            {
                source.Append(markup[i++]);
            }
        }
        return (source.ToString(), expected);
    }

    [GeneratedRegex(@"\{\|(NRG\d{3}):")]
    private static partial Regex Open();
}
