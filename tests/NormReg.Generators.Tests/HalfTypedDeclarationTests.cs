using System.Linq;
using Microsoft.CodeAnalysis;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// A declaration still being typed gets no generated file and no NRG diagnostic: the compiler's own errors are all
/// the user sees, and typing the rest of the header makes the network appear.
/// </summary>
public sealed class HalfTypedDeclarationTests
{
    private const string Usings = "using NormReg;\nnamespace App;\n";

    [Theory]
    [InlineData("NoName", "[Network] [Input(2)] [Dense(3)] public partial class ;")]
    [InlineData("NoNameNoSemicolon", "[Network] [Input(2)] [Dense(3)] public partial class")]
    [InlineData("TypeParameterMissing", "[Network] [Input(2)] [Dense(3)] public partial class N<T, >;")]
    [InlineData("TypeParameterListOpen", "[Network] [Input(2)] [Dense(3)] public partial class N<T;")]
    [InlineData("AttributeListOpen", "[Network] [Input(2)] [Dense(3) public partial class N;")]
    [InlineData("AttributeArgumentMissing", "[Network] [Input(2)] [Dense(3, )] public partial class N;")]
    [InlineData("NamedArgumentHalfTyped", "[Network] [Input(2)] [Dense(3, Name = )] public partial class N;")]
    [InlineData("BaseListOpen", "[Network] [Input(2)] [Dense(3)] public partial class N : ;")]
    [InlineData("ConstraintHalfTyped", "[Network] [Input(2)] [Dense(3)] public partial class N<T> where T : ;")]
    [InlineData("OuterHeaderHalfTyped", "public partial class Outer< { [Network] [Input(2)] [Dense(3)] public partial class N; }")]
    [InlineData("BraceNotClosed", "[Network] [Input(2)] [Dense(3)] public partial class N {")]
    public void Get_no_generated_file_and_no_added_error(string name, string source)
    {
        Compilation input = GeneratorHarness.Compile(Usings + source);
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)input);

        Assert.True(input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error), name + ": the case must not compile on its own");
        if (name != "BraceNotClosed") Assert.Empty(result.GeneratedSources);
        Assert.Empty(result.Diagnostics.Select(d => $"{name}: {d}"));
        // Whatever was generated adds no error of its own.
        Assert.Equal(Errors(input), Errors(output));
    }

    [Fact]
    public void The_finished_declaration_generates()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(Usings + "[Network] [Input(2)] [Dense(3)] public partial class N<T>;"));

        Assert.Single(result.GeneratedSources);
    }

    private static string[] Errors(Compilation compilation) =>
        [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).Order()];
}
