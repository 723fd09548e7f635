using Microsoft.CodeAnalysis;

namespace NormReg.Analyzers.Flow;

/// <summary>Where a rule on a followed value reports: at the value when it is written at the call, otherwise at the call's argument.</summary>
internal static class Anchor
{
    public static Location Of(IOperation leaf, IOperation argument) =>
        leaf.Syntax.SyntaxTree == argument.Syntax.SyntaxTree && argument.Syntax.Span.Contains(leaf.Syntax.Span)
            ? leaf.Syntax.GetLocation()
            : argument.Syntax.GetLocation();
}
