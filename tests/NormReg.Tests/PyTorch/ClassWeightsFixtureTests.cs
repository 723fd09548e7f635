using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.PyTorch;

/// <summary>
/// Class weights: the loss and its gradient equal PyTorch's <c>nn.CrossEntropyLoss(weight=w, label_smoothing=ε)</c>
/// (<c>make_class_weights.py</c> wrote <c>class_weights.json</c>) through the network's own ComputeLoss; TrainStep and Fit
/// train on that loss.
/// </summary>
public sealed class ClassWeightsFixtureTests
{
    private const string File = "class_weights.json";

    private static readonly float[] X = [.. Enumerable.Range(0, 12 * 4).Select(i => (float)Math.Sin(0.37 * i))];
    private static readonly int[] Y = [.. Enumerable.Range(0, 12).Select(i => (i * 5) % 3)];
    private static readonly float[] Weights = [0.5f, 3f, 1.25f];

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
        int[] labels = [.. c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32())];

        float loss = net.ComputeLoss(logits, labels, batch, gradients, c.Floats("weights"));

        Assert.Equal(c.GetProperty("loss").GetDouble(), loss, 1e-5);
        float[] expected = c.Floats("gradient");
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], gradients[i], 1e-6);
    }

    [Fact]
    public void TrainStep_takes_the_step_of_the_weighted_loss()
    {
        var stepped = new DeepClassifier(maxBatchSize: 12, seed: 4);
        var byHand = new DeepClassifier(maxBatchSize: 12, seed: 4);
        var outputs = new float[12 * 3];
        var outputGradients = new float[outputs.Length];

        float loss = stepped.TrainStep(X, Y, 12, new Sgd(0.1), Weights);
        byHand.Forward(X, outputs, 12, ForwardMode.Training);
        float expected = byHand.ComputeLoss(outputs, Y, 12, outputGradients, Weights);
        byHand.Backward(outputGradients, 12);
        byHand.Update(new Sgd(0.1));

        Assert.Equal(expected, loss);
        Assert.Equal(byHand.Parameters.ToArray(), stepped.Parameters.ToArray());
        var unweighted = new DeepClassifier(maxBatchSize: 12, seed: 4);
        unweighted.TrainStep(X, Y, 12, new Sgd(0.1));
        Assert.NotEqual(unweighted.Parameters.ToArray(), stepped.Parameters.ToArray());
    }

    [Fact]
    public void Fit_trains_with_FitOptions_ClassWeights_and_reports_unweighted_losses()
    {
        var fitted = new DeepClassifier(maxBatchSize: 12, seed: 4);
        var stepped = new DeepClassifier(maxBatchSize: 12, seed: 4);
        var sgd = new Sgd(0.1);

        History history = fitted.Fit(X, Y, new Sgd(0.1), new FitOptions { Epochs = 2, BatchSize = 12, Shuffle = false, ClassWeights = Weights });
        stepped.TrainStep(X, Y, 12, sgd, Weights);
        stepped.TrainStep(X, Y, 12, sgd, Weights);

        Assert.Equal(stepped.Parameters.ToArray(), fitted.Parameters.ToArray());
        Assert.Equal(stepped.Evaluate(X, Y).Loss, history.Last.Loss, 1e-12);
    }

    [Fact]
    public void Bad_weights_are_refused_before_anything_changes()
    {
        var net = new DeepClassifier(maxBatchSize: 12, seed: 4);
        float[] before = net.Parameters.ToArray();
        var gradients = new float[36];

        Assert.Contains("one weight per class, 3; got 2", Assert.Throws<ArgumentException>(() => net.TrainStep(X, Y, 12, new Sgd(0.1), [1f, 2f])).Message);
        Assert.Contains("classWeights[1] must be finite and 0 or more; got -1", Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeLoss(new float[36], Y, 12, gradients, [1f, -1f, 1f])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(X, Y, 12, new Sgd(0.1), [1f, float.NaN, 1f]));
        Assert.Contains("all are 0", Assert.Throws<ArgumentException>(() => net.TrainStep(X, Y, 12, new Sgd(0.1), [0f, 0f, 0f])).Message);
        var e = Assert.Throws<ArgumentException>(() => net.Fit(X, Y, new Sgd(0.1), new FitOptions { ClassWeights = [] }));
        Assert.Equal(("options", true), (e.ParamName, e.Message.Contains("FitOptions.ClassWeights must hold one weight per class")));
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Contains("SoftmaxCrossEntropy", Assert.Throws<ArgumentException>(() =>
            new TanhRegressor(maxBatchSize: 4).Fit(X, new float[12 * 3], new Sgd(0.1), new FitOptions { ClassWeights = [1f, 1f, 1f] })).Message);
    }

    [Fact]
    public void A_batch_of_classes_weighing_0_has_loss_and_gradient_0()
    {
        var net = new Unsmoothed(maxBatchSize: 4);
        float[] gradients = [9f, 9f, 9f, 9f, 9f, 9f, 9f, 9f];

        float loss = net.ComputeLoss([1f, 2f, 3f, 4f, -1f, 0f, 1f, 2f], [1, 1], 2, gradients, [1f, 0f, 1f, 1f]);

        Assert.Equal(0f, loss);
        Assert.All(gradients, g => Assert.Equal(0f, g));
    }
}
