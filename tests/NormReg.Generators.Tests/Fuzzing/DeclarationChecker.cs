using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>What the generator and analyzers made of one declaration.</summary>
internal enum Outcome
{
    /// <summary>The user's code alone does not compile; the compiler's errors stand, NRG rules do not apply.</summary>
    CompilerRejected,

    /// <summary>No error-severity NRG diagnostic: the network was generated.</summary>
    Accepted,

    /// <summary>At least one error-severity NRG diagnostic.</summary>
    Rejected,
}

/// <summary>The verdict on one declaration: its outcome, every property it broke, and for an accepted one the compilation and class.</summary>
internal sealed record CheckResult(Outcome Outcome, IReadOnlyList<string> Failures, Compilation? Output, INamedTypeSymbol? Network);

/// <summary>
/// Runs the generator and every analyzer on one declaration, as the compiler would, and checks the properties
/// that hold for any input: nothing throws (generator exception, NRG000, analyzer exception or AD0001); an
/// accepted declaration compiles with its generated code without a single diagnostic; every error-severity NRG
/// diagnostic of a rejected one lies inside the declaration. Declarations built valid must be accepted and those
/// built with a mistake rejected.
/// </summary>
internal static class DeclarationChecker
{
    public static CheckResult Check(FuzzDeclaration declaration)
    {
        var failures = new List<string>();
        CSharpCompilation input = GeneratorHarness.Compile([.. declaration.Sources]);
        Diagnostic[] userDiagnostics = [.. GeneratorHarness.Visible(input)];

        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        if (run.Exception is not null) failures.Add("the generator threw " + run.Exception);

        var analyzerExceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            (exception, analyzer, _) => analyzerExceptions.Enqueue($"{analyzer.GetType().Name} threw {exception}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> analyzerDiagnostics = output.WithAnalyzers(GeneratorHarness.Analyzers, options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        failures.AddRange(analyzerExceptions);
        failures.AddRange(analyzerDiagnostics.Where(d => d.Id == "AD0001").Select(d => "analyzer exception: " + d));

        List<Diagnostic> normReg = [.. run.Diagnostics.Concat(analyzerDiagnostics).Where(d => d.Id.StartsWith("NRG", StringComparison.Ordinal))];
        failures.AddRange(normReg.Where(d => d.Id == "NRG000").Select(d => "internal error: " + d));

        if (userDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            if (declaration.Expected != Expectation.Unknown) failures.Add("the fuzzer wrote code the compiler rejects: " + Describe(userDiagnostics));
            // Whatever the generator made of code the compiler rejects, it adds no error of its own.
            string[] before = [.. userDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())];
            Diagnostic[] extra = [.. GeneratorHarness.Visible(output).Where(d => d.Severity == DiagnosticSeverity.Error && !before.Contains(d.ToString()))];
            if (extra.Length > 0) failures.Add("the generated code adds errors to code the compiler rejects: " + Describe(extra));
            if (declaration.Shape == HalfTypedText.Shape && (run.GeneratedSources.Length > 0 || !run.Diagnostics.IsEmpty))
            {
                failures.Add($"a half-typed declaration got {run.GeneratedSources.Length} files and diagnostics {Describe(run.Diagnostics)}");
            }
            return new CheckResult(Outcome.CompilerRejected, failures, null, null);
        }
        if (userDiagnostics.Length > 0) failures.Add("the fuzzer wrote code with warnings: " + Describe(userDiagnostics));

        List<Diagnostic> errors = [.. normReg.Where(d => d.Severity == DiagnosticSeverity.Error)];
        if (errors.Count > 0)
        {
            List<(SyntaxTree Tree, TextSpan Span)> spans = DeclarationSpans(input, declaration.TypeName);
            // The generator's diagnostics carry a file path and span, not a tree.
            foreach (Diagnostic error in errors.Where(e => !spans.Any(s => e.Location.GetLineSpan().Path == s.Tree.FilePath && s.Span.Contains(e.Location.SourceSpan))))
            {
                failures.Add($"{error.Id} lies outside the declaration: {error}");
            }
            if (declaration.Expected == Expectation.Accepted) failures.Add("a valid declaration was rejected: " + Describe(errors));
            return new CheckResult(Outcome.Rejected, failures, null, null);
        }

        if (declaration.Expected == Expectation.Rejected) failures.Add("a declaration with mistakes was accepted" + (normReg.Count > 0 ? " (warnings: " + Describe(normReg) + ")" : ""));
        if (run.GeneratedSources.Length != 1) failures.Add($"{run.GeneratedSources.Length} files were generated for an accepted declaration");
        Diagnostic[] added = [.. GeneratorHarness.Visible(output)];
        if (added.Length > 0) failures.Add("the generated code does not compile cleanly: " + Describe(added));

        INamedTypeSymbol? network = output.GetSymbolsWithName(declaration.TypeName, SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .FirstOrDefault(t => t.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "NormReg.NetworkAttribute"));
        if (network is null) failures.Add("no network class " + declaration.TypeName + " in the output");
        return new CheckResult(Outcome.Accepted, failures, failures.Count == 0 ? output : null, network);
    }

    /// <summary>
    /// Where a diagnostic about the declaration may point: every partial declaration of the class, attribute lists
    /// included, and the names of the types around it (a containing type that is not partial is reported there).
    /// </summary>
    private static List<(SyntaxTree, TextSpan)> DeclarationSpans(Compilation compilation, string typeName)
    {
        var spans = new List<(SyntaxTree, TextSpan)>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            foreach (TypeDeclarationSyntax type in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.Identifier.ValueText == typeName))
            {
                spans.Add((tree, type.Span));
                spans.AddRange(type.Ancestors().OfType<TypeDeclarationSyntax>().Select(outer => (tree, outer.Identifier.Span)));
            }
        }
        return spans;
    }

    private static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("; ", diagnostics.Take(5).Select(d => d.ToString()));
}
