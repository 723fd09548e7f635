using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NormReg.Analyzers.Flow;

/// <summary>
/// The operation trees of members declared in the compilation, bound once each: method bodies (to follow a call into a
/// helper), field and property initializers and every assignment to a field or property in its type (to follow a value).
/// One instance lives for one compilation's analysis.
/// </summary>
internal sealed class SourceBodies(Compilation compilation)
{
    private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new();
    private readonly ConcurrentDictionary<ISymbol, IOperation?> _bodies = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<ISymbol, IReadOnlyList<IOperation>> _memberValues = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<ISymbol, ControlFlowGraph?> _graphs = new(SymbolEqualityComparer.Default);

    public Compilation Compilation { get; } = compilation;

    /// <summary>The semantic model of a tree of this compilation, created once.</summary>
    public SemanticModel Model(SyntaxTree tree) =>
#pragma warning disable RS1030 // Values are followed into other files of the compilation; the models are cached per tree for this analysis.
        _models.GetOrAdd(tree, t => Compilation.GetSemanticModel(t));
#pragma warning restore RS1030

    /// <summary>The body of a method declared in source (block or expression body), or <see langword="null"/>.</summary>
    public IOperation? Body(IMethodSymbol method, CancellationToken cancellationToken) =>
        _bodies.GetOrAdd(method.OriginalDefinition, m =>
        {
            if (m.DeclaringSyntaxReferences.Length != 1) return null;
            SyntaxNode syntax = m.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            if (syntax is not (BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax)) return null;
            if (!Compilation.ContainsSyntaxTree(syntax.SyntaxTree)) return null;
            return Model(syntax.SyntaxTree).GetOperation(syntax, cancellationToken);
        });

    /// <summary>The control-flow graph of a method declared in source, or <see langword="null"/>.</summary>
    public ControlFlowGraph? Graph(IMethodSymbol method, CancellationToken cancellationToken) =>
        _graphs.GetOrAdd(method.OriginalDefinition, _ =>
            Body(method, cancellationToken) switch
            {
                IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
                IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor, cancellationToken),
                IBlockOperation block => ControlFlowGraph.Create(block, cancellationToken),
                _ => null,
            });

    /// <summary>The values a field or property is given in source: its initializer, a getter's returned values, and assignments in its type.</summary>
    public IReadOnlyList<IOperation> MemberValues(ISymbol member, CancellationToken cancellationToken) =>
        _memberValues.GetOrAdd(member.OriginalDefinition, m => ReadMemberValues(m, cancellationToken));

    private IReadOnlyList<IOperation> ReadMemberValues(ISymbol member, CancellationToken cancellationToken)
    {
        var values = new List<IOperation>();
        foreach (SyntaxReference reference in member.DeclaringSyntaxReferences)
        {
            SyntaxNode syntax = reference.GetSyntax(cancellationToken);
            if (!Compilation.ContainsSyntaxTree(syntax.SyntaxTree)) continue;
            SemanticModel model = Model(syntax.SyntaxTree);
            switch (syntax)
            {
                case VariableDeclaratorSyntax { Initializer: { } initializer }:
                    Add(values, model.GetOperation(initializer.Value, cancellationToken));
                    break;
                case PropertyDeclarationSyntax property:
                    if (property.Initializer is { } propertyInitializer) Add(values, model.GetOperation(propertyInitializer.Value, cancellationToken));
                    if (property.ExpressionBody is { } arrow) Add(values, model.GetOperation(arrow.Expression, cancellationToken));
                    AccessorDeclarationSyntax? getter = property.AccessorList?.Accessors.FirstOrDefault(a => a.Keyword.ValueText == "get");
                    if (getter?.ExpressionBody is { } getterArrow) Add(values, model.GetOperation(getterArrow.Expression, cancellationToken));
                    if (getter?.Body is { } block) values.AddRange(Returned(model.GetOperation(block, cancellationToken)));
                    break;
            }

            // Assignments in the declaring type (constructors, setup methods): `_options = new FitOptions { … }`.
            if (syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } type) continue;
            foreach (AssignmentExpressionSyntax assignment in type.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                string? name = assignment.Left switch
                {
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                    _ => null,
                };
                if (name != member.Name || assignment.Parent is InitializerExpressionSyntax) continue;
                if (model.GetOperation(assignment, cancellationToken) is ISimpleAssignmentOperation simple && SymbolEqualityComparer.Default.Equals(Target(simple.Target), member))
                {
                    values.Add(simple.Value);
                }
            }
        }
        return values;
    }

    /// <summary>The values a method body returns, leaving out those of lambdas and local functions inside it.</summary>
    public static IEnumerable<IOperation> Returned(IOperation? body)
    {
        if (body is null) yield break;
        foreach (IReturnOperation @return in body.DescendantsAndSelf().OfType<IReturnOperation>())
        {
            if (@return.ReturnedValue is null || InNestedFunction(@return, body)) continue;
            yield return @return.ReturnedValue;
        }
    }

    private static bool InNestedFunction(IOperation operation, IOperation root)
    {
        for (IOperation? parent = operation.Parent; parent is not null && parent != root; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation) return true;
        }
        return false;
    }

    private static ISymbol? Target(IOperation target) => target switch
    {
        IFieldReferenceOperation field => field.Field.OriginalDefinition,
        IPropertyReferenceOperation property => property.Property.OriginalDefinition,
        _ => null,
    };

    private static void Add(List<IOperation> values, IOperation? value)
    {
        if (value is not null) values.Add(value);
    }
}
