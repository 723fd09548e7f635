using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>
/// Turns a valid declaration into one still being typed: the class name, a type parameter, a closing bracket, a base
/// type or an argument not typed yet. The compiler rejects it; the generator must add no file and no diagnostic.
/// </summary>
internal static class HalfTypedText
{
    /// <summary>The <see cref="FuzzDeclaration.Shape"/> of such declarations.</summary>
    public const string Shape = "half-typed";

    /// <summary><paramref name="source"/> with the header of class <paramref name="name"/> (as written) not fully typed; the mistake goes to <paramref name="mistakes"/>.</summary>
    public static string Corrupt(string source, string name, RowGenerator rows, List<string> mistakes)
    {
        Match header = Regex.Match(source, @"partial (?:record class|record|class) (?<name>" + Regex.Escape(name) + @")(?![\w])");
        if (!header.Success) return source;
        int end = header.Index + header.Length;
        switch (rows.Random.Next(5))
        {
            case 0:
                mistakes.Add("no class name yet");
                return source[..header.Groups["name"].Index] + source[header.Groups["name"].EndIndex()..];
            case 1:
                mistakes.Add("a type parameter not typed yet");
                return source[..end] + (source[end] == '<' ? "<, " + source[(end + 1)..] : "<T, >" + source[end..]);
            case 2:
                mistakes.Add("a base type not typed yet");
                int brace = source.IndexOfAny([';', '{', '('], end);
                return source[..brace] + " : " + source[brace..];
            case 3:
                int close = source.LastIndexOf(']', header.Index);
                if (close < 0) goto default;
                mistakes.Add("an attribute list not closed yet");
                return source[..close] + source[(close + 1)..];
            default:
                int open = source.IndexOf("Input(", System.StringComparison.Ordinal);
                if (open < 0) goto case 0;
                mistakes.Add("an argument not typed yet");
                return source[..(open + 6)] + ", " + source[(open + 6)..];
        }
    }

    private static int EndIndex(this Group group) => group.Index + group.Length;
}
