using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Analyzers;
using NormReg.Generators.Diagnostics;

namespace NormReg.CodeFixes;

/// <summary>
/// Fixes on a network's rows: move dropout after the BatchNorm it precedes (NRG101), drop the bias before
/// BatchNorm (NRG102), remove an output activation the loss applies again (NRG105).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RowCodeFixes)), Shared]
public sealed class RowCodeFixes : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticIds.DropoutBeforeBatchNorm, DiagnosticIds.BiasBeforeBatchNorm, DiagnosticIds.DoubleActivation);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax attribute) continue;
            string title;
            System.Func<SyntaxNode, SyntaxNode> edit;
            switch (diagnostic.Id)
            {
                case DiagnosticIds.DropoutBeforeBatchNorm when diagnostic.Properties.TryGetValue(NetworkDesignAnalyzer.InsertAfterProperty, out string? after):
                    title = $"Move [{attribute.Name}] after the BatchNorm";
                    edit = r => RowEdits.MoveAfter(r, attribute, int.Parse(after!, CultureInfo.InvariantCulture));
                    break;
                case DiagnosticIds.BiasBeforeBatchNorm:
                    title = "Set UseBias = false";
                    edit = r => r.ReplaceNode(attribute, WithoutBias(attribute));
                    break;
                case DiagnosticIds.DoubleActivation:
                    title = $"Remove the [{attribute.Name}] row";
                    edit = r => RowEdits.Remove(r, attribute);
                    break;
                default:
                    continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => Apply(context.Document, edit, ct), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> Apply(Document document, System.Func<SyntaxNode, SyntaxNode> edit, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        return document.WithSyntaxRoot(edit(root));
    }

    /// <summary><c>[Dense(64)]</c> → <c>[Dense(64, UseBias = false)]</c>; an existing <c>UseBias = …</c> becomes <c>false</c>.</summary>
    private static AttributeSyntax WithoutBias(AttributeSyntax attribute)
    {
        LiteralExpressionSyntax no = SyntaxFactory.LiteralExpression(SyntaxKind.FalseLiteralExpression);
        AttributeArgumentListSyntax arguments = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
        AttributeArgumentSyntax? existing = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "UseBias");
        if (existing is not null) return attribute.ReplaceNode(existing.Expression, no.WithTriviaFrom(existing.Expression));
        AttributeArgumentSyntax added = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("UseBias"), SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space)),
            null, no);
        return attribute.WithArgumentList(arguments.WithArguments(arguments.Arguments.Add(added)));
    }
}
