using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NormReg.CodeFixes;

/// <summary>
/// Edits of attribute rows on a class declaration that keep its layout and its build: preprocessor lines and comments
/// above a row stay where they are, a row's trailing comment travels with it, and a network written as one attribute
/// list is edited inside that list.
/// </summary>
internal static class RowEdits
{
    /// <summary>Removes <paramref name="attribute"/>, and its list when it was the only one in it.</summary>
    public static SyntaxNode Remove(SyntaxNode root, AttributeSyntax attribute)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count > 1) return root.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));
        if (list.Parent is TypeDeclarationSyntax declaration && declaration.AttributeLists.IndexOf(list) is > 0 and int index
            && SharesLineWithPrevious(declaration.AttributeLists, index))
        {
            // Behind another row ([Dense(4)] [Softmax]): the line end stays, so that what follows keeps its own line.
            return root.ReplaceNode(declaration, declaration.WithAttributeLists(RemoveList(declaration.AttributeLists, index)));
        }
        // The row's own line goes; a comment above it stays, and so does every preprocessor line (#region, #if).
        bool commented = list.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia));
        return root.RemoveNode(list, (commented ? SyntaxRemoveOptions.KeepLeadingTrivia : SyntaxRemoveOptions.KeepNoTrivia) | SyntaxRemoveOptions.KeepDirectives)!;
    }

    /// <summary>Moves <paramref name="attribute"/> right after <paramref name="anchor"/>, a row of the same class declaration.</summary>
    public static SyntaxNode MoveAfter(SyntaxNode root, AttributeSyntax attribute, AttributeSyntax anchor)
    {
        var declaration = attribute.FirstAncestorOrSelf<TypeDeclarationSyntax>()!;
        SyntaxList<AttributeListSyntax> lists = declaration.AttributeLists;
        var source = (AttributeListSyntax)attribute.Parent!;
        var target = (AttributeListSyntax)anchor.Parent!;
        int sourceIndex = lists.IndexOf(source), targetIndex = lists.IndexOf(target);
        int anchorIndex = target.Attributes.IndexOf(anchor);
        AttributeSyntax moved = attribute.WithoutTrivia();

        if (source == target)
        {
            // One list (e.g. a whole network written as [Network, Input(4), Dense(8), Dropout(0.5), BatchNorm, …]): reorder inside it.
            int from = source.Attributes.IndexOf(attribute);
            SeparatedSyntaxList<AttributeSyntax> attributes = source.Attributes.RemoveAt(from);
            attributes = attributes.Insert(anchorIndex + (from < anchorIndex ? 0 : 1), moved);
            return root.ReplaceNode(source, source.WithAttributes(attributes));
        }

        bool intoTarget = anchorIndex < target.Attributes.Count - 1;
        AttributeListSyntax? newList = null;
        if (intoTarget)
        {
            lists = lists.Replace(target, target.WithAttributes(target.Attributes.Insert(anchorIndex + 1, moved)));
        }
        else
        {
            SyntaxTriviaList indentation = SyntaxFactory.TriviaList(target.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault());
            // A row alone on its list takes its trailing comment along; one taken out of a shared list takes the line end only.
            SyntaxTriviaList trailing = source.Attributes.Count == 1
                ? source.GetTrailingTrivia()
                : SyntaxFactory.TriviaList(target.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia) || t.IsKind(SyntaxKind.EndOfLineTrivia)));
            newList = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(moved)).WithLeadingTrivia(indentation).WithTrailingTrivia(trailing);
        }

        if (source.Attributes.Count == 1)
        {
            lists = RemoveList(lists, sourceIndex);
            if (sourceIndex < targetIndex) targetIndex--;
        }
        else
        {
            lists = lists.Replace(lists[sourceIndex], source.WithAttributes(source.Attributes.Remove(attribute)));
        }
        if (newList is not null) lists = lists.Insert(targetIndex + 1, newList);
        return root.ReplaceNode(declaration, declaration.WithAttributeLists(lists));
    }

    /// <summary>
    /// Inserts the row <paramref name="row"/> right before <paramref name="attribute"/>: inside its list when it is not the
    /// list's first row, otherwise as a list of its own on the row's line (behind the previous row, when the rows share a
    /// line) or on a line of its own above it, taking what stands above the row (comments, #if) with it.
    /// </summary>
    public static SyntaxNode InsertBefore(SyntaxNode root, AttributeSyntax attribute, AttributeSyntax row)
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        int index = list.Attributes.IndexOf(attribute);
        if (index > 0) return root.ReplaceNode(list, list.WithAttributes(list.Attributes.Insert(index, row)));
        var declaration = (TypeDeclarationSyntax)list.Parent!;
        SyntaxList<AttributeListSyntax> lists = declaration.AttributeLists;
        int position = lists.IndexOf(list);
        SyntaxTriviaList leading = list.GetLeadingTrivia();
        // Brackets without elastic trivia: the formatter would otherwise put the new row on a line of its own.
        AttributeListSyntax inserted = SyntaxFactory.AttributeList(
            SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.OpenBracketToken, SyntaxFactory.TriviaList()),
            null, SyntaxFactory.SingletonSeparatedList(row.WithoutTrivia()),
            SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.CloseBracketToken, SyntaxFactory.TriviaList()));
        if (SharesLineWithPrevious(lists, position))
        {
            inserted = inserted.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.Space);
        }
        else
        {
            // The row's indentation is what follows the last line end above it (all of it, when the row starts the declaration's first line).
            SyntaxTriviaList indentation = SyntaxFactory.TriviaList(leading.Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse());
            SyntaxTrivia lineEnd = lists[position == 0 ? 0 : position - 1].GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            inserted = inserted.WithLeadingTrivia(leading).WithTrailingTrivia(lineEnd.IsKind(SyntaxKind.EndOfLineTrivia) ? lineEnd : SyntaxFactory.LineFeed);
            lists = lists.Replace(list, list.WithLeadingTrivia(indentation));
        }
        return root.ReplaceNode(declaration, declaration.WithAttributeLists(lists.Insert(position, inserted)));
    }

    /// <summary>
    /// Removes a list; what stands above it on its own lines (#region, #if, comments) goes to the next list, or the
    /// declaration. A list behind another row on its line leaves that row the line end: without it the row would run
    /// into the next line, and a #endif or #endregion there would no longer start its line.
    /// </summary>
    private static SyntaxList<AttributeListSyntax> RemoveList(SyntaxList<AttributeListSyntax> lists, int index)
    {
        AttributeListSyntax removed = lists[index];
        SyntaxTriviaList leading = removed.GetLeadingTrivia();
        int keep = leading.Count;
        while (keep > 0 && leading[keep - 1].IsKind(SyntaxKind.WhitespaceTrivia)) keep--;
        var above = SyntaxFactory.TriviaList(leading.Take(keep));
        SyntaxTrivia lineEnd = removed.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (SharesLineWithPrevious(lists, index) && lineEnd.IsKind(SyntaxKind.EndOfLineTrivia))
        {
            SyntaxTriviaList trailing = lists[index - 1].GetTrailingTrivia();
            int end = trailing.Count;
            while (end > 0 && trailing[end - 1].IsKind(SyntaxKind.WhitespaceTrivia)) end--;
            lists = lists.Replace(lists[index - 1], lists[index - 1].WithTrailingTrivia(trailing.Take(end).Append(lineEnd)));
        }
        lists = lists.RemoveAt(index);
        if (above.Count > 0 && index < lists.Count)
        {
            lists = lists.Replace(lists[index], lists[index].WithLeadingTrivia(above.AddRange(lists[index].GetLeadingTrivia())));
        }
        return lists;
    }

    /// <summary>Whether the list at <paramref name="index"/> stands behind the previous list on the same line.</summary>
    private static bool SharesLineWithPrevious(SyntaxList<AttributeListSyntax> lists, int index) =>
        index > 0
        && !lists[index - 1].GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
        && lists[index].GetLeadingTrivia().All(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
}
