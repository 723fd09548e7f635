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

/// <summary>NRG100: a training-mode forward pass used for inference becomes an inference-mode one.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InferenceModeCodeFix)), Shared]
public sealed class InferenceModeCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.TrainingModeAtInference);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax mode) continue;
            // ForwardMode.Training keeps its qualification; any other constant expression is replaced whole.
            ExpressionSyntax inference = mode is MemberAccessExpressionSyntax access
                ? access.WithName(SyntaxFactory.IdentifierName("Inference"))
                : SyntaxFactory.ParseExpression("global::NormReg.ForwardMode.Inference").WithTriviaFrom(mode);
            context.RegisterCodeFix(
                CodeAction.Create("Use ForwardMode.Inference", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(mode, inference))), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }
}
