using System.Linq;
using NormReg.Tests.Networks;
using NormReg.Tests.Networks.Images;

namespace NormReg.Tests.Model;

/// <summary>The generated <c>Architecture</c> agrees with the network it describes, and its fingerprint tells layouts apart.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void DescriptionMatchesTheNetworksLayoutAndViews()
    {
        var net = new FoldedRegressor(maxBatchSize: 4);
        NetworkArchitecture a = FoldedRegressor.Architecture;

        Assert.Equal(net.StateLength, a.StateLength);
        Assert.Equal(net.Parameters.Length, a.ParameterCount);
        Assert.Equal((FoldedRegressor.InputSize, FoldedRegressor.OutputSize), (a.InputSize, a.OutputSize));
        Assert.Equal(Loss.MeanSquaredError, a.Loss);
        Assert.Null(a.Scaling);
        Assert.Equal([LayerType.Dense, LayerType.BatchNorm, LayerType.ReLU, LayerType.Dense, LayerType.BatchNorm], a.Layers.Select(l => l.Type));
        Assert.Same(a, ((INetwork)net).Architecture);

        // Writing through the typed view lands at the offsets the description gives.
        LayerDescription dense = a.Layers[3];
        net.Dense2.Weights[dense.Inputs + 1] = 42f;
        Assert.Equal(42f, net.Parameters[dense.WeightOffset + dense.Inputs + 1]);
        Assert.Equal(-1, dense.BiasOffset);

        LayerDescription norm = a.Layers[4];
        net.BatchNorm2.RunningVariance[1] = 7f;
        float[] state = new float[net.StateLength];
        net.CopyState(state);
        Assert.Equal(7f, state[a.ParameterCount + norm.StatisticsOffset + norm.Outputs + 1]);
        Assert.Equal(1e-5, norm.Epsilon);
        Assert.Equal(0.1, norm.Momentum);
    }

    [Fact]
    public void ScalingIsDescribedWithItsRange()
    {
        NetworkArchitecture a = ScaledIdentity.Architecture;
        Assert.Equal(InputScalingKind.MinMax, a.Scaling);
        Assert.Contains("scaling=MinMax(", a.Describe());
    }

    [Fact]
    public void TrainingOnlyRowsDoNotChangeTheFingerprint()
    {
        Assert.Equal(RegularizedClassifier.Architecture.Fingerprint, RegularizedClassifierWithoutDropout.Architecture.Fingerprint);
        Assert.DoesNotContain("Dropout", RegularizedClassifier.Architecture.Describe());
    }

    [Fact]
    public void AugmentationAndSpatialDropoutDoNotChangeTheFingerprint()
    {
        Assert.Equal(PlainCnnForAugmented.Architecture.Fingerprint, AugmentedCnn.Architecture.Fingerprint);
        Assert.DoesNotContain("Random", AugmentedCnn.Architecture.Describe());
    }

    [Fact]
    public void PaddingChangesTheFingerprintOfOneStateLayout()
    {
        Assert.Equal(ValidPaddedTwin.Architecture.StateLength, SamePaddedTwin.Architecture.StateLength);
        Assert.NotEqual(ValidPaddedTwin.Architecture.Fingerprint, SamePaddedTwin.Architecture.Fingerprint);
    }

    [Fact]
    public void DifferentLayoutsHaveDifferentFingerprints()
    {
        string[] fingerprints =
        [
            RegularizedClassifier.Architecture.Fingerprint,
            FoldedRegressor.Architecture.Fingerprint,
            LayerNormNet.Architecture.Fingerprint,
            SpiralNet.Architecture.Fingerprint,
            DeepClassifier.Architecture.Fingerprint,
            ScaledIdentity.Architecture.Fingerprint,
        ];
        Assert.Equal(fingerprints.Length, fingerprints.Distinct().Count());
        Assert.All(fingerprints, f => Assert.Matches("^[0-9a-f]{64}$", f));
    }
}
