using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using NormReg.Tests.Networks;
using NormReg.Tests.TrainingLoop;
using static NormReg.Tests.Files.SavedModels;

namespace NormReg.Tests.Files;

/// <summary>
/// Truncated, corrupted, foreign and mismatched files each throw <see cref="ModelFileException"/> with the documented
/// reason, and the network and the optimizer keep their state to the bit.
/// </summary>
public sealed class ModelFileDamageTests
{
    /// <summary>A file of one network and its Adam state, and a different network and optimizer to load it into.</summary>
    private sealed class Case
    {
        public Case(string name, Func<Optimizer> optimizer)
        {
            Optimizer saving = optimizer();
            File = Snapshot(Trained(name, saving), saving);
            Optimizer = optimizer();
            Target = Trained(name, Optimizer, steps: 2);
            Before = Snapshot(Target, Optimizer);
        }

        public byte[] File { get; }

        public INetwork Target { get; }

        public Optimizer Optimizer { get; }

        public byte[] Before { get; }

        public ModelFileException LoadFails(byte[] bytes)
        {
            var e = Assert.Throws<ModelFileException>(() => Target.Load(new MemoryStream(bytes), Optimizer));
            Assert.Equal(Before, Snapshot(Target, Optimizer));
            return e;
        }
    }

    public static TheoryData<string, Func<Optimizer>> SmallFiles() => new()
    {
        { nameof(LinearClassifier), () => new Adam(1e-2) },
        { nameof(BatchNormFirst), () => new Sgd(0.05, momentum: 0.9) },
    };

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public void Every_truncation_is_reported_as_truncated(string name, Func<Optimizer> optimizer)
    {
        var c = new Case(name, optimizer);
        for (int length = 0; length < c.File.Length; length++)
        {
            ModelFileException e = c.LoadFails(c.File[..length]);
            Assert.True(e.Reason == ModelFileReason.Truncated, $"cut at {length} of {c.File.Length}: {e.Reason}: {e.Message}");
        }
    }

    [Fact]
    public void Truncating_a_larger_file_at_spread_points_is_reported_as_truncated()
    {
        var c = new Case(nameof(SpiralNet), () => new Adam(1e-2));
        int[] cuts = Enumerable.Range(0, 250).Select(i => (int)((long)i * c.File.Length / 250)).Concat([c.File.Length - 1, 27, 28, 29]).ToArray();
        foreach (int length in cuts)
        {
            ModelFileException e = c.LoadFails(c.File[..length]);
            Assert.True(e.Reason == ModelFileReason.Truncated, $"cut at {length}: {e.Reason}");
        }
        Assert.True(cuts.Distinct().Count() >= 200);
    }

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public void Every_flipped_byte_is_caught(string name, Func<Optimizer> optimizer)
    {
        var c = new Case(name, optimizer);
        foreach (byte mask in new byte[] { 0xFF, 0x01, 0x80 })
        {
            for (int i = 0; i < c.File.Length; i++)
            {
                byte[] damaged = (byte[])c.File.Clone();
                damaged[i] ^= mask;
                ModelFileException e = c.LoadFails(damaged);
                ModelFileReason expected = i < 8 ? ModelFileReason.NotAModelFile : ModelFileReason.Corrupted;
                Assert.True(e.Reason == expected, $"byte {i} ^ {mask:X2}: {e.Reason}: {e.Message}");
            }
        }
    }

    [Fact]
    public void Flipped_bytes_in_a_larger_file_are_caught()
    {
        var c = new Case(nameof(SpiralNet), () => new Adam(1e-2));
        int[] positions = Enumerable.Range(0, 300).Select(i => (int)((long)i * c.File.Length / 300)).Concat(Enumerable.Range(c.File.Length - 32, 32)).ToArray();
        foreach (int i in positions)
        {
            byte[] damaged = (byte[])c.File.Clone();
            damaged[i] ^= 0x10;
            Assert.Equal(i < 8 ? ModelFileReason.NotAModelFile : ModelFileReason.Corrupted, c.LoadFails(damaged).Reason);
        }
    }

    [Fact]
    public void Messages_say_what_is_wrong()
    {
        var c = new Case(nameof(LinearClassifier), () => new Adam(1e-2));
        byte[] flipped = (byte[])c.File.Clone();
        flipped[200] ^= 1;

        Assert.Contains($"it has 100 bytes of the {c.File.Length} its header declares", c.LoadFails(c.File[..100]).Message);
        Assert.Contains("shorter than the 28-byte header", c.LoadFails(c.File[..10]).Message);
        Assert.Contains("SHA-256", c.LoadFails(flipped).Message);
        Assert.Contains("header declares", c.LoadFails([.. c.File, 0]).Message);
        Assert.Equal(ModelFileReason.Corrupted, c.LoadFails([.. c.File, 0]).Reason);
        ModelFileException text = c.LoadFails("{\"weights\": [1, 2, 3]}"u8.ToArray());
        Assert.Equal(ModelFileReason.NotAModelFile, text.Reason);
        Assert.Contains("7B22776569676874", text.Message);
    }

    [Fact]
    public void A_file_errors_name_its_path_and_a_missing_file_is_not_found()
    {
        string directory = Directory.CreateTempSubdirectory("normreg-damage-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.nrg");
            File.WriteAllBytes(path, new Case(nameof(LinearClassifier), () => new Adam()).File[..50]);
            INetwork net = Create(nameof(LinearClassifier));
            byte[] before = Snapshot(net);

            var e = Assert.Throws<ModelFileException>(() => net.Load(path));
            Assert.Equal(ModelFileReason.Truncated, e.Reason);
            Assert.Equal(path, e.Path);
            Assert.Contains(path, e.Message);
            Assert.Equal(before, Snapshot(net));
            Assert.Throws<FileNotFoundException>(() => net.Load(Path.Combine(directory, "absent.nrg")));
            Assert.Throws<FileNotFoundException>(() => ModelFile.ReadInfo(Path.Combine(directory, "absent.nrg")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_newer_format_version_is_unsupported()
    {
        var c = new Case(nameof(LinearClassifier), () => new Adam(1e-2));
        byte[] newer = (byte[])c.File.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(newer.AsSpan(8), 2);
        SHA256.HashData(newer.AsSpan(0, 20))[..8].CopyTo(newer, 20);

        ModelFileException e = c.LoadFails(newer);

        Assert.Equal(ModelFileReason.UnsupportedVersion, e.Reason);
        Assert.Contains("format version 2; this NormReg reads version 1", e.Message);
    }

    [Fact]
    public void Content_that_does_not_hold_together_is_corrupted_even_with_a_valid_checksum()
    {
        var c = new Case(nameof(LinearClassifier), () => new Adam(1e-2));
        byte[] wrongFingerprint = Resealed(c.File, file => file[28] ^= 1);
        byte[] badFlag = Resealed(c.File, file => file[FlagOffset(file)] = 2);
        INetwork net = Create(nameof(LinearClassifier));
        byte[] unstepped = Snapshot(net, new Adam(1e-2));
        byte[] threeBuffers = Resealed(unstepped, file => file[FlagOffset(file) + 1 + 4 + "Adam(beta1=0.9,beta2=0.999,epsilon=1E-08,weightDecay=0)".Length + 16] = 3);

        Assert.Contains("fingerprint is not the SHA-256 of the stored description", c.LoadFails(wrongFingerprint).Message);
        Assert.Contains("Adam(beta1=0.9,beta2=0.999,epsilon=1E-08,weightDecay=0) keeps 2 buffers, the file holds 3", c.LoadFails(threeBuffers).Message);
        ModelFileException flag = c.LoadFails(badFlag);
        Assert.Equal(ModelFileReason.Corrupted, flag.Reason);
        Assert.Contains("although its checksum matches", flag.Message);
    }

    [Fact]
    public void Another_architecture_is_refused_with_both_descriptions()
    {
        var c = new Case(nameof(LinearClassifier), () => new Adam(1e-2));
        var other = new MultiLabelNet(Batch, seed: 2);
        byte[] before = Snapshot(other);

        var e = Assert.Throws<ModelFileException>(() => other.Load(new MemoryStream(c.File)));

        Assert.Equal(ModelFileReason.ArchitectureMismatch, e.Reason);
        Assert.Contains($"holds a network 'LinearClassifier' ({LinearClassifier.Architecture.Describe()})", e.Message);
        Assert.Contains($"but this is 'MultiLabelNet' ({MultiLabelNet.Architecture.Describe()})", e.Message);
        Assert.Contains("first difference at token 1: file 'loss=SoftmaxCrossEntropy', network 'loss=BinaryCrossEntropy'", e.Message);
        Assert.Equal(before, Snapshot(other));
    }

    [Fact]
    public void A_network_that_differs_only_in_width_is_refused()
    {
        var c = new Case(nameof(BatchNormFirst), () => new Adam(1e-2));
        var deep = new DeepClassifier(Batch);
        var adam = new Adam(1e-2);
        byte[] before = Snapshot(deep, adam);

        Assert.Equal(ModelFileReason.ArchitectureMismatch, Assert.Throws<ModelFileException>(() => deep.Load(new MemoryStream(c.File), adam)).Reason);
        Assert.Equal(before, Snapshot(deep, adam));
    }

    public static TheoryData<Func<Optimizer>, string> OtherOptimizers() => new()
    {
        { () => new Sgd(1e-2, momentum: 0.9), "the optimizer given is Sgd(momentum=0.9," },
        { () => new AdamW(1e-2), "the optimizer given is AdamW(" },
        { () => new Adam(1e-2, beta2: 0.99), "beta2=0.99," },
        { () => new Adam(1e-2, weightDecay: 1e-4), "weightDecay=0.0001)" },
    };

    [Theory]
    [MemberData(nameof(OtherOptimizers))]
    public void Optimizer_state_of_another_rule_or_settings_is_refused(Func<Optimizer> other, string named)
    {
        var c = new Case(nameof(LinearClassifier), () => new Adam(1e-2));
        Optimizer optimizer = other();
        Train(c.Target, optimizer, steps: 2, seed: 3);
        byte[] before = Snapshot(c.Target, optimizer);

        var e = Assert.Throws<ModelFileException>(() => c.Target.Load(new MemoryStream(c.File), optimizer));

        Assert.Equal(ModelFileReason.OptimizerMismatch, e.Reason);
        Assert.Contains("holds optimizer state of Adam(beta1=0.9,beta2=0.999,epsilon=1E-08,weightDecay=0)", e.Message);
        Assert.Contains(named, e.Message);
        Assert.Equal(before, Snapshot(c.Target, optimizer));
    }

    [Fact]
    public void An_optimizer_bound_to_another_network_is_refused()
    {
        var c = new Case(nameof(LinearClassifier), () => new Adam(1e-2));
        var adam = new Adam(1e-2);
        INetwork spiral = Create(nameof(SpiralNet));
        Train(spiral, adam, steps: 1, seed: 1);
        byte[] before = Snapshot(spiral, adam), target = Snapshot(c.Target);

        var e = Assert.Throws<ModelFileException>(() => c.Target.Load(new MemoryStream(c.File), adam));

        Assert.Equal(ModelFileReason.OptimizerMismatch, e.Reason);
        Assert.Contains($"steps a network of {SpiralNet.ParameterCount} parameters", e.Message);
        Assert.Equal(before, Snapshot(spiral, adam));
        Assert.Equal(target, Snapshot(c.Target));
        Assert.Throws<ArgumentException>(() => c.Target.Save(new MemoryStream(), adam));
    }

    [Fact]
    public void Asking_for_optimizer_state_a_file_lacks_is_refused()
    {
        var c = new Case(nameof(LinearClassifier), () => new Adam(1e-2));
        byte[] networkOnly = Snapshot(Trained(nameof(LinearClassifier), new Adam()));

        ModelFileException e = c.LoadFails(networkOnly);

        Assert.Equal(ModelFileReason.MissingOptimizerState, e.Reason);
        Assert.Contains("holds no optimizer state", e.Message);
    }

    [Fact]
    public void An_optimizer_model_files_cannot_hold_is_not_supported()
    {
        INetwork net = Create(nameof(LinearClassifier));
        var custom = new RecordingOptimizer(0.1);
        byte[] file = Snapshot(net);

        Assert.Contains("RecordingOptimizer is none of them", Assert.Throws<NotSupportedException>(() => net.Save(new MemoryStream(), custom)).Message);
        Assert.Throws<NotSupportedException>(() => net.Load(new MemoryStream(file), custom));
    }

    /// <summary>The file after <paramref name="change"/>, with its SHA-256 recomputed, as a writer with a bug would produce.</summary>
    private static byte[] Resealed(byte[] file, Action<byte[]> change)
    {
        byte[] copy = (byte[])file.Clone();
        change(copy);
        SHA256.HashData(copy.AsSpan(0, copy.Length - 32)).CopyTo(copy, copy.Length - 32);
        return copy;
    }

    /// <summary>The offset of the optimizer flag: after the header, fingerprint, name, description, counts and state.</summary>
    private static int FlagOffset(byte[] file)
    {
        int at = 60;
        at += 4 + BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
        at += 4 + BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
        int parameters = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at)), statistics = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 4));
        return at + 8 + 4 * (parameters + statistics);
    }
}
