using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>What became of each declaration of a set, and every property the set broke.</summary>
internal sealed record SetVerdict(DeclarationSet Set, bool CompilerRejected, IReadOnlyList<Outcome> Outcomes, IReadOnlyList<string> Failures);

/// <summary>
/// Runs the generator once on a whole <see cref="DeclarationSet"/> and checks: it does not throw and reports no
/// NRG000; every NRG error lies inside one declaration, which is then refused; every other declaration is generated,
/// under a file name no other file has even to a case-insensitive, normalizing file system, with its members in the
/// class; the whole output compiles without a diagnostic; declarations built valid are accepted, those built with
/// mistakes refused.
/// </summary>
internal static class DeclarationSetChecker
{
    public static SetVerdict Check(DeclarationSet set)
    {
        var failures = new List<string>();
        CSharpCompilation input = GeneratorHarness.Compile([.. set.Sources]);
        Diagnostic[] user = [.. GeneratorHarness.Visible(input)];
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        if (run.Exception is not null) failures.Add("the generator threw " + run.Exception);
        failures.AddRange(run.Diagnostics.Where(d => d.Id == "NRG000").Select(d => "internal error: " + d));
        if (user.Length > 0)
        {
            failures.Add("the fuzzer wrote code the compiler does not accept cleanly: " + Describe(user));
            return new SetVerdict(set, true, [], failures);
        }

        List<Diagnostic> errors = [.. run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
        var outcomes = new List<Outcome>();
        var spans = set.Members.Select(m => Spans(input, set, m)).ToList();
        foreach (Diagnostic error in errors.Where(e => !spans.Any(s => s.Any(span => Inside(e, span)))))
        {
            failures.Add($"{error.Id} lies outside every declaration: {error}");
        }
        for (int i = 0; i < set.Members.Count; i++)
        {
            SetMember member = set.Members[i];
            if (spans[i].Count == 0) failures.Add($"the declaration of {member.TypeName} was not found");
            bool refused = errors.Any(e => spans[i].Any(span => Inside(e, span)));
            outcomes.Add(refused ? Outcome.Rejected : Outcome.Accepted);
            if (refused && member.Expected == Expectation.Accepted) failures.Add($"valid {member.TypeName} was refused: {Describe(errors.Where(e => spans[i].Any(span => Inside(e, span))))}");
            if (!refused && member.Expected == Expectation.Rejected) failures.Add($"{member.TypeName}, built with mistakes, was accepted");
            if (!refused && Symbol(output, spans[i]) is { } type && type.GetMembers("Predict").IsEmpty) failures.Add($"accepted {type} has no generated Predict");
        }

        int accepted = outcomes.Count(o => o == Outcome.Accepted);
        if (run.GeneratedSources.Length != accepted) failures.Add($"{run.GeneratedSources.Length} files generated for {accepted} accepted declarations");
        string[] keys = [.. run.GeneratedSources.Select(s => FileSystemKey(s.HintName))];
        if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Length) failures.Add("file names collide: " + string.Join(", ", run.GeneratedSources.Select(s => s.HintName)));
        Diagnostic[] added = [.. GeneratorHarness.Visible(output)];
        if (added.Length > 0) failures.Add("the generated code does not compile cleanly: " + Describe(added));
        return new SetVerdict(set, false, outcomes, failures);
    }

    /// <summary>The network class's declarations in the member's files, and the names of the types around them.</summary>
    private static List<(string Path, TextSpan Span)> Spans(Compilation compilation, DeclarationSet set, SetMember member)
    {
        var spans = new List<(string, TextSpan)>();
        foreach (int file in member.Files)
        {
            SyntaxTree tree = compilation.SyntaxTrees.ElementAt(file);
            foreach (TypeDeclarationSyntax type in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.Identifier.ValueText == member.TypeName))
            {
                spans.Add((tree.FilePath, type.Span));
                spans.AddRange(type.Ancestors().OfType<TypeDeclarationSyntax>().Select(outer => (tree.FilePath, outer.Identifier.Span)));
            }
        }
        return spans;
    }

    private static INamedTypeSymbol? Symbol(Compilation output, List<(string Path, TextSpan Span)> spans)
    {
        (string path, TextSpan span) = spans.FirstOrDefault();
        SyntaxTree? tree = output.SyntaxTrees.FirstOrDefault(t => t.FilePath == path);
        if (tree?.GetRoot().FindNode(span) is not TypeDeclarationSyntax node) return null;
        return output.GetSemanticModel(tree).GetDeclaredSymbol(node) as INamedTypeSymbol;
    }

    private static bool Inside(Diagnostic diagnostic, (string Path, TextSpan Span) span) =>
        diagnostic.Location.GetLineSpan().Path == span.Path && span.Span.Contains(diagnostic.Location.SourceSpan);

    /// <summary>How a case-insensitive file system that normalizes Unicode (macOS) compares names.</summary>
    private static string FileSystemKey(string name) =>
        new string([.. name.Normalize(NormalizationForm.FormD).Where(c => CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.Format))]).ToUpperInvariant();

    private static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join("; ", diagnostics.Take(5).Select(d => d.ToString()));
}
