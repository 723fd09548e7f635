using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NormReg.Generators.Tests.Infrastructure;

/// <summary>
/// Applies a code fix as the IDE would: diagnostics of the generator and of the analyzers on its output compilation, then either the
/// one fix offered for the first diagnostic, or the fixer's Fix All provider over the whole document.
/// </summary>
internal static class CodeFixHarness
{
    public static async Task<string> ApplyAsync(CodeFixProvider fixer, string source, string id, bool fixAll = false)
    {
        using var workspace = new AdhocWorkspace();
        Document document = workspace.AddProject("UserCode", LanguageNames.CSharp)
            .WithParseOptions(GeneratorHarness.ParseOptions)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
            .WithMetadataReferences(GeneratorHarness.References)
            .AddDocument("File0.cs", source);
        ImmutableArray<Diagnostic> diagnostics = await DiagnosticsAsync(document, id);
        Assert.NotEmpty(diagnostics);

        CodeAction action;
        if (fixAll)
        {
            var context = new FixAllContext(document, fixer, FixAllScope.Document, id, [id], new Diagnostics(diagnostics), CancellationToken.None);
            action = (await fixer.GetFixAllProvider()!.GetFixAsync(context))!;
        }
        else
        {
            var actions = new List<CodeAction>();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None));
            action = Assert.Single(actions);
        }
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
        Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Document document, string id)
    {
        var compilation = (CSharpCompilation)(await document.Project.GetCompilationAsync())!;
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generated);
        ImmutableArray<Diagnostic> all = await output.WithAnalyzers(GeneratorHarness.Analyzers).GetAnalyzerDiagnosticsAsync();
        return [.. all.Concat(generated).Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start)];
    }

    private sealed class Diagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
