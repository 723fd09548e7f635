using System.Linq;
using Microsoft.CodeAnalysis;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// What the user writes in or around a network class that the generated code could not join gets NRG014 (or NRG009
/// for a layer name) at the user's code, naming the clash; the near-misses that do compile get nothing.
/// </summary>
public sealed class HostClashTests
{
    private const string Usings = "using NormReg;\nnamespace App;\n";
    private const string Rows = "[Network] [Input(2)] [Dense(3, Name = \"Hidden\")] [Dropout(0.5)] [Dense(2)] ";

    [Theory]
    [InlineData("Record", Rows + "public partial {|NRG014:record|} Net;")]
    [InlineData("RecordClass", Rows + "public partial {|NRG014:record class|} Net;")]
    [InlineData("PublicApiMethod", Rows + "public partial class Net { public int {|NRG014:Predict|}(int x) => x; }")]
    [InlineData("PublicApiConstant", Rows + "public partial class Net { public const int {|NRG014:InputSize|} = 2; }")]
    [InlineData("LayerView", Rows + "public partial class Net { public int {|NRG014:Hidden|} => 1; }")]
    [InlineData("AutomaticLayerView", Rows + "public partial class Net { private int {|NRG014:Dense2|}; internal int Use() => Dense2; }")]
    [InlineData("LayerField", Rows + "public partial class Net { private int {|NRG014:_hidden|}; internal int Use() => _hidden; }")]
    [InlineData("LayerGradientField", Rows + "public partial class Net { private int {|NRG014:_dHidden|}; internal int Use() => _dHidden; }")]
    [InlineData("DropoutMaskField", Rows + "public partial class Net { private int {|NRG014:_dropout1Mask|}; internal int Use() => _dropout1Mask; }")]
    [InlineData("PrivateField", Rows + "public partial class Net { private int {|NRG014:_folded|}; internal int Use() => _folded; }")]
    [InlineData("PrivateMethod", Rows + "public partial class Net { private void {|NRG014:ForwardInference|}() { } internal void Use() => ForwardInference(); }")]
    [InlineData("NestedType", Rows + "public partial class Net { public class {|NRG014:Architecture|} { } }")]
    [InlineData("Accessor", Rows + "public partial class Net { public int {|NRG014:get_Parameters|}() => 0; }")]
    [InlineData("ConstructorLikeTheGenerated", Rows + "public partial class Net { public {|NRG014:Net|}(int a, int b) : this() { } }")]
    [InlineData("ConstructorNotChained", Rows + "public partial class Net { public {|NRG014:Net|}() { } }")]
    [InlineData("ConstructorChainedToBase", "public class Base { }\n" + Rows + "public partial class Net : Base { public {|NRG014:Net|}(string s) : base() { } }")]
    [InlineData("BaseWithoutParameterlessConstructor", "public class Base { public Base(int x) { } }\n" + Rows + "public partial class Net : {|NRG014:Base|};")]
    [InlineData("BaseWithPrivateConstructor", "public class Base { private Base() { } public Base(int x) { } }\n" + Rows + "public partial class Net : {|NRG014:Base|};")]
    [InlineData("BaseWithAMemberNamedLikeOne", "public class Base { public void Predict() { } }\n" + Rows + "public partial class Net : {|NRG014:Base|};")]
    [InlineData("BaseWithAProtectedField", "public class Base { protected int _core; }\n" + Rows + "public partial class Net : {|NRG014:Base|};")]
    [InlineData("BaseIsANetwork", "[Network] [Input(2)] [Dense(1)] public partial class Base;\n" + Rows + "public partial class Net : {|NRG014:Base|};")]
    [InlineData("BaseOfBaseIsANetwork", "[Network] [Input(2)] [Dense(1)] public partial class Root;\npublic class Middle : Root { }\n" + Rows + "public partial class Net : {|NRG014:Middle|};")]
    [InlineData("SoftHyphenInLayerName", "[Network] [Input(2)] [Dense(3, Name = \"Hidden\")] [Dense(2, {|NRG009:Name = \"Hid\u00ADden\"|})] public partial class Net;")]
    [InlineData("ZeroWidthJoinerInLayerName", "[Network] [Input(2)] [Dense(3, {|NRG009:Name = \"Out\u200Dput\"|})] public partial class Net;")]
    [InlineData("ZeroWidthNonJoinerInLayerName", "[Network] [Input(2)] [Dense(3, {|NRG009:Name = \"Out\u200Cput\"|})] public partial class Net;")]
    [InlineData("MemberInAnotherPart", Rows + "public partial class Net;\npublic partial class Net { public void {|NRG014:TrainStep|}() { } }")]
    public void Reports_the_clash_at_the_users_code(string name, string markup) => RuleAssert.Exactly(name, Usings + markup);

    [Fact]
    public void Every_reason_names_the_clashing_member()
    {
        var diagnostics = GeneratorHarness.NormRegDiagnostics(Usings + Rows + "public partial class Net { public int Hidden => 1; private int _folded; }");

        Assert.Contains(diagnostics, d => d.Id == "NRG014" && d.GetMessage().Contains("'Hidden'") && d.GetMessage().Contains("layer 'Hidden'"));
        Assert.Contains(diagnostics, d => d.Id == "NRG014" && d.GetMessage().Contains("'_folded'"));
    }

    [Theory]
    [InlineData("ChainedConstructor", Rows + "public partial class Net { public Net(string label) : this(4, 1) => Label = label; public string? Label { get; } }")]
    [InlineData("OneArgumentChained", Rows + "public partial class Net { public Net(int batch) : this(batch, 0) { } }")]
    [InlineData("StaticConstructor", Rows + "public partial class Net { static Net() { } }")]
    [InlineData("UnrelatedMembers", Rows + "public partial class Net { public int Width { get; init; } private int _width = 1; public int Predicted() => _width; public void Hidden2() { } }")]
    [InlineData("BaseWithParameterlessConstructor", "public abstract class Base { protected Base() { } public int Other() => 1; }\n" + Rows + "public partial class Net : Base;")]
    [InlineData("BaseWithOptionalParameters", "public class Base { public Base(int x = 1) { } }\n" + Rows + "public partial class Net : Base;")]
    [InlineData("BaseWithPrivateClashingMember", "public class Base { private void Predict() { } internal void Use() => Predict(); }\n" + Rows + "public partial class Net : Base;")]
    [InlineData("InterfaceOnly", "public interface IThing { int Size { get; } }\n" + Rows + "public partial class Net : IThing { public int Size => 1; }")]
    [InlineData("RecordAroundTheNetwork", "public partial record Holder { " + Rows + "public partial class Net; }")]
    [InlineData("MarkOnlyInLayerName", "[Network] [Input(2)] [Dense(3, Name = \"Cafe\u0301\")] [Dense(2, Name = \"Caf\u00E9\")] public partial class Net;")]
    public void Near_misses_compile_without_a_diagnostic(string name, string source)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(Usings + source));

        Assert.Empty(GeneratorHarness.NormRegDiagnostics(Usings + source).Where(d => string.CompareOrdinal(d.Id, "NRG100") < 0).Select(d => $"{name}: {d}"));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591").Select(d => $"{name}: {d}"));
        Assert.Single(result.GeneratedSources);
    }
}
