using System;
using NormReg.Tests.Networks;

namespace NormReg.Tests;

/// <summary>Wrong input gets a clear exception naming what was expected and what came, and leaves the network as it was.</summary>
public sealed class BadInputTests
{
    private const int Batch = 4;
    private readonly DeepClassifier _net = new(Batch, seed: 1);
    private readonly float[] _inputs = new float[Batch * DeepClassifier.InputSize];
    private readonly int[] _labels = [0, 1, 2, 0];
    private readonly Sgd _sgd = new(0.1, momentum: 0.9);

    public BadInputTests()
    {
        for (int i = 0; i < _inputs.Length; i++) _inputs[i] = i * 0.1f;
    }

    [Fact]
    public void Wrong_input_length_names_expected_and_actual()
    {
        var e = Assert.Throws<ArgumentException>(() => _net.Predict(new float[7], new float[DeepClassifier.OutputSize]));
        Assert.Contains("DeepClassifier", e.Message);
        Assert.Contains("= 4 values", e.Message);
        Assert.Contains("got 7", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Batch + 1)]
    public void Batch_outside_1_to_max_is_rejected(int batch)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _net.Predict(new float[batch * 4], new float[batch * 3], batch));
        Assert.Contains($"between 1 and {Batch}", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_input_is_rejected_before_any_change(float bad)
    {
        float[] before = _net.Parameters.ToArray();
        _inputs[5] = bad;

        var e = Assert.Throws<ArgumentException>(() => _net.TrainStep(_inputs, _labels, Batch, _sgd));

        Assert.Contains("inputs[5]", e.Message);
        Assert.Equal(before, _net.Parameters.ToArray());
    }

    [Fact]
    public void Label_out_of_range_is_rejected_before_any_change()
    {
        float[] before = _net.Parameters.ToArray();

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _net.TrainStep(_inputs, [0, 1, 3, 0], Batch, _sgd));

        Assert.Contains("labels[2]", e.Message);
        Assert.Contains("[0, 3)", e.Message);
        Assert.Equal(before, _net.Parameters.ToArray());
    }

    [Fact]
    public void A_step_whose_loss_overflows_leaves_the_parameters_unchanged()
    {
        _net.Hidden.Weights.Fill(float.MaxValue / 4);
        float[] before = _net.Parameters.ToArray();
        _inputs.AsSpan().Fill(1e6f);

        var e = Assert.Throws<ArithmeticException>(() => _net.TrainStep(_inputs, _labels, Batch, _sgd));

        Assert.Contains("unchanged", e.Message);
        Assert.Equal(before, _net.Parameters.ToArray());
    }

    [Fact]
    public void Backward_without_a_training_forward_is_an_error()
    {
        var outputs = new float[Batch * DeepClassifier.OutputSize];
        _net.Forward(_inputs, outputs, Batch, ForwardMode.Inference);

        var e = Assert.Throws<InvalidOperationException>(() => _net.Backward(outputs, Batch));

        Assert.Contains("ForwardMode.Training", e.Message);
    }

    [Fact]
    public void Refitting_the_input_scaling_ends_a_pending_training_forward_and_a_refused_fit_does_not()
    {
        var net = new RegularizedClassifier(maxBatchSize: 2, seed: 1);
        float[] inputs = [0.1f, 0.7f, 1.3f, 0.2f, 2.5f, 0.4f, 1.1f, 0.3f, 0.9f, 1.8f, 0.6f, 2.2f], outputs = new float[6];
        net.FitNormalization(inputs);
        net.Forward(inputs, outputs, 2, ForwardMode.Training);

        Assert.Throws<ArgumentException>(() => net.FitNormalization(inputs.AsSpan(0, 5)));
        net.Backward(outputs, 2); // the refused fit changed nothing: the pass is still pending
#pragma warning disable NRG100 // the Backward after this pass is the point of the test, inside Assert.Throws
        net.Forward(inputs, outputs, 2, ForwardMode.Training);
#pragma warning restore NRG100
        net.FitNormalization(inputs);

        Assert.Throws<InvalidOperationException>(() => net.Backward(outputs, 2)); // its activations used the old statistics
    }

    [Fact]
    public void Backward_with_another_batch_size_is_an_error()
    {
        var outputs = new float[Batch * DeepClassifier.OutputSize];
        _net.Forward(_inputs, outputs, Batch, ForwardMode.Training);

        var e = Assert.Throws<ArgumentException>(() => _net.Backward(outputs.AsSpan(0, 6), 2));

        Assert.Contains("batch size of the last training-mode Forward, 4", e.Message);
    }

    [Fact]
    public void One_optimizer_cannot_step_two_different_networks()
    {
        var other = new LinearClassifier(Batch);
        _net.TrainStep(_inputs, _labels, Batch, _sgd);

        var e = Assert.Throws<ArgumentException>(() => other.TrainStep(new float[Batch * 5], _labels, Batch, _sgd));

        Assert.Contains("one optimizer per network", e.Message);
    }
}
