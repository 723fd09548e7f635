using System.Collections.Generic;
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
/// Fixes on a network's rows: insert <c>[Flatten]</c> before a vector row on an image (NRG017), move dropout after the
/// BatchNorm it precedes (NRG101), drop the bias before BatchNorm (NRG102), remove an output activation the loss applies
/// again (NRG105). Fix All applies every fix of a
/// document one after the other on the edited tree, so fixes on neighbouring rows never conflict.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RowCodeFixes)), Shared]
public sealed class RowCodeFixes : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticIds.VectorRowOnImage, DiagnosticIds.DropoutBeforeBatchNorm, DiagnosticIds.BiasBeforeBatchNorm, DiagnosticIds.DoubleActivation);

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
            string title = diagnostic.Id switch
            {
                DiagnosticIds.DropoutBeforeBatchNorm => $"Move [{((AttributeSyntax)nodes[0]).Name}] after the BatchNorm",
                DiagnosticIds.BiasBeforeBatchNorm => "Set UseBias = false",
                DiagnosticIds.VectorRowOnImage => "Insert [Flatten] before it",
                _ => $"Remove the [{((AttributeSyntax)nodes[0]).Name}] row",
            };
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => Task.FromResult(context.Document.WithSyntaxRoot(Apply(root, diagnostic, nodes))), equivalenceKey: nameof(RowCodeFixes) + diagnostic.Id),
                diagnostic);
        }
    }

    /// <summary>The nodes a fix edits: the flagged row and, for NRG101, the row it moves after.</summary>
    private static SyntaxNode[]? Locate(SyntaxNode root, Diagnostic diagnostic)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax attribute) return null;
        if (diagnostic.Id != DiagnosticIds.DropoutBeforeBatchNorm) return [attribute];
        if (!diagnostic.Properties.TryGetValue(NetworkDesignAnalyzer.InsertAfterProperty, out string? after) || after is null) return null;
        int position = int.Parse(after, CultureInfo.InvariantCulture);
        return root.FindToken(position).Parent?.FirstAncestorOrSelf<AttributeSyntax>() is { } anchor ? [attribute, anchor] : null;
    }

    private static SyntaxNode Apply(SyntaxNode root, Diagnostic diagnostic, IReadOnlyList<SyntaxNode> nodes)
    {
        var attribute = (AttributeSyntax)nodes[0];
        return diagnostic.Id switch
        {
            DiagnosticIds.DropoutBeforeBatchNorm => RowEdits.MoveAfter(root, attribute, (AttributeSyntax)nodes[1]),
            DiagnosticIds.BiasBeforeBatchNorm => root.ReplaceNode(attribute, WithoutBias(attribute)),
            DiagnosticIds.VectorRowOnImage => RowEdits.InsertBefore(root, attribute, SyntaxFactory.Attribute(SyntaxFactory.IdentifierName("Flatten"))),
            _ => RowEdits.Remove(root, attribute),
        };
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
