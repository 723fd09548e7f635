using System;
using System.Linq;
using System.Reflection;
using System.Text.Json;

namespace NormReg.Tests.PyTorch;

/// <summary>
/// The seeded zoo of random convolutional networks (<see cref="CnnZoo"/>, cnn_zoo.json, both written by
/// <c>make_cnn_zoo.py</c>) against PyTorch in float64, one case per network: the input scaling fitted on the same images,
/// two or three steps of SGD with momentum or Adam from the same float32 state (every loss and penalty on the way), then
/// every parameter and running statistic, the eval-mode predictions (of a batch, and of its first sample alone), and the
/// parameter and input gradients of a training-mode Forward and Backward of the first batch with given output gradients
/// (the input gradient is what no training step computes). Within 1e-5 absolute or 1e-4 relative, the
/// float32-against-float64 tolerance of the other whole-network fixtures; the script keeps only networks on which
/// PyTorch's own float32 run stays within a tenth of it.
/// </summary>
public sealed class CnnZooFixtureTests
{
    private const string File = "cnn_zoo.json";
    private const double Absolute = 1e-5, Relative = 1e-4;

    public static TheoryData<string> Cases => Fixtures.CaseNames(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_steps_state_predictions_and_gradients_match_PyTorch(string name)
    {
        JsonElement c = Fixtures.Case(File, name);
        int batch = c.Int("batch"), parameters = c.Int("parameter_count");
        var net = (INetwork)Activator.CreateInstance(typeof(CnnZoo).GetNestedType(name, BindingFlags.Public)!, c.Int("max_batch"), 0)!;
        Assert.Equal(parameters, net.Parameters.Length);
        float[] state = new float[net.StateLength];
        if (c.TryGetProperty("fit", out JsonElement fit))
        {
            net.FitNormalization(fit.ToFloats());
            net.CopyState(state);
            float[] fitted = c.Floats("fitted");
            Fixtures.AssertClose(fitted, state.AsSpan(parameters, fitted.Length), $"{name} fitted input statistics", Absolute, Relative);
        }
        net.RestoreState(c.Floats("initial"));

        Optimizer optimizer = c.GetProperty("optimizer").GetString() == "adam"
            ? new Adam(c.Double("learning_rate"))
            : new Sgd(c.Double("learning_rate"), momentum: c.Double("momentum"));
        JsonElement[] batches = [.. c.GetProperty("batches").EnumerateArray()];
        float[] losses = new float[batches.Length], penalties = new float[batches.Length];
        for (int step = 0; step < batches.Length; step++)
        {
            penalties[step] = (float)net.Penalty;
            float[] inputs = batches[step].ToFloats();
            losses[step] = net switch
            {
                IClassifier classifier => classifier.TrainStep(inputs, Labels(c, step), batch, optimizer),
                IRegressor regressor => regressor.TrainStep(inputs, c.GetProperty("targets")[step].ToFloats(), batch, optimizer),
                _ => throw new InvalidOperationException($"{name} is neither a classifier nor a regressor."),
            };
        }
        net.CopyState(state);
        float[] test = c.Floats("test");
        int samples = test.Length / net.InputSize;
        float[] predictions = new float[samples * net.OutputSize], alone = new float[net.OutputSize];
        net.Predict(test, predictions, samples);
        net.Predict(test.AsSpan(0, net.InputSize), alone, 1);
        float[] first = batches[0].ToFloats(), outputs = new float[batch * net.OutputSize], inputGradients = new float[first.Length];
        net.Forward(first, outputs, batch, ForwardMode.Training);
        net.Backward(c.Floats("output_gradients"), inputGradients, batch);

        Fixtures.AssertClose(c.Floats("losses"), losses, $"{name} data losses", Absolute, Relative);
        Fixtures.AssertClose(c.Floats("penalties"), penalties, $"{name} penalties before each step", Absolute, Relative);
        float[] expected = c.Floats("final");
        Fixtures.AssertClose(expected.AsSpan(0, parameters), state.AsSpan(0, parameters), $"{name} parameters after training", Absolute, Relative);
        Fixtures.AssertClose(expected.AsSpan(parameters), state.AsSpan(parameters), $"{name} statistics after training", Absolute, Relative);
        Fixtures.AssertClose(c.Floats("predictions"), predictions, $"{name} eval-mode predictions", Absolute, Relative);
        Fixtures.AssertClose(c.Floats("predictions").AsSpan(0, net.OutputSize), alone, $"{name} eval-mode prediction of one sample", Absolute, Relative);
        Fixtures.AssertClose(c.Floats("gradients"), net.Gradients, $"{name} parameter gradients of Backward", Absolute, Relative);
        Fixtures.AssertClose(c.Floats("input_gradients"), inputGradients, $"{name} input gradients of Backward", Absolute, Relative);
    }

    private static int[] Labels(JsonElement c, int step) => c.GetProperty("labels")[step].EnumerateArray().Select(l => l.GetInt32()).ToArray();
}
