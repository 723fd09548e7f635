using System;
using System.Linq;
using System.Text.Json;
using NormReg.Tests.Networks.Images;

namespace NormReg.Tests.PyTorch;

/// <summary>
/// A whole convolutional network against PyTorch (cnn_training.json, float64): per-channel input statistics fitted as
/// torchvision's Normalize is given them, three SGD-with-momentum steps through BatchNorm2d, max pooling, an asymmetric
/// same-padded strided convolution with an L2 penalty, LayerNorm over C·H·W and GELU, then eval-mode predictions with
/// BatchNorm's running statistics folded into the convolution.
/// </summary>
public sealed class CnnTrainingFixtureTests
{
    private const string File = "cnn_training.json";
    private const int Batch = 6;

    [Fact]
    public void Per_channel_statistics_three_steps_and_eval_predictions_match_PyTorch()
    {
        JsonElement c = Fixtures.Document(File);
        var net = new TorchCnn(Batch);
        net.FitNormalization(c.Floats("fit"));
        c.Floats("initial").AsSpan().CopyTo(net.Parameters);
        var optimizer = new Sgd(c.Double("learning_rate"), momentum: c.Double("momentum"));

        float[] losses = new float[3], penalties = new float[3];
        JsonElement[] batches = [.. c.GetProperty("batches").EnumerateArray()], labels = [.. c.GetProperty("labels").EnumerateArray()];
        for (int step = 0; step < 3; step++)
        {
            penalties[step] = (float)net.Penalty;
            losses[step] = net.TrainStep(batches[step].ToFloats(), labels[step].EnumerateArray().Select(l => l.GetInt32()).ToArray(), Batch, optimizer);
        }
        float[] state = new float[net.StateLength];
        net.CopyState(state);
        float[] test = c.Floats("test"), predictions = new float[4 * TorchCnn.OutputSize];
        net.Predict(test, predictions, 4);

        Fixtures.AssertClose(c.Floats("losses"), losses, "data losses", 1e-5, 1e-4);
        Fixtures.AssertClose(c.Floats("penalties"), penalties, "penalties before each step", 1e-6, 1e-4);
        Fixtures.AssertClose(c.Floats("final"), state[..TorchCnn.ParameterCount], "parameters after three steps", 1e-5, 1e-4);
        Fixtures.AssertClose(c.Floats("statistics"), state[TorchCnn.ParameterCount..], "input statistics and running statistics", 1e-5, 1e-4);
        Fixtures.AssertClose(c.Floats("predictions"), predictions, "eval-mode predictions", 1e-5, 1e-4);
    }
}
