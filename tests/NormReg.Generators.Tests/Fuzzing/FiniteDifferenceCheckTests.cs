using System.Linq;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>
/// The fuzzer's finite-difference spot check passes on a correct network with dropout, BatchNorm, a kinked
/// activation and penalties, and fails when the analytic gradients are off by a few percent.
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
}
