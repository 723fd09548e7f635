using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace NormReg.CodeFixes;

/// <summary>
/// A Fix All that applies every diagnostic of a document in order of position, each on the tree the previous ones left:
/// the nodes are marked first and found again by their marks, so edits of neighbouring rows (a move and a UseBias on
/// the same network) never conflict, and the result does not depend on the order diagnostics arrive in. It fixes every
/// diagnostic ID of its fixer whatever the equivalence key, so one <c>dotnet format analyzers</c> run applies them all.
/// </summary>
internal static class SequentialFixAll
{
    /// <param name="locate">The nodes a fix edits, in the original tree; <see langword="null"/> when it does not apply.</param>
    /// <param name="apply">The edit, given the current tree and the located nodes as they are in it.</param>
    public static FixAllProvider Create(Func<SyntaxNode, Diagnostic, SyntaxNode[]?> locate, Func<SyntaxNode, Diagnostic, IReadOnlyList<SyntaxNode>, SyntaxNode> apply) =>
        FixAllProvider.Create(async (context, document, diagnostics) =>
        {
            SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return document;
            var marked = new List<(Diagnostic Diagnostic, SyntaxAnnotation[] Marks)>();
            var marks = new Dictionary<SyntaxNode, List<SyntaxAnnotation>>();
            foreach (Diagnostic diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal))
            {
                if (locate(root, diagnostic) is not { } nodes) continue;
                SyntaxAnnotation[] annotations = [.. nodes.Select(_ => new SyntaxAnnotation())];
                for (int i = 0; i < nodes.Length; i++)
                {
                    if (!marks.TryGetValue(nodes[i], out List<SyntaxAnnotation>? list)) marks[nodes[i]] = list = [];
                    list.Add(annotations[i]);
                }
                marked.Add((diagnostic, annotations));
            }
            root = root.ReplaceNodes(marks.Keys, (original, _) => original.WithAdditionalAnnotations(marks[original]));
            foreach ((Diagnostic diagnostic, SyntaxAnnotation[] annotations) in marked)
            {
                SyntaxNode?[] nodes = [.. annotations.Select(a => root.GetAnnotatedNodes(a).FirstOrDefault())];
                if (nodes.Any(n => n is null)) continue;
                root = apply(root, diagnostic, nodes!);
            }
            return document.WithSyntaxRoot(root);
        });
}
