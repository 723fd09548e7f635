using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NormReg.Generators.Parsing;

/// <summary>
/// Whether a declaration is still being typed: a syntax error in the header of the network class (its attribute
/// lists, modifiers, name, type parameters, base list or constraints), in the header of a type around it, or in the
/// name of a namespace around it. The body may hold errors; the generated code does not depend on it.
/// </summary>
internal static class HalfTyped
{
    /// <summary>True when <paramref name="declaration"/> or what encloses it has a syntax error where the generated code would repeat it.</summary>
    public static bool IsHalfTyped(TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        if (HasError(declaration, Header(declaration), cancellationToken)) return true;
        foreach (SyntaxNode outer in declaration.Ancestors())
        {
            switch (outer)
            {
                case TypeDeclarationSyntax type when HasError(type, Header(type), cancellationToken):
                case BaseNamespaceDeclarationSyntax ns when HasError(ns.Name, ns.Name.Span, cancellationToken):
                    return true;
            }
        }
        return false;
    }

    /// <summary>From the first attribute up to the opening brace, or to the end when there is none (<c>partial class N;</c> or not typed yet).</summary>
    private static TextSpan Header(TypeDeclarationSyntax type) =>
        TextSpan.FromBounds(type.SpanStart, type.OpenBraceToken.Span.Length > 0 ? type.OpenBraceToken.SpanStart : type.Span.End);

    private static bool HasError(SyntaxNode node, TextSpan span, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return node.ContainsDiagnostics && node.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error && span.IntersectsWith(d.Location.SourceSpan));
    }
}
