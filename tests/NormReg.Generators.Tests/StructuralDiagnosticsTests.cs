using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// Each structural mistake gets its own NRG diagnostic at the exact span marked with <c>{|NRGxxx:…|}</c>,
/// the generator never throws, and valid near-misses get none.
/// </summary>
public sealed class StructuralDiagnosticsTests
{
    private const string Usings = "using NormReg;\nnamespace App;\n";

    [Theory]
    [InlineData("NoInput", """
        [{|NRG001:Network(Loss = Loss.SoftmaxCrossEntropy)|}]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("TwoInputs", """
        [Network]
        [Input(2)]
        [{|NRG002:Input(3)|}]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("InputNotFirst", """
        [Network]
        [Dense(4)]
        [{|NRG003:Input(2)|}]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("NotPartial", """
        [Network]
        [Input(2)]
        [Dense(3)]
        public class {|NRG004:Net|};
        """)]
    [InlineData("Static", """
        [Network]
        [Input(2)]
        [Dense(3)]
        public static partial class {|NRG004:Net|};
        """)]
    [InlineData("ContainingTypeNotPartial", """
        public class {|NRG004:Outer|}
        {
            [Network]
            [Input(2)]
            [Dense(3)]
            public partial class Net;
        }
        """)]
    [InlineData("RowOutsideNetwork", """
        [{|NRG006:Input(2)|}]
        [{|NRG006:Dense(3)|}]
        public partial class Plain;
        """)]
    [InlineData("ZeroDense", """
        [Network]
        [Input(2)]
        [Dense({|NRG007:0|})]
        public partial class Net;
        """)]
    [InlineData("NegativeInput", """
        [Network]
        [Input({|NRG007:-4|})]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("ZeroChannels", """
        [Network]
        [Input({|NRG007:0|}, 8, 8)]
        [Flatten]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("ZeroFilters", """
        [Network]
        [Input(1, 8, 8)]
        [Conv2D({|NRG007:0|}, 3)]
        [Flatten]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("KernelLargerThanImage", """
        [Network]
        [Input(1, 6, 8)]
        [{|NRG015:Conv2D(4, 7)|}]
        [Flatten]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("PoolLargerThanWhatIsLeft", """
        [Network]
        [Input(1, 8, 8)]
        [Conv2D(4, 5)]
        [MaxPool2D(2)]
        [{|NRG015:AvgPool2D(3)|}]
        [Flatten]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("ConvOnVector", """
        [Network]
        [Input(64)]
        [{|NRG016:Conv2D(4, 3)|}]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("PoolAfterFlatten", """
        [Network]
        [Input(1, 8, 8)]
        [Flatten]
        [{|NRG016:MaxPool2D(2)|}]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("AugmentationOnVector", """
        [Network]
        [Input(16)]
        [{|NRG016:RandomFlip(FlipMode.Horizontal)|}]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("SpatialDropoutAfterGlobalPool", """
        [Network]
        [Input(3, 8, 8)]
        [GlobalAvgPool]
        [{|NRG016:SpatialDropout(0.1)|}]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("DenseOnImage", """
        [Network]
        [Input(1, 8, 8)]
        [Conv2D(4, 3)]
        [{|NRG017:Dense(3)|}]
        public partial class Net;
        """)]
    [InlineData("SoftmaxOnImage", """
        [Network(Loss = Loss.MeanSquaredError)]
        [Input(2, 4, 4)]
        [{|NRG017:Softmax|}]
        public partial class Net;
        """)]
    [InlineData("NonPositiveStride", """
        [Network]
        [Input(1, 8, 8)]
        [Conv2D(4, 3, {|NRG011:Stride = 0|})]
        [Flatten]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("PatchesTooLargeForAnArray", """
        [Network(Loss = Loss.MeanSquaredError)]
        [Input(64, 2048, 2048)]
        [{|NRG011:Conv2D(1, 3, Padding = Padding.Same)|}]
        public partial class Net;
        """)]
    [InlineData("RotationTooLarge", """
        [Network]
        [Input(1, 8, 8)]
        [RandomRotation({|NRG011:0.75|})]
        [Flatten]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("MaxNormOnPool", """
        [Network]
        [Input(1, 8, 8)]
        [MaxPool2D(2), {|NRG012:MaxNorm(3)|}]
        [Flatten]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("DuplicateName", """
        [Network]
        [Input(2)]
        [Dense(4)]
        [Dense(3, {|NRG008:Name = "Dense1"|})]
        public partial class Net;
        """)]
    [InlineData("DuplicateNameDifferingInCase", """
        [Network]
        [Input(2)]
        [Dense(4, Name = "Hidden")]
        [Dense(3, {|NRG008:Name = "hidden"|})]
        public partial class Net;
        """)]
    [InlineData("KeywordName", """
        [Network]
        [Input(2)]
        [Dense(3, {|NRG009:Name = "class"|})]
        public partial class Net;
        """)]
    [InlineData("ReservedName", """
        [Network]
        [Input(2)]
        [Dense(3, {|NRG009:Name = "Predict"|})]
        public partial class Net;
        """)]
    [InlineData("ExtensionMethodName", """
        [Network]
        [Input(2)]
        [Dense(3, {|NRG009:Name = "Save"|})]
        public partial class Net;
        """)]
    [InlineData("ObjectMemberName", """
        [Network]
        [Input(2)]
        [Dense(3, {|NRG009:Name = "ToString"|})]
        public partial class Net;
        """)]
    [InlineData("ArchitectureName", """
        [Network]
        [Input(2)]
        [Dense(3, {|NRG009:Name = "Architecture"|})]
        public partial class Net;
        """)]
    [InlineData("PrivateMethodName", """
        [Network]
        [Input(2)]
        [Dense(3, {|NRG009:Name = "RefreshFolds"|})]
        [BatchNorm]
        public partial class Net;
        """)]
    [InlineData("NotAnIdentifier", """
        [Network]
        [Input(2)]
        [Dense(3, {|NRG009:Name = "two words"|})]
        public partial class Net;
        """)]
    [InlineData("NameOfAGeneratedField", "[Network] [Input(2)] [Dropout(0.5)] [Dense(3, {|NRG009:Name = \"Core\"|})] public partial class Net;")]
    [InlineData("NameOfAnotherLayersGradient", "[Network] [Input(2)] [Dense(3, Name = \"Head\")] [Dense(2, {|NRG009:Name = \"DHead\"|})] public partial class Net;")]
    [InlineData("NameOfAnotherLayersMask", "[Network] [Input(2)] [Dropout(0.5, Name = \"Drop\")] [Dense(2, {|NRG009:Name = \"DropMask\"|})] public partial class Net;")]
    [InlineData("NameOfALaterLayersBuffer", "[Network] [Input(2)] [Dense(3, {|NRG009:Name = \"BatchNorm1Normalized\"|})] [BatchNorm] public partial class Net;")]
    [InlineData("NameOfATypeParameter", "[Network] [Input(2)] [Dense(3, {|NRG009:Name = \"T\"|})] public partial class Net<T>;")]
    [InlineData("AutomaticNameOfATypeParameter", "[Network] [Input(2)] [{|NRG009:Dense(3)|}] public partial class Net<Dense1>;")]
    [InlineData("TypeParameterNamedLikeAMember", "[Network] [Input(2)] [Dense(3)] public partial class Net<{|NRG014:Predict|}>;")]
    [InlineData("TooManyParameters", "[Network] [Input(65536)] [Dense({|NRG011:65536|})] public partial class Net;")]
    [InlineData("TooManyStatistics", "[Network] [Input({|NRG011:int.MaxValue|}), ZScore] [ReLU] public partial class Net;")]
    [InlineData("UndefinedInitializer", "[Network] [Input(2)] [Dense(3, {|NRG011:Init = (Initializer)9|})] public partial class Net;")]
    [InlineData("LabelSmoothingOfOne", "[Network({|NRG011:LabelSmoothing = 1|})] [Input(2)] [Dense(3)] public partial class Net;")]
    [InlineData("LabelSmoothingWithoutClasses", "[Network(Loss = Loss.MeanSquaredError, {|NRG011:LabelSmoothing = 0.1|})] [Input(2)] [Dense(3)] public partial class Net;")]
    [InlineData("NoLayers", """
        [Network]
        [{|NRG010:Input(2)|}]
        public partial class Net;
        """)]
    [InlineData("UnknownLoss", """
        [Network({|NRG011:Loss = (Loss)7|})]
        [Input(2)]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("NaNSlope", """
        [Network]
        [Input(2)]
        [LeakyReLU({|NRG011:double.NaN|})]
        [Dense(3)]
        public partial class Net;
        """)]
    [InlineData("SeveralAtOnce", """
        [Network]
        [Input({|NRG007:0|})]
        [Dense({|NRG007:0|})]
        [Dense(3, {|NRG009:Name = "Gradients"|})]
        public class {|NRG004:Net|};
        """)]
    [InlineData("DropoutRateOne", "[Network] [Input(2)] [Dense(3)] [Dropout({|NRG011:1.0|})] public partial class Net;")]
    [InlineData("DropoutRateNegative", "[Network] [Input(2)] [Dropout({|NRG011:-0.1|})] [Dense(3)] public partial class Net;")]
    [InlineData("NoiseZero", "[Network] [Input(2)] [GaussianNoise({|NRG011:0|})] [Dense(3)] public partial class Net;")]
    [InlineData("L2Negative", "[Network] [Input(2)] [Dense(3), L2({|NRG011:-1e-4|})] public partial class Net;")]
    [InlineData("L1NaN", "[Network] [Input(2)] [Dense(3), L1({|NRG011:double.NaN|})] public partial class Net;")]
    [InlineData("L1L2BothZero", "[Network] [Input(2)] [Dense(3), {|NRG011:L1L2(0, 0)|}] public partial class Net;")]
    [InlineData("MaxNormZero", "[Network] [Input(2)] [Dense(3), MaxNorm({|NRG011:0|})] public partial class Net;")]
    [InlineData("MomentumZero", "[Network] [Input(2)] [Dense(3)] [BatchNorm({|NRG011:Momentum = 0|})] public partial class Net;")]
    [InlineData("EpsilonZero", "[Network] [Input(2)] [Dense(3)] [LayerNorm({|NRG011:Epsilon = 0|})] public partial class Net;")]
    [InlineData("MinMaxInverted", "[Network] [Input(2), {|NRG011:MinMax(1, 0)|}] [Dense(3)] public partial class Net;")]
    [InlineData("DropoutRateOneAsFloat", "[Network] [Input(2)] [Dropout({|NRG011:0.9999999999|})] [Dense(3)] public partial class Net;")]
    [InlineData("EpsilonZeroAsFloat", "[Network] [Input(1)] [LayerNorm({|NRG011:Epsilon = 1e-300|})] [Dense(3)] public partial class Net;")]
    [InlineData("NoiseInfiniteAsFloat", "[Network] [Input(2)] [GaussianNoise({|NRG011:double.MaxValue|})] [Dense(3)] public partial class Net;")]
    [InlineData("L2ZeroAsFloat", "[Network] [Input(2)] [Dense(3), L2({|NRG011:1e-50|})] public partial class Net;")]
    [InlineData("L1L2ZeroAsFloat", "[Network] [Input(2)] [Dense(3), {|NRG011:L1L2(1e-50, 0)|}] public partial class Net;")]
    [InlineData("SlopeInfiniteAsFloat", "[Network] [Input(2)] [LeakyReLU({|NRG011:1e39|})] [Dense(3)] public partial class Net;")]
    [InlineData("MinMaxEmptyAsFloat", "[Network] [Input(2), {|NRG011:MinMax(0.5, 0.50000000001)|}] [Dense(3)] public partial class Net;")]
    [InlineData("MinMaxRangeOverflows", "[Network] [Input(2), {|NRG011:MinMax(-3.4e38f, 3.4e38f)|}] [Dense(3)] public partial class Net;")]
    [InlineData("MinMaxRangeJustOverflows", "[Network] [Input(2), {|NRG011:MinMax(-1.71e38, 1.71e38)|}] [Dense(3)] public partial class Net;")]
    [InlineData("MinMaxRangeOverflowsOneSided", "[Network] [Input(2), {|NRG011:MinMax(-1e38, float.MaxValue)|}] [Dense(3)] public partial class Net;")]
    [InlineData("L2GradientOverflows", "[Network] [Input(2)] [Dense(3), L2({|NRG011:3e38|})] public partial class Net;")]
    [InlineData("L1L2GradientOverflows", "[Network] [Input(2)] [Dense(3), L1L2(0, {|NRG011:2e38|})] public partial class Net;")]
    [InlineData("NoiseTailOverflows", "[Network] [Input(2)] [GaussianNoise({|NRG011:1e38|})] [Dense(3)] public partial class Net;")]
    [InlineData("ModifierBeforeEverything", "[Network] [{|NRG012:L2(0.1)|}] [Input(2)] [Dense(3)] public partial class Net;")]
    [InlineData("ScalingOnALayer", "[Network] [Input(2)] [Dense(3), {|NRG012:ZScore|}] public partial class Net;")]
    [InlineData("PenaltyOnTheInput", "[Network] [Input(2), {|NRG012:L2(0.1)|}] [Dense(3)] public partial class Net;")]
    [InlineData("PenaltyOnAnActivation", "[Network] [Input(2)] [Dense(3)] [ReLU, {|NRG012:L1(0.1)|}] public partial class Net;")]
    [InlineData("MaxNormOnBatchNorm", "[Network] [Input(2)] [Dense(3)] [BatchNorm, {|NRG012:MaxNorm(2)|}] public partial class Net;")]
    [InlineData("TwoScalings", "[Network] [Input(2), ZScore, {|NRG013:MinMax|}] [Dense(3)] public partial class Net;")]
    [InlineData("TwoPenalties", "[Network] [Input(2)] [Dense(3), L1(0.1), {|NRG013:L2(0.1)|}] public partial class Net;")]
    [InlineData("TwoMaxNorms", "[Network] [Input(2)] [Dense(3), MaxNorm(2), {|NRG013:MaxNorm(3)|}] public partial class Net;")]
    [InlineData("ClassNamedLikeAMember", "[Network] [Input(2)] [Dense(3)] public partial class {|NRG014:Architecture|};")]
    [InlineData("ClassNamedLikeAField", "[Network] [Input(2)] [Dense(3)] public partial class {|NRG014:_folded|};")]
    [InlineData("ClassNamedLikeALayer", "[Network] [Input(2)] [{|NRG009:Dense(3)|}] public partial class Dense1;")]
    [InlineData("PrimaryConstructor", "[Network] [Input(2)] [Dense(3)] public partial class Net{|NRG014:(int width)|} { private int Width => width; }")]
    [InlineData("PositionalRecord", "[Network] [Input(2)] [Dense(3)] public partial {|NRG014:record|} Net{|NRG014:(int Width)|};")]
    [InlineData("FileLocal", "[Network] [Input(2)] [Dense(3)] file partial class {|NRG014:Net|};")]
    [InlineData("InFileLocalType", "file partial class {|NRG014:Outer|} { [Network] [Input(2)] [Dense(3)] public partial class Net; }")]
    [InlineData("ModifierOutsideNetwork", "[{|NRG006:L2(0.1)|}] public partial class Plain;")]
    public void Reports_exactly_the_marked_diagnostics(string name, string markup)
    {
        AssertDiagnostics(name, Usings + markup);
    }

    [Fact]
    public void A_global_type_hiding_a_namespace_the_generated_code_uses_is_reported()
    {
        AssertDiagnostics("System", "using NormReg;\npublic partial class {|NRG014:System|} { [Network] [Input(2)] [Dense(3)] public partial class Net; }");
    }

    [Fact]
    public void Rows_split_over_partial_declarations_are_reported_where_they_are()
    {
        string first = Usings + """
            [Network]
            [Input(2)]
            [Dense(3)]
            public partial class Net;
            """;
        (string second, var expected) = Markup.Parse(Usings + """
            [{|NRG005:Dense(4)|}]
            public partial class Net;
            """);

        ImmutableArray<Diagnostic> actual = GeneratorHarness.NormRegDiagnostics(first, second);

        Assert.Equal(
            expected.Select(e => ("File1.cs", e.Id, e.Span)),
            actual.Select(d => (d.Location.GetLineSpan().Path, d.Id, d.Location.SourceSpan)));
    }

    [Theory]
    [InlineData("MissingArgument", "[Network] [Input(2)] [Dense] public partial class Net;")]
    [InlineData("WrongArgumentType", "[Network] [Input(2)] [Dense(\"wide\")] public partial class Net;")]
    [InlineData("UnknownAttribute", "[Network] [Input(2)] [Dense(3)] [Dropuot(0.5)] public partial class Net;")]
    [InlineData("NetworkTwice", "[Network] [Network] [Input(2)] [Dense(3)] public partial class Net;")]
    [InlineData("NetworkOnTwoDeclarations", "[Network] [Input(2)] [Dense(3)] public partial class Net; [Network] public partial class Net;")]
    public void Declarations_the_compiler_rejects_get_no_crash_and_no_extra_noise(string name, string source)
    {
        (_, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(Usings + source));

        Assert.Contains(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("CS"));
        Assert.True(GeneratorHarness.NormRegDiagnostics(Usings + source).All(d => d.Id != "NRG000"), name);
    }

    [Theory]
    [InlineData("Minimal", "[Network] [Input(1)] [Dense(1)] public partial class Net;")]
    [InlineData("ActivationOnly", "[Network] [Input(4)] [Softmax] public partial class Net;")]
    [InlineData("NamedLikeAKindButUnique", "[Network] [Input(2)] [Dense(4, Name = \"Dense2\")] [Dense(3, Name = \"Out\")] public partial class Net;")]
    [InlineData("NestedInPartialTypes", "public partial class A { public partial struct B { [Network] [Input(2)] [Dense(3)] public partial class Net; } }")]
    [InlineData("Generic", "[Network] [Input(2)] [Dense(3)] public partial class Net<T> where T : struct;")]
    [InlineData("PlainClassWithoutRows", "public class Plain;")]
    [InlineData("EveryRowAndModifier", "[Network] [Input(2), ZScore] [GaussianNoise(0.1)] [Dense(3), L1L2(0, 0.01, IncludeBias = true), MaxNorm(3)] [BatchNorm(Momentum = 1), L2(1e-4)] [ReLU] [Dropout(0)] [Dense(4)] [LayerNorm, L1(1e-3)] [Dense(2)] public partial class Net;")]
    [InlineData("MinMaxWidestRange", "[Network(Loss = Loss.MeanSquaredError)] [Input(2), MinMax(-1.7e38, 1.7e38)] [Dense(1)] public partial class Net;")]
    [InlineData("LargestPenalties", "[Network] [Input(2)] [Dense(3), L2(1e38)] [Dense(2), L1(3e38)] public partial class Net;")]
    [InlineData("MinMaxDefaults", "[Network(Loss = Loss.MeanSquaredError)] [Input(2), MinMax] [Dense(1)] public partial class Net;")]
    [InlineData("EveryImageRow", "[Network] [Input(3, 9, 7), ZScore] [RandomFlip(FlipMode.Vertical)] [RandomRotation(0.5)] [RandomTranslation(0, 0.2)] [Conv2D(4, 3, Stride = 2, Padding = Padding.Same, UseBias = false, Init = Initializer.PyTorch), L2(1e-4), MaxNorm(2)] [BatchNorm] [LeakyReLU] [SpatialDropout(0)] [MaxPool2D(2, Stride = 1)] [GaussianNoise(0.1)] [Conv2D(2, 1)] [LayerNorm] [AvgPool2D(1)] [Dropout(0.1)] [GlobalAvgPool] [Dense(3)] public partial class Net;")]
    [InlineData("KernelAsLargeAsTheImage", "[Network(Loss = Loss.MeanSquaredError)] [Input(2, 5, 5)] [Conv2D(1, 5)] [Flatten] public partial class Net;")]
    [InlineData("SameKernelLargerThanTheImage", "[Network(Loss = Loss.MeanSquaredError)] [Input(1, 2, 3)] [Conv2D(2, 5, Padding = Padding.Same)] [Flatten] [Dense(1)] public partial class Net;")]
    [InlineData("FlattenOnAVector", "[Network] [Input(4)] [Flatten] [Dense(3)] public partial class Net;")]
    [InlineData("ImageOfOnePixel", "[Network] [Input(5, 1, 1)] [Conv2D(3, 1)] [BatchNorm] [Flatten] [Dense(2)] public partial class Net;")]
    public void Valid_declarations_get_no_diagnostic_and_compile(string name, string source)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(Usings + source));

        // Structural rules only (NRG0xx); the design rules on valid networks have their own tests.
        Assert.Empty(GeneratorHarness.NormRegDiagnostics(Usings + source).Where(d => string.CompareOrdinal(d.Id, "NRG100") < 0));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591").Select(d => $"{name}: {d}"));
        Assert.Equal(source.Contains("[Network") ? 1 : 0, result.GeneratedSources.Length);
    }

    [Theory]
    [InlineData("KeywordNames", "#pragma warning disable CS8981\nnamespace App;\n/// <summary>Holds a network.</summary>\n/// <typeparam name=\"int\">A type.</typeparam>\npublic static partial class @event<@int>\n{\n    /// <summary>A network.</summary>\n    [Network] [Input(2)] [Dense(3)] public partial class @class;\n}")]
    [InlineData("ClassNamedSpan", "namespace App;\n/// <summary>A network.</summary>\n[Network] [Input(2)] [Dense(3)] public partial class Span;")]
    [InlineData("LowercaseName", "#pragma warning disable CS8981\nnamespace App;\n/// <summary>A network.</summary>\n[Network] [Input(2)] [Dense(3)] public partial class net;")]
    [InlineData("KeywordNamespace", "namespace @class.Nets;\n/// <summary>A network.</summary>\n[Network] [Input(2)] [Dense(3)] public partial class Net;")]
    public void Unusual_but_valid_declarations_compile_without_a_diagnostic(string name, string source)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile("using NormReg;\n" + source));

        Assert.Empty(GeneratorHarness.Visible(output).Select(d => $"{name}: {d}"));
        Assert.Single(result.GeneratedSources);
    }

    private static void AssertDiagnostics(string name, string markup)
    {
        (string source, var expected) = Markup.Parse(markup);

        ImmutableArray<Diagnostic> actual = GeneratorHarness.NormRegDiagnostics(source);

        Assert.True(expected.Count > 0, name);
        Assert.Equal(
            expected.OrderBy(e => e.Span.Start).ThenBy(e => e.Id).Select(e => $"{e.Id} at {e.Span}: {source.Substring(e.Span.Start, e.Span.Length)}"),
            actual.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id).Select(d => $"{d.Id} at {d.Location.SourceSpan}: {source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}"));
    }
}
