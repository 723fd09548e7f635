using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NormReg.CodeFixes;

/// <summary>Edits of attribute rows on a class declaration that keep its layout.</summary>
internal static class RowEdits
{
    /// <summary>Removes <paramref name="attribute"/>, and its list when it was the only one in it.</summary>
    public static SyntaxNode Remove(SyntaxNode root, AttributeSyntax attribute)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count > 1) return root.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));
        // The row's own line goes; a comment above it stays.
        bool commented = list.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia));
        return root.RemoveNode(list, (commented ? SyntaxRemoveOptions.KeepLeadingTrivia : SyntaxRemoveOptions.KeepNoTrivia) | SyntaxRemoveOptions.KeepUnbalancedDirectives)!;
    }

    /// <summary>
    /// Moves <paramref name="attribute"/> into a row of its own right after the attribute list that contains
    /// position <paramref name="after"/>, on the same class declaration.
    /// </summary>
    public static SyntaxNode MoveAfter(SyntaxNode root, AttributeSyntax attribute, int after)
    {
        var declaration = attribute.FirstAncestorOrSelf<TypeDeclarationSyntax>()!;
        SyntaxList<AttributeListSyntax> lists = declaration.AttributeLists;
        AttributeListSyntax source = (AttributeListSyntax)attribute.Parent!;
        AttributeListSyntax target = lists.First(l => l.Span.Contains(after));
        SyntaxTriviaList indentation = SyntaxFactory.TriviaList(target.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault());
        AttributeListSyntax moved = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute.WithoutTrivia()))
            .WithLeadingTrivia(indentation)
            .WithTrailingTrivia(target.GetTrailingTrivia());

        int sourceIndex = lists.IndexOf(source), targetIndex = lists.IndexOf(target);
        if (source.Attributes.Count == 1)
        {
            lists = lists.RemoveAt(sourceIndex);
            if (sourceIndex < targetIndex) targetIndex--;
        }
        else
        {
            lists = lists.Replace(source, source.WithAttributes(source.Attributes.Remove(attribute)));
        }
        lists = lists.Insert(targetIndex + 1, moved);
        return root.ReplaceNode(declaration, declaration.WithAttributeLists(lists));
    }
}
