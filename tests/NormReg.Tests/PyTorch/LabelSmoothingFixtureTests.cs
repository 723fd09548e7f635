using System;

namespace NormReg.Tests.PyTorch;

/// <summary>Networks declared with each label smoothing the fixture holds; four classes each.</summary>
[Network(LabelSmoothing = 0.1)]
[Input(2)]
[Dense(4)]
public partial class SmoothedByTenth;

/// <inheritdoc cref="SmoothedByTenth"/>
[Network(LabelSmoothing = 0.25)]
[Input(2)]
[Dense(4)]
public partial class SmoothedByQuarter;

/// <inheritdoc cref="SmoothedByTenth"/>
[Network]
[Input(2)]
[Dense(4)]
public partial class Unsmoothed;

/// <summary>
/// <c>[Network(LabelSmoothing = ε)]</c>: the loss and its gradient equal PyTorch's <c>nn.CrossEntropyLoss(label_smoothing=ε)</c>
/// (<c>make_label_smoothing.py</c> wrote <c>label_smoothing.json</c>), through the network's own ComputeLoss.
/// </summary>
public sealed class LabelSmoothingFixtureTests
{
    private const string File = "label_smoothing.json";

    public static TheoryData<string> Cases => Fixtures.CaseNames(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_gradient_equal_PyTorchs(string name)
    {
        var c = Fixtures.Case(File, name);
        IClassifier net = c.GetProperty("label_smoothing").GetDouble() switch
        {
            0.1 => new SmoothedByTenth(maxBatchSize: 8),
            0.25 => new SmoothedByQuarter(maxBatchSize: 8),
            _ => new Unsmoothed(maxBatchSize: 8),
        };
        int batch = c.Int("batch");
        float[] logits = c.Floats("logits"), gradients = new float[logits.Length];
        int[] labels = [.. System.Linq.Enumerable.Select(c.GetProperty("labels").EnumerateArray(), v => v.GetInt32())];

        float loss = net.ComputeLoss(logits, labels, batch, gradients);

        Assert.Equal(c.GetProperty("loss").GetDouble(), loss, 1e-5);
        float[] expected = c.Floats("gradient");
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], gradients[i], 1e-6);
    }

    [Fact]
    public void The_smoothing_is_part_of_the_architecture_but_not_of_the_fingerprint()
    {
        Assert.Equal(0.1, SmoothedByTenth.Architecture.LabelSmoothing);
        Assert.Equal(Unsmoothed.Architecture.Fingerprint.Length, SmoothedByTenth.Architecture.Fingerprint.Length);
        Assert.Equal(Unsmoothed.Architecture.Describe().Replace("Unsmoothed", ""), SmoothedByTenth.Architecture.Describe().Replace("SmoothedByTenth", ""));
    }
}
