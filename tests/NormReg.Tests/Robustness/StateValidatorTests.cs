using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using NormReg.Tests.Networks;
using NormReg.Tests.Onnx;

namespace NormReg.Tests.Robustness;

/// <summary>
/// The one state validator, as a property over every sample network and every place in its state: a non-finite
/// parameter, a statistic out of its domain, refused with a message naming value, layer and offset; Load through it
/// refuses tampered files whose checksum was recomputed, leaving network and optimizer byte-identical.
/// </summary>
public sealed class StateValidatorTests
{
    private static readonly float[] NonFinite = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    public static TheoryData<string> Networks => new(SampleNetworks.Types().Select(t => t.FullName!));

    [Theory]
    [MemberData(nameof(Networks))]
    public void Every_non_finite_parameter_is_refused_naming_its_layer_and_offset(string network)
    {
        INetwork net = SampleNetworks.Trained(network);
        float[] state = new float[net.StateLength];
        net.CopyState(state);
        Assert.Null(StateValidator.FindProblem(net.Architecture, state));
        float[] bad = state.ToArray();
        for (int i = 0; i < net.Architecture.ParameterCount; i++)
        {
            if (i > 0) bad[i - 1] = state[i - 1];
            bad[i] = NonFinite[i % 3];
            var e = Assert.Throws<ArgumentException>(() => StateValidator.Validate(net.Architecture, bad, "RestoreState(source)"));
            string place = StateValidator.DescribeParameter(net.Architecture, i);
            Assert.Contains($"{bad[i]}", e.Message);
            Assert.Contains(place, e.Message);
            Assert.Contains($"state offset {i}", e.Message);
            Assert.Contains("RestoreState(source)", e.Message);
            Assert.DoesNotContain("parameter " + i, place); // every parameter belongs to a named layer
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Every_statistic_out_of_its_domain_is_refused(string network)
    {
        INetwork net = SampleNetworks.Trained(network);
        NetworkArchitecture a = net.Architecture;
        float[] state = new float[net.StateLength];
        net.CopyState(state);
        int p = a.ParameterCount;
        foreach ((int offset, float value, string fragment) in BadStatistics(a))
        {
            float[] bad = state.ToArray();
            bad[p + offset] = value;
            string? problem = StateValidator.FindProblem(a, bad);
            Assert.NotNull(problem);
            Assert.Contains(fragment, problem);
            Assert.Contains($"state offset", problem);
        }
    }

    private static System.Collections.Generic.IEnumerable<(int Offset, float Value, string Fragment)> BadStatistics(NetworkArchitecture a)
    {
        // Input statistics per feature of a vector, per channel of an image; BatchNorm's per feature, or per channel after a spatial row.
        int n = a.ScaledFeatures;
        string what = a.IsImage ? "channel" : "feature";
        if (a.Scaling == InputScalingKind.ZScore)
        {
            for (int j = 0; j < n; j++)
            {
                yield return (j, float.NaN, $"mean of {what} {j}");
                yield return (n + j, 0f, $"standard deviation of {what} {j}");
                yield return (n + j, -1f, $"standard deviation of {what} {j}");
                yield return (n + j, float.PositiveInfinity, $"standard deviation of {what} {j}");
            }
        }
        if (a.Scaling == InputScalingKind.MinMax)
        {
            for (int j = 0; j < n; j++)
            {
                yield return (j, float.NaN, $"minimum of {what} {j}");
                yield return (n + j, float.NegativeInfinity, $"maximum of {what} {j}");
            }
        }
        foreach (LayerDescription layer in a.Layers.Where(l => l.Type == LayerType.BatchNorm))
        {
            int features = layer.InputShape.Count == 3 ? layer.InputShape[0] : layer.Inputs;
            for (int j = 0; j < features; j++)
            {
                yield return (layer.StatisticsOffset + j, float.NaN, $"{layer.Name}.RunningMean[{j}]");
                yield return (layer.StatisticsOffset + features + j, -1e-3f, $"{layer.Name}.RunningVariance[{j}]");
                yield return (layer.StatisticsOffset + features + j, float.NaN, $"{layer.Name}.RunningVariance[{j}]");
                yield return (layer.StatisticsOffset + features + j, float.PositiveInfinity, $"{layer.Name}.RunningVariance[{j}]");
            }
        }
    }

    [Fact]
    public void An_unfitted_scaling_is_valid_and_a_partly_NaN_one_is_not()
    {
        var net = new BatchNormFirst(4, seed: 1);
        float[] state = new float[net.StateLength];
        net.CopyState(state);
        Assert.Null(StateValidator.FindProblem(BatchNormFirst.Architecture, state)); // never fitted: all NaN
        state[BatchNormFirst.ParameterCount + 2] = 0.5f;
        Assert.Contains("NaN as the input mean of feature 0 ([ZScore]", StateValidator.FindProblem(BatchNormFirst.Architecture, state));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Load_refuses_a_tampered_file_with_a_valid_checksum_and_changes_nothing(string network)
    {
        INetwork net = SampleNetworks.Trained(network);
        if (net.Parameters.Length == 0) return; // nothing to tamper with but statistics, and these networks have none
        var optimizer = new Adam(1e-3);
        float[] zeros = new float[net.Parameters.Length];
        optimizer.Step(net.Parameters.ToArray(), zeros);
        var stream = new MemoryStream();
        net.Save(stream, optimizer);
        byte[] file = stream.ToArray();
        int start = StateStart(file);
        var random = new Random(network.Length);
        float[] before = new float[net.StateLength];
        net.CopyState(before);
        float[] moments = optimizer.StateBuffer(1).ToArray();
        for (int trial = 0; trial < 20; trial++)
        {
            int index = random.Next(net.StateLength);
            float value = index < net.Architecture.ParameterCount ? NonFinite[trial % 3] : (trial % 2 == 0 ? float.NaN : -1f);
            byte[] tampered = file.ToArray();
            BitConverter.TryWriteBytes(tampered.AsSpan(start + 4 * index), value);
            SHA256.HashData(tampered.AsSpan(0, tampered.Length - 32)).CopyTo(tampered.AsSpan(tampered.Length - 32));
            float[] saved = before.ToArray();
            saved[index] = value;
            if (StateValidator.FindProblem(net.Architecture, saved) is null) continue; // e.g. −1 as a mean is valid
            var e = Assert.Throws<ModelFileException>(() => net.Load(new MemoryStream(tampered), optimizer));
            Assert.Equal(ModelFileReason.InvalidValue, e.Reason);
            Assert.Contains("state offset", e.Message);
            Assert.Contains($"{index}", e.Message);
            Assert.Contains(StateValidator.Show(value), e.Message);
            float[] after = new float[net.StateLength];
            net.CopyState(after);
            Assert.Equal(before, after);
            Assert.Equal(moments, optimizer.StateBuffer(1).ToArray());
        }
        // A NaN second moment in the optimizer section is refused too.
        byte[] badMoment = file.ToArray();
        int momentStart = file.Length - 32 - 4 * net.Parameters.Length;
        BitConverter.TryWriteBytes(badMoment.AsSpan(momentStart), -1f);
        SHA256.HashData(badMoment.AsSpan(0, badMoment.Length - 32)).CopyTo(badMoment.AsSpan(badMoment.Length - 32));
        var m = Assert.Throws<ModelFileException>(() => net.Load(new MemoryStream(badMoment), optimizer));
        Assert.Equal(ModelFileReason.InvalidValue, m.Reason);
        Assert.Contains("second moment", m.Message);
    }

    /// <summary>Where the state's floats begin: header, fingerprint, name, description, two counts (docs/model-files.md).</summary>
    private static int StateStart(byte[] file)
    {
        int at = 28 + 32;
        at += 4 + BitConverter.ToInt32(file, at);
        at += 4 + BitConverter.ToInt32(file, at);
        return at + 8;
    }
}
