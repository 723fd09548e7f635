using System;
using System.IO;
using System.Linq;
using NormReg.Demo.Networks;
using NormReg.Tests.Networks;
using Xunit.Abstractions;

namespace NormReg.Tests.Onnx;

/// <summary>ONNX Runtime, fed the exported model, computes what <c>Predict</c> computes, for every sample network.</summary>
public sealed class OnnxPredictionTests(ITestOutputHelper output)
{
    /// <summary>
    /// Each output may differ by 1e-5, absolute for outputs up to 1 and relative beyond: the demo's wide networks reach
    /// outputs of 10 to 15 from raw features, where float32 itself resolves only about 1e-6.
    /// </summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Networks => SampleNetworks.Names();

    [Fact]
    public void EveryTestAndDemoNetworkIsCovered()
    {
        Type[] types = SampleNetworks.Types();
        Type[] expected =
        [
            typeof(BatchNormFirst), typeof(DeepClassifier), typeof(DropoutProbe), typeof(FoldedRegressor), typeof(L2Regressor),
            typeof(LayerNormNet), typeof(LinearClassifier), typeof(MixtureRegressor), typeof(MultiLabelNet), typeof(NoiseProbe),
            typeof(RegularizedClassifier), typeof(RegularizedClassifierWithoutDropout), typeof(ScaledIdentity), typeof(SpiralNet),
            typeof(TanhRegressor), typeof(TabularPlain), typeof(TabularZScore), typeof(TabularBatchNorm), typeof(SpiralPlain),
            typeof(SpiralL2), typeof(SpiralDropout), typeof(SpiralBatchNorm), typeof(SpiralRegularized), typeof(GlyphMlp),
            typeof(GlyphCnn), typeof(GlyphCnnBatchNorm), typeof(GlyphCnnSpatialDropout), typeof(GlyphCnnAugmented), typeof(GlyphCnnRegularized),
        ];
        Assert.Subset(types.ToHashSet(), expected.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void OnnxRuntimeMatchesPredict(string network)
    {
        INetwork net = SampleNetworks.Trained(network);
        using OnnxRuntimeModel model = OnnxRuntimeModel.Export(net);
        var random = new Random(11);
        double worst = 0, worstScaled = 0, largest = 0;
        foreach (int batch in new[] { 1, SampleNetworks.MaxBatch })
        {
            // Wider than the fitting data, so min-max clipping engages and the constant-when-fitted column varies.
            float[] x = SampleNetworks.Features(random, batch, net.InputSize, widen: 1.5);
            float[] expected = new float[batch * net.OutputSize];
            net.Predict(x, expected, batch);
            float[] actual = model.Run(x, batch, net.Architecture.InputShape);

            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double difference = Math.Abs(actual[i] - (double)expected[i]);
                worst = Math.Max(worst, difference);
                worstScaled = Math.Max(worstScaled, difference / Math.Max(1, Math.Abs(expected[i])));
                largest = Math.Max(largest, Math.Abs(expected[i]));
            }
        }
        output.WriteLine($"{network}: max |ONNX Runtime − Predict| = {worst:E2}, relative to max(1, |Predict|) {worstScaled:E2}; max |Predict| = {largest:F3}");
        Assert.True(worstScaled <= Tolerance, $"{network}: ONNX Runtime differs from Predict by {worst:E3} (outputs up to {largest:F3}).");
    }

    [Fact]
    public void TheFileOverloadWritesAModelOnnxRuntimeLoads()
    {
        INetwork net = SampleNetworks.Trained(typeof(TabularZScore).FullName!);
        string folder = Directory.CreateTempSubdirectory("normreg-onnx-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.onnx");
            File.WriteAllText(path, "an older file, replaced");
            net.ExportOnnx(path);

            Assert.Equal([path], Directory.GetFiles(folder));
            using OnnxRuntimeModel model = OnnxRuntimeModel.Load(path);
            float[] x = SampleNetworks.Features(new Random(5), 4, net.InputSize);
            float[] expected = new float[4 * net.OutputSize];
            net.Predict(x, expected, 4);
            float[] actual = model.Run(x, 4, net.Architecture.InputShape);
            Assert.All(expected.Zip(actual), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= Tolerance * Math.Max(1, Math.Abs(pair.First))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
