using System.Linq;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>
/// The fuzzer's finite-difference spot check passes on a correct network with dropout, BatchNorm, a kinked
/// activation and penalties, and on one whose kink lies just inside both of its steps, and fails when the analytic
/// gradients are off by a few percent.
/// </summary>
public sealed class FiniteDifferenceCheckTests
{
    private const string Source = """
        using NormReg;
        namespace App;
        /// <summary>A network.</summary>
        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4), ZScore]
        [Dense(5), L2(0.01)]
        [BatchNorm]
        [LeakyReLU(0.1)]
        [Dropout(0.3)]
        [Dense(3), L1(0.001, IncludeBias = true)]
        public partial class Net;
        """;

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(1.05, false)]
    [InlineData(0.95, false)]
    public void Passes_exact_gradients_and_catches_wrong_ones(double distortion, bool passes)
    {
        CheckResult result = DeclarationChecker.Check(new FuzzDeclaration(0, "fixed", [Source], "Net", Expectation.Accepted, []));
        Assert.Empty(result.Failures);

        SpotCheck check = FiniteDifferenceCheck.Run(result.Output!, result.Network!, seed: 3, distortion);

        Assert.True(check.Ran);
        Assert.True(check.Compared >= 6, $"{check.Compared} gradients compared");
        Assert.Equal(passes, check.Failures.Count == 0);
        Assert.All(check.Failures, f => Assert.Contains("central difference", f));
    }

    /// <summary>Seed 9002's declaration #72, with its check's seed: a LeakyReLU output a little inside both steps for β[2].</summary>
    private const string KinkSource = """
        using NormReg;
        namespace App.Models;
        /// <summary>A network.</summary>
        [Network(Loss = Loss.BinaryCrossEntropy)]
        [Input(3, 5, 6)]
        [BatchNorm(Epsilon = 1), GlobalAvgPool(Name = "Gate2"), LeakyReLU(alpha: 0.2, Name = "Schicht3")]
        public sealed partial class Model;
        """;

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(1.5, false)]
    public void A_kink_inside_both_steps_is_not_reported_but_wrong_gradients_are(double distortion, bool passes)
    {
        CheckResult result = DeclarationChecker.Check(new FuzzDeclaration(0, "fixed", [KinkSource], "Model", Expectation.Accepted, []));
        Assert.Empty(result.Failures);

        SpotCheck check = FiniteDifferenceCheck.Run(result.Output!, result.Network!, seed: 9002 ^ 72, distortion);

        Assert.True(check.Compared >= 6, $"{check.Compared} gradients compared");
        Assert.Equal(passes, check.Failures.Count == 0);
    }
}
