using System;
using System.Buffers.Binary;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using NormReg.Tests.Networks;
using static NormReg.Tests.Files.SavedModels;

namespace NormReg.Tests.Files;

/// <summary>What is saved comes back bit for bit: predictions, statistics, and the optimizer's state for resumed training.</summary>
public sealed class ModelFileRoundTripTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("normreg-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> Networks() => new(Names);

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_loaded_network_predicts_bit_for_bit_as_the_saved_one(string name)
    {
        INetwork saved = Trained(name, new Adam(1e-2));
        string path = Path.Combine(_directory, "model.nrg");
        saved.Save(path);

        INetwork loaded = Create(name, seed: 99);
        Assert.NotEqual(Bits(State(saved)), Bits(State(loaded)));
        loaded.Load(path);

        Assert.Equal(Bits(State(saved)), Bits(State(loaded)));
        float[] inputs = Features(saved.InputSize, Batch, seed: 21);
        Assert.Equal(Bits(Predict(saved, inputs)), Bits(Predict(loaded, inputs)));
    }

    [Fact]
    public void Statistics_and_running_statistics_travel_with_the_weights()
    {
        var saved = (BatchNormFirst)Trained(nameof(BatchNormFirst), new Sgd(0.05));
        Assert.NotEqual(0f, saved.BatchNorm1.RunningMean[0]);
        using var stream = new MemoryStream();
        saved.Save(stream);

        var loaded = new BatchNormFirst(Batch, seed: 8);
        stream.Position = 0;
        loaded.Load(stream);

        Assert.Equal(Bits(saved.BatchNorm1.RunningMean), Bits(loaded.BatchNorm1.RunningMean));
        Assert.Equal(Bits(saved.BatchNorm2.RunningVariance), Bits(loaded.BatchNorm2.RunningVariance));
        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
    }

    [Fact]
    public void A_model_trained_with_dropout_loads_into_the_same_network_without_it()
    {
        INetwork saved = Trained(nameof(RegularizedClassifier), new Sgd(0.05, momentum: 0.9));
        var loaded = new RegularizedClassifierWithoutDropout(Batch);

        loaded.Load(new MemoryStream(Snapshot(saved)));

        float[] inputs = Features(saved.InputSize, Batch, seed: 4);
        Assert.Equal(Bits(Predict(saved, inputs)), Bits(Predict(loaded, inputs)));
    }

    public static TheoryData<string, Func<Optimizer>> Resumable() => new()
    {
        { nameof(BatchNormFirst), () => new Adam(1e-2) },
        { nameof(LayerNormNet), () => new AdamW(1e-2, weightDecay: 0.1) },
        { nameof(FoldedRegressor), () => new Sgd(0.05, momentum: 0.9) },
        { nameof(BatchNormFirst), () => new Sgd(0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3) },
        { nameof(LinearClassifier), () => new Sgd(0.1) },
    };

    [Theory]
    [MemberData(nameof(Resumable))]
    public void Training_resumed_from_a_file_matches_training_that_never_stopped(string name, Func<Optimizer> optimizer)
    {
        Optimizer original = optimizer();
        INetwork net = Trained(name, original, steps: 6);
        original.LearningRate *= 0.5;   // as a schedule would: the file keeps the rate in force
        string path = Path.Combine(_directory, "checkpoint.nrg");
        net.Save(path, original);
        Train(net, original, steps: 7, seed: 77);

        INetwork resumedNet = Create(name, seed: 42);
        Optimizer resumed = optimizer();
        resumedNet.Load(path, resumed);
        Assert.Equal(original.Steps - 7, resumed.Steps);
        Train(resumedNet, resumed, steps: 7, seed: 77);

        Assert.Equal(Bits(State(net)), Bits(State(resumedNet)));
        Assert.Equal(original.LearningRate, resumed.LearningRate);
        Assert.Equal(Snapshot(net, original), Snapshot(resumedNet, resumed));
    }

    [Fact]
    public void Without_the_optimizer_state_resumed_Adam_training_departs()
    {
        // The control for the test above: it could fail, because fresh moments do change the steps.
        var original = new Adam(1e-2);
        INetwork net = Trained(nameof(BatchNormFirst), original, steps: 6);
        byte[] file = Snapshot(net);
        Train(net, original, steps: 3, seed: 77);

        INetwork restarted = Create(nameof(BatchNormFirst));
        restarted.Load(new MemoryStream(file));
        Train(restarted, new Adam(1e-2), steps: 3, seed: 77);

        Assert.NotEqual(Bits(State(net)), Bits(State(restarted)));
    }

    [Fact]
    public void An_optimizer_saved_before_its_first_step_loads_as_a_fresh_one()
    {
        INetwork net = Create(nameof(LinearClassifier), seed: 1);
        var fresh = new Adam(3e-3);
        byte[] file = Snapshot(net, fresh);
        Assert.Equal(0, ModelFile.ReadInfo(new MemoryStream(file)).OptimizerSteps);

        var used = new Adam(3e-3);
        Train(net, used, steps: 2, seed: 1);
        net.Load(new MemoryStream(file), used);

        Assert.Equal(0, used.Steps);
        Assert.Equal(file, Snapshot(net, used));
        INetwork twin = Create(nameof(LinearClassifier), seed: 1);
        Train(net, used, steps: 3, seed: 2);
        Train(twin, new Adam(3e-3), steps: 3, seed: 2);
        Assert.Equal(Bits(State(twin)), Bits(State(net)));
    }

    [Fact]
    public void Saving_is_deterministic()
    {
        INetwork a = Trained(nameof(LayerNormNet), new Adam(1e-2));
        INetwork b = Trained(nameof(LayerNormNet), new Adam(1e-2));
        string first = Path.Combine(_directory, "a.nrg"), second = Path.Combine(_directory, "b.nrg");

        a.Save(first);
        b.Save(second);
        INetwork reloaded = Create(nameof(LayerNormNet), seed: 5);
        reloaded.Load(first);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Equal(File.ReadAllBytes(first), Snapshot(reloaded));
    }

    [Fact]
    public void The_bytes_follow_the_documented_layout()
    {
        var adam = new Adam(1e-2);
        INetwork net = Trained(nameof(LinearClassifier), adam, steps: 3);
        byte[] file = Snapshot(net, adam);
        NetworkArchitecture a = LinearClassifier.Architecture;
        byte[] name = Encoding.UTF8.GetBytes(a.Name), description = Encoding.UTF8.GetBytes(a.Describe());
        float[] state = State(net);

        Assert.Equal(new byte[] { 0x89, (byte)'N', (byte)'R', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, file[..8]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)));
        Assert.Equal((ulong)file.Length, BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(12)));
        Assert.Equal(SHA256.HashData(file.AsSpan(0, 20))[..8], file[20..28]);
        Assert.Equal(Convert.FromHexString(a.Fingerprint), file[28..60]);
        int at = 60;
        Assert.Equal(name, Text(file, ref at));
        Assert.Equal(description, Text(file, ref at));
        Assert.Equal(a.ParameterCount, Int(file, ref at));
        Assert.Equal(a.StatisticsCount, Int(file, ref at));
        for (int i = 0; i < state.Length; i++, at += 4) Assert.Equal(state[i], BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(at)));
        Assert.Equal(1, file[at++]);
        Assert.Equal("Adam(beta1=0.9,beta2=0.999,epsilon=1E-08,weightDecay=0)", Encoding.UTF8.GetString(Text(file, ref at)));
        Assert.Equal(3L, BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(at)));
        Assert.Equal(1e-2, BinaryPrimitives.ReadDoubleLittleEndian(file.AsSpan(at + 8)));
        at += 16;
        Assert.Equal(2, Int(file, ref at));
        at += 2 * 4 * a.ParameterCount;
        Assert.Equal(file.Length - 32, at);
        Assert.Equal(SHA256.HashData(file.AsSpan(0, at)), file[at..]);
    }

    [Fact]
    public void ReadInfo_describes_the_file_without_a_network()
    {
        var sgd = new Sgd(0.05, momentum: 0.9);
        INetwork net = Trained(nameof(FoldedRegressor), sgd, steps: 4);
        string path = Path.Combine(_directory, "info.nrg");
        net.Save(path, sgd);

        ModelFileInfo info = ModelFile.ReadInfo(path);

        Assert.Equal(ModelFile.FormatVersion, info.FormatVersion);
        Assert.Equal("FoldedRegressor", info.NetworkName);
        Assert.Equal(FoldedRegressor.Architecture.Fingerprint, info.Fingerprint);
        Assert.Equal(FoldedRegressor.Architecture.Describe(), info.Description);
        Assert.Equal((FoldedRegressor.Architecture.ParameterCount, FoldedRegressor.Architecture.StatisticsCount), (info.ParameterCount, info.StatisticsCount));
        Assert.Equal("Sgd(momentum=0.9,dampening=0,weightDecay=0,nesterov=false)", info.OptimizerKind);
        Assert.Equal(4, info.OptimizerSteps);
    }

    [Fact]
    public void A_file_with_optimizer_state_loads_the_network_alone_when_no_optimizer_is_given()
    {
        var adam = new Adam();
        INetwork saved = Trained(nameof(BatchNormFirst), adam);
        INetwork loaded = Create(nameof(BatchNormFirst), seed: 6);

        loaded.Load(new MemoryStream(Snapshot(saved, adam)));

        Assert.Equal(Bits(State(saved)), Bits(State(loaded)));
    }

    private static byte[] Text(byte[] file, ref int at)
    {
        int length = Int(file, ref at);
        byte[] text = file[at..(at + length)];
        at += length;
        return text;
    }

    private static int Int(byte[] file, ref int at)
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
        at += 4;
        return value;
    }
}
