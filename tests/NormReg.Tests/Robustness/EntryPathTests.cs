using System;
using System.IO;
using System.Linq;
using NormReg.Kernels;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Robustness;

/// <summary>Binary cross-entropy targets, Fit's memory for Epochs = int.MaxValue, and saving through long names and links.</summary>
public sealed class EntryPathTests
{
    [Theory]
    [InlineData(5f)]
    [InlineData(-3f)]
    [InlineData(1.0000001f)]
    [InlineData(-1e-30f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Binary_cross_entropy_targets_outside_0_1_are_refused_everywhere(float bad)
    {
        for (int index = 0; index < 6; index++)
        {
            float[] targets = [0f, 1f, 0.5f, 0.25f, 1f, 0f];
            targets[index] = bad;
            var guard = Assert.ThrowsAny<ArgumentException>(() => Guard.BinaryTargets(targets, 2, 3, "MultiLabelNet"));
            if (float.IsFinite(bad))
            {
                Assert.IsType<ArgumentOutOfRangeException>(guard);
                Assert.Contains($"targets[{index}] (sample {index / 3}, output {index % 3}) is {bad:R}", guard.Message);
                Assert.Contains("[0, 1]", guard.Message);
            }
            else
            {
                Assert.Contains($"targets[{index}] is {bad:R}", guard.Message); // not finite: refused as for every loss
            }
            float[] gradients = new float[6];
            Assert.Throws<ArgumentOutOfRangeException>(() => Losses.BinaryCrossEntropyWithLogits(new float[6], targets, gradients));
            Assert.All(gradients, g => Assert.Equal(0f, g));
            var net = new MultiLabelNet(4, seed: 1);
            float[] x = Enumerable.Range(0, 8).Select(i => (float)i).ToArray();
            var optimizer = new Adam(1e-3);
            float[] before = net.Parameters.ToArray();
            Assert.ThrowsAny<ArgumentException>(() => net.Fit(x, targets, optimizer, new FitOptions { Epochs = 1, BatchSize = 2 }));
            Assert.Equal(before, net.Parameters.ToArray());
            Assert.Equal(0, optimizer.Steps);
        }
        Guard.BinaryTargets([0f, 1f, 0.5f], 1, 3, "MultiLabelNet"); // the ends are in
    }

    [Fact]
    public void Fit_for_int_MaxValue_epochs_allocates_with_the_epochs_run()
    {
        var random = new Random(3);
        float[] x = Enumerable.Range(0, 40 * 5).Select(_ => (float)random.NextDouble()).ToArray();
        int[] y = Enumerable.Range(0, 40).Select(i => i % 4).ToArray();
        long Allocated(int epochs, out int ran)
        {
            var net = new LinearClassifier(8, seed: 1);
            var options = new FitOptions { Epochs = epochs, BatchSize = 8, ValidationSplit = 0.25, EarlyStopping = new EarlyStopping { Patience = 0, MinDelta = 10 } };
            long before = GC.GetAllocatedBytesForCurrentThread();
            History history = net.Fit(x, y, new Sgd(0.01), options);
            ran = history.Epochs.Count;
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(5, out _);
        long huge = Allocated(int.MaxValue, out int ranHuge);
        long small = Allocated(ranHuge, out int ranSmall);
        Assert.Equal(ranSmall, ranHuge);
        Assert.InRange(huge - small, -4096, 4096); // the same epochs run cost the same, whatever was asked for
    }

    [Fact]
    public void Save_takes_a_255_byte_file_name_and_writes_through_a_symbolic_link()
    {
        string directory = Directory.CreateTempSubdirectory("nrg-save-").FullName;
        try
        {
            var net = new LinearClassifier(4, seed: 2);
            string longName = Path.Combine(directory, new string('m', 251) + ".nrg");
            net.Save(longName);
            Assert.Equal(new[] { longName }, Directory.GetFiles(directory));

            string target = Path.Combine(directory, "model.nrg"), link = Path.Combine(directory, "current.nrg");
            new LinearClassifier(4, seed: 3).Save(target);
            File.CreateSymbolicLink(link, target);
            net.Save(link);
            Assert.NotNull(new FileInfo(link).LinkTarget); // still a link
            var loaded = new LinearClassifier(4, seed: 9);
            loaded.Load(target);
            Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());
            Assert.Equal(3, Directory.GetFiles(directory).Length); // no temporary file left
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void File_errors_have_the_documented_types()
    {
        var net = new LinearClassifier(4, seed: 2);
        string missingDirectory = Path.Combine(Path.GetTempPath(), "nrg-" + Guid.NewGuid().ToString("N"), "m.nrg");
        Assert.Throws<DirectoryNotFoundException>(() => net.Save(missingDirectory));
        Assert.Throws<DirectoryNotFoundException>(() => net.Load(missingDirectory));
        Assert.Throws<FileNotFoundException>(() => net.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".nrg")));
        Assert.Throws<ArgumentException>(() => net.Save(""));
        Assert.Throws<ArgumentNullException>(() => net.Save((string)null!));
        Assert.Throws<PathTooLongException>(() => net.Save(Path.Combine(Path.GetTempPath(), new string('m', 256))));
    }
}
