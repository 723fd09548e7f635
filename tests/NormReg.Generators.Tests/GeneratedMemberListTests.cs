using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Generators.Parsing;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// The clash checks read <see cref="GeneratedMembers"/>; these tests read the names from generated code, so that a
/// member the emitter adds or renames without updating the list fails here rather than in a user's build.
/// </summary>
public sealed class GeneratedMemberListTests
{
    /// <summary>Between them, every loss, input scaling, layer kind and modifier.</summary>
    public static TheoryData<string> Networks => new()
    {
        "[Network(Loss = Loss.SoftmaxCrossEntropy)] [Input(3), ZScore] [GaussianNoise(0.1)] [Dense(4), L1L2(0.01, 0.01), MaxNorm(2)] [BatchNorm, L2(0.1)] [ReLU] [Dropout(0.2)] [Dense(3)] public partial class Net;",
        "[Network(Loss = Loss.BinaryCrossEntropy)] [Input(3), MinMax(-1, 1, Clip = true)] [LayerNorm, L1(0.1)] [Dense(4, UseBias = false)] [LeakyReLU(0.1)] [Dense(2, Name = \"Out\")] [Sigmoid] public partial class Net;",
        "[Network(Loss = Loss.MeanSquaredError)] [Input(2)] [Dense(4)] [Tanh] [Dense(4)] [GELU] [Dense(3)] [Softmax] public partial class Net;",
        "[Network(Loss = Loss.MeanSquaredError)] [Input(2)] [Dense(1)] public partial class Net;",
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Every_member_the_emitter_declares_is_in_the_list(string rows)
    {
        string source = "using NormReg;\nnamespace App;\n" + rows;
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        INamedTypeSymbol type = output.GetTypeByMetadataName("App.Net")!;
        var declaration = (TypeDeclarationSyntax)type.DeclaringSyntaxReferences.First(r => r.SyntaxTree.FilePath == "File0.cs").GetSyntax();
        var spec = NetworkParser.Parse(type, declaration, default).Network!;
        var listed = new HashSet<string>(GeneratedMembers.Members.Concat(GeneratedMembers.Fields).Concat(GeneratedMembers.ForLayers(spec.Layers).Select(n => n.Name)));

        SyntaxNode generated = result.GeneratedSources.Single().SyntaxTree.GetRoot();
        string[] declared = [.. generated.DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.Identifier.ValueText == "Net").SelectMany(Names)];

        Assert.NotEmpty(declared);
        Assert.Empty(declared.Where(n => !listed.Contains(n)).Distinct());
    }

    [Fact]
    public void The_generated_constructor_has_the_listed_parameter_types()
    {
        (_, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile("using NormReg;\nnamespace App;\n[Network] [Input(2)] [Dense(1)] public partial class Net;"));

        IMethodSymbol constructor = output.GetTypeByMetadataName("App.Net")!.InstanceConstructors.Single(c => !c.IsImplicitlyDeclared);

        Assert.Equal(GeneratedMembers.ConstructorParameters, constructor.Parameters.Select(p => p.Type.SpecialType));
    }

    [Fact]
    public void No_listed_name_is_a_member_of_object_that_users_override()
    {
        // ToString and the like are reserved for layers only: users must stay free to override them.
        Assert.Empty(GeneratedMembers.Members.Concat(GeneratedMembers.Fields).Intersect(typeof(object).GetMethods().Select(m => m.Name)));
    }

    [Fact]
    public void Every_listed_name_taken_by_a_users_member_is_refused_there()
    {
        string[] names = [.. GeneratedMembers.Members.Concat(GeneratedMembers.Fields)];
        // One compilation, one network per name, each with a method of that name.
        string source = "using NormReg;\nnamespace App;\n" + string.Concat(names.Select((name, i) =>
            $"[Network] [Input(2)] [Dense(1)] public partial class Net{i} {{ public void {name}() {{ }} }}\n"));

        var diagnostics = GeneratorHarness.NormRegDiagnostics(source);

        Assert.All(names, name => Assert.Contains(diagnostics, d => d.Id == "NRG014" && d.GetMessage().Contains($"its member '{name}'") && source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length) == name));
    }

    /// <summary>The names of the members declared directly in <paramref name="type"/>, the constructor aside.</summary>
    private static IEnumerable<string> Names(TypeDeclarationSyntax type) => type.Members.SelectMany(member => member switch
    {
        BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
        PropertyDeclarationSyntax property when property.ExplicitInterfaceSpecifier is null => [property.Identifier.ValueText],
        MethodDeclarationSyntax method when method.ExplicitInterfaceSpecifier is null => [method.Identifier.ValueText],
        BaseTypeDeclarationSyntax nested => [nested.Identifier.ValueText],
        DelegateDeclarationSyntax d => [d.Identifier.ValueText],
        _ => [],
    });
}
