using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormReg.Generators.Model;
using NormReg.Generators.Parsing;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// The DSL's vocabulary lives in the runtime's attributes and enums; the generator mirrors it. These tests fail when
/// the two sides disagree: an enum member added on one side, or an attribute default the generator does not take.
/// </summary>
public sealed class VocabularyTests
{
    [Theory]
    [InlineData(typeof(LayerKind), typeof(LayerType))]
    [InlineData(typeof(LossKind), typeof(Loss))]
    [InlineData(typeof(InitChoice), typeof(Initializer))]
    public void Generator_enums_have_the_runtime_members_in_order(Type generator, Type runtime)
    {
        Assert.Equal(Members(runtime), Members(generator));
    }

    [Fact]
    public void Scaling_kinds_are_the_runtime_ones_after_None()
    {
        Assert.Equal(["None", .. Members(typeof(InputScalingKind))], Members(typeof(ScalingKind)));
    }

    [Fact]
    public void Every_layer_and_modifier_attribute_is_a_row_the_generator_knows()
    {
        Type[] attributes = [.. typeof(LayerAttribute).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LayerAttribute)) || t.IsSubclassOf(typeof(ModifierAttribute)))];
        Assert.NotEmpty(attributes);
        foreach (Type attribute in attributes)
        {
            string stem = attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length);
            bool known = attribute.IsSubclassOf(typeof(LayerAttribute))
                ? Enum.TryParse<LayerKind>(stem, out _)
                : Enum.TryParse<ModifierKind>(stem, out _);
            Assert.True(known, $"{attribute.Name} has no generator kind named {stem}.");
        }
    }

    [Fact]
    public void Rows_written_without_settings_take_the_attributes_defaults()
    {
        NetworkSpec network = Parse("""
            [Network(Loss = Loss.BinaryCrossEntropy)]
            [Input(4), MinMax]
            [Dense(8), L1]
            [LeakyReLU]
            [BatchNorm]
            [Dense(8), L2]
            [LayerNorm]
            [Dense(1)]
            public partial class Defaults;
            """);
        var batchNorm = new BatchNormAttribute();
        var minMax = new MinMaxAttribute();

        NetworkSpec plain = Parse("[Network] [Input(1)] [Dense(1)] public partial class Plain;");
        Assert.Equal((new NetworkAttribute().Loss.ToString(), new NetworkAttribute().LabelSmoothing), (plain.Loss.ToString(), plain.LabelSmoothing));
        Assert.Equal((minMax.Low, minMax.High, minMax.Clip), (network.Scaling.Low, network.Scaling.High, network.Scaling.Clip));
        Assert.Equal((new DenseAttribute(1).UseBias, new DenseAttribute(1).Init.ToString()), (network.Layers[0].UseBias, network.Layers[0].Init.ToString()));
        Assert.Equal((new L1Attribute().L1, new L1Attribute().IncludeBias), (network.Layers[0].Penalty!.L1, network.Layers[0].Penalty!.IncludeBias));
        Assert.Equal(new LeakyReLUAttribute().Alpha, network.Layers[1].Alpha);
        Assert.Equal((batchNorm.Momentum, batchNorm.Epsilon), (network.Layers[2].Momentum, network.Layers[2].Epsilon));
        Assert.Equal(new L2Attribute().L2, network.Layers[3].Penalty!.L2);
        Assert.Equal(new LayerNormAttribute().Epsilon, network.Layers[4].Epsilon);
    }

    private static string[] Members(Type type) => [.. Enum.GetValues(type).Cast<object>().OrderBy(v => Convert.ToInt32(v)).Select(v => v.ToString()!)];

    private static NetworkSpec Parse(string declaration)
    {
        Compilation compilation = GeneratorHarness.Compile("using NormReg;\n" + declaration);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        TypeDeclarationSyntax syntax = tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Single();
        var type = (INamedTypeSymbol)compilation.GetSemanticModel(tree).GetDeclaredSymbol(syntax)!;
        ParseResult result = NetworkParser.Parse(type, syntax, CancellationToken.None);
        return result.Network ?? throw new InvalidOperationException("Not parsed: " + string.Join("; ", result.Diagnostics.Select(d => d.Id)));
    }
}
