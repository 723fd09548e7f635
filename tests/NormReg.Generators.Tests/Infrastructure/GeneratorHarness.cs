using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NormReg.Analyzers;
using NormReg.Generators;

namespace NormReg.Generators.Tests.Infrastructure;

/// <summary>Compiles user code against NormReg and runs the generator and analyzers on it, as the compiler would.</summary>
internal static class GeneratorHarness
{
    /// <summary>C# 12, the default of .NET 8 projects: the oldest language the generated code must compile under.</summary>
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    public static readonly MetadataReference[] References = LoadReferences();

    /// <summary>Every analyzer the package ships.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } =
        [new RowOutsideNetworkAnalyzer(), new NetworkDesignAnalyzer(), new InferenceModeAnalyzer(), new TrainingSetupAnalyzer(), new TrainingDataAnalyzer()];

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "UserCode",
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: $"File{i}.cs")),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; fails the test if it threw.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null) throw new InvalidOperationException("The generator threw.", result.Exception);
        return (result, output);
    }

    /// <summary>Every NRG diagnostic a user would see: the generator's and the analyzers'.</summary>
    public static ImmutableArray<Diagnostic> NormRegDiagnostics(params string[] sources)
    {
        (GeneratorRunResult result, Compilation output) = Run(Compile(sources));
        ImmutableArray<Diagnostic> analyzers = output
            .WithAnalyzers(Analyzers)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return [.. result.Diagnostics.Concat(analyzers).Where(d => d.Id.StartsWith("NRG", StringComparison.Ordinal))];
    }

    /// <summary>Compiler diagnostics of the output that a user would see (warnings and errors).</summary>
    public static IEnumerable<Diagnostic> Visible(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Info);

    private static MetadataReference[] LoadReferences()
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        IEnumerable<string> framework = platform.Where(p =>
        {
            string name = Path.GetFileName(p);
            return name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll";
        });
        return [.. framework.Append(typeof(NetworkAttribute).Assembly.Location).Distinct().Select(p => MetadataReference.CreateFromFile(p))];
    }
}
