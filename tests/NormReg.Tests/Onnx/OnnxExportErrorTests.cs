using System;
using System.IO;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Onnx;

/// <summary>What ExportOnnx refuses, and that a refusal writes nothing.</summary>
public sealed class OnnxExportErrorTests
{
    [Theory]
    [InlineData(typeof(BatchNormFirst))]
    [InlineData(typeof(ScaledIdentity))]
    public void UnfittedInputScalingThrowsNamingFitNormalization(Type network)
    {
        INetwork net = SampleNetworks.Create(network.FullName!);
        using var stream = new MemoryStream();

        var error = Assert.Throws<InvalidOperationException>(() => net.ExportOnnx(stream));
        Assert.Contains($"{network.Name}.FitNormalization", error.Message);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void NonFiniteWeightsThrowNamingTheTensor()
    {
        var net = new DeepClassifier();
        net.Hidden.Weights[3] = float.NaN;

        var error = Assert.Throws<InvalidOperationException>(() => net.ExportOnnx(new MemoryStream()));
        Assert.Contains("Hidden.weight[3] is NaN", error.Message);
    }

    [Fact]
    public void AFailedFileExportLeavesNoFile()
    {
        string folder = Directory.CreateTempSubdirectory("normreg-onnx-").FullName;
        try
        {
            Assert.Throws<InvalidOperationException>(() => new ScaledIdentity().ExportOnnx(Path.Combine(folder, "model.onnx")));
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        var net = new LinearClassifier();
        Assert.Throws<ArgumentNullException>(() => ((INetwork)null!).ExportOnnx(new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => net.ExportOnnx((Stream)null!));
        Assert.Throws<ArgumentException>(() => net.ExportOnnx(new MemoryStream([], writable: false)));
        Assert.Throws<ArgumentException>(() => net.ExportOnnx(" "));
    }
}
