using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Generators.Diagnostics;

namespace NormReg.CodeFixes;

/// <summary>
/// NRG100: a training-mode forward pass used for inference becomes an inference-mode one. The fix is offered where
/// <c>ForwardMode.Training</c> is written at the call (or as a branch of a conditional there); a mode held in a variable,
/// field or parameter is left to the user, since rewriting the call would leave that variable unused.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InferenceModeCodeFix)), Shared]
public sealed class InferenceModeCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.TrainingModeAtInference);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.Create(Locate, Apply);

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (Locate(root, diagnostic) is not { } nodes) continue;
            context.RegisterCodeFix(
                CodeAction.Create("Use ForwardMode.Inference", _ => Task.FromResult(context.Document.WithSyntaxRoot(Apply(root, diagnostic, nodes))), equivalenceKey: nameof(InferenceModeCodeFix)),
                diagnostic);
        }
    }

    private static SyntaxNode[]? Locate(SyntaxNode root, Diagnostic diagnostic) =>
        root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Training" } mode
            ? [mode]
            : null;

    /// <summary><c>ForwardMode.Training</c> keeps its qualification and becomes <c>ForwardMode.Inference</c>.</summary>
    private static SyntaxNode Apply(SyntaxNode root, Diagnostic diagnostic, IReadOnlyList<SyntaxNode> nodes)
    {
        var mode = (MemberAccessExpressionSyntax)nodes[0];
        return root.ReplaceNode(mode, mode.WithName(SyntaxFactory.IdentifierName("Inference").WithTriviaFrom(mode.Name)));
    }
}
