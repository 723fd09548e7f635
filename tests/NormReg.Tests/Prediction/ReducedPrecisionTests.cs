using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NormReg.Tests.KernelTests;
using NormReg.Tests.Networks;
using static NormReg.Tests.Prediction.InferenceProbe;

namespace NormReg.Tests.Prediction;

/// <summary>
/// <see cref="WeightPrecision.BFloat16"/>: Predict within an error bound derived here from the rounding (2⁻⁸ of each weight of the rows
/// read in bfloat16, carried through the later rows in double precision), the bits of float Predict on weights rounded by an independent
/// reference, rebuilt after every change of the weights, and no trace of it in training, Float32 Predict, model files or ONNX.
/// </summary>
public sealed class ReducedPrecisionTests
{
    [Fact]
    public void Predict_stays_within_the_bound_of_the_rounding_on_a_folded_network()
    {
        var net = new WideFoldedClassifier(Batch, seed: 3);
        Train(net, steps: 3); // running statistics away from their start, so the fold matters
        float[] inputs = Inputs(net, 11), exact = Predict(net), reduced;
        net.InferencePrecision = WeightPrecision.BFloat16;
        reduced = Predict(net);

        AssertWithinBound(net, inputs, exact, reduced);
    }

    [Fact]
    public void Predict_stays_within_the_bound_of_the_rounding_on_a_plain_network()
    {
        var net = new WidePlainRegressor(Batch, seed: 4);
        float[] inputs = Inputs(net, 11), exact = Predict(net);
        net.InferencePrecision = WeightPrecision.BFloat16;

        AssertWithinBound(net, inputs, exact, Predict(net));
    }

    [Fact]
    public void Predict_gives_the_bits_of_float_Predict_on_the_rounded_weights_after_every_change()
    {
        var net = new WidePlainRegressor(Batch, seed: 5);
        var twin = new WidePlainRegressor(Batch, seed: 0);
        net.InferencePrecision = WeightPrecision.BFloat16;
        for (int round = 0; round < 3; round++)
        {
            var state = new float[net.StateLength];
            net.CopyState(state);
            LayerDescription first = WidePlainRegressor.Architecture.Layers[0];
            for (int i = first.WeightOffset; i < first.WeightOffset + first.Inputs * first.Outputs; i++)
            {
                state[i] = (float)BFloat16KernelTests.Exact(BFloat16KernelTests.Nearest(state[i]));
            }
            twin.RestoreState(state);

            Assert.Equal(Bits(Predict(twin)), Bits(Predict(net)));
            Train(net, steps: 1); // the next round must see the new weights
            if (round == 1) net.Parameters[first.WeightOffset] += 0.5f;
        }
    }

    [Fact]
    public void Float32_again_gives_the_float_results_bit_for_bit()
    {
        var net = new WideFoldedClassifier(Batch, seed: 6);
        Train(net, steps: 2);
        float[] before = Predict(net);
        net.InferencePrecision = WeightPrecision.BFloat16;
        float[] reduced = Predict(net);
        net.InferencePrecision = WeightPrecision.Float32;

        Assert.Equal(Bits(before), Bits(Predict(net)));
        Assert.NotEqual(Bits(before), Bits(reduced)); // the store was read
        Assert.Equal(WeightPrecision.Float32, net.InferencePrecision);
    }

    [Fact]
    public void Training_and_the_saved_files_do_not_see_it()
    {
        var plain = new WideFoldedClassifier(Batch, seed: 7);
        var reduced = new WideFoldedClassifier(Batch, seed: 7) { InferencePrecision = WeightPrecision.BFloat16 };
        foreach (INetwork net in new INetwork[] { plain, reduced })
        {
            Predict(net);
            Train(net, steps: 2);
        }

        Assert.Equal(Bits(plain.Parameters.ToArray()), Bits(reduced.Parameters.ToArray()));
        Assert.Equal(Saved(plain, onnx: false), Saved(reduced, onnx: false));
        Assert.Equal(Saved(plain, onnx: true), Saved(reduced, onnx: true));
        Assert.Equal(WeightPrecision.BFloat16, ((INetwork)reduced).InferencePrecision);
    }

    [Fact]
    public void An_unknown_precision_is_refused()
    {
        var net = new WidePlainRegressor(Batch, seed: 8);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => net.InferencePrecision = (WeightPrecision)7);
        Assert.Contains("WeightPrecision.Float32 or WeightPrecision.BFloat16", error.Message);
    }

    /// <summary>
    /// Carries bounds on each activation's error through the rows in double precision: a row read in bfloat16 adds 2⁻⁸ of
    /// Σ|x·w| to each output; every float dot product of k terms adds (k + 1)·2⁻²⁴ of its magnitudes, in either Predict; the
    /// error already in x grows by Σ|w|·e; ReLU and Tanh do not enlarge it. The bfloat16 result must also differ somewhere.
    /// </summary>
    private static void AssertWithinBound(INetwork net, float[] inputs, float[] exact, float[] reduced)
    {
        double[] parameters = [.. net.Parameters.ToArray().Select(v => (double)v)];
        var statistics = new float[net.StateLength];
        net.CopyState(statistics);
        IReadOnlyList<LayerDescription> layers = net.Architecture.Layers;
        double u = Math.Pow(2, -8), g = Math.Pow(2, -24);
        for (int n = 0; n < Batch; n++)
        {
            double[] x = [.. inputs.Skip(n * net.InputSize).Take(net.InputSize).Select(v => (double)v)];
            double[] e = new double[x.Length];
            for (int l = 0; l < layers.Count; l++)
            {
                LayerDescription layer = layers[l];
                if (layer.Type is LayerType.ReLU or LayerType.Tanh)
                {
                    x = [.. x.Select(v => layer.Type == LayerType.ReLU ? Math.Max(0, v) : Math.Tanh(v))];
                    continue;
                }
                if (layer.Type != LayerType.Dense) continue; // a BatchNorm, folded below into the Dense before it
                (double[] w, double[] b) = Folded(layer, l + 1 < layers.Count ? layers[l + 1] : null, parameters, statistics);
                bool halved = layer.Inputs > 64 && layer.Inputs * layer.Outputs >= 4096;
                var y = new double[layer.Outputs];
                var error = new double[layer.Outputs];
                for (int o = 0; o < layer.Outputs; o++)
                {
                    double sum = b[o], magnitude = Math.Abs(b[o]), carried = 0;
                    for (int i = 0; i < layer.Inputs; i++)
                    {
                        double weight = w[o * layer.Inputs + i];
                        sum += weight * x[i];
                        magnitude += Math.Abs(weight * x[i]);
                        carried += Math.Abs(weight) * (1 + u) * e[i];
                    }
                    y[o] = sum;
                    error[o] = carried + (halved ? u * magnitude : 0) + 2 * (layer.Inputs + 1) * g * (1 + u) * (magnitude + carried) + 1e-6 * magnitude;
                }
                (x, e) = (y, error);
            }
            for (int o = 0; o < net.OutputSize; o++)
            {
                int at = n * net.OutputSize + o;
                Assert.True(Math.Abs(reduced[at] - exact[at]) <= e[o], $"sample {n}, output {o}: {reduced[at]:G9} in bfloat16, {exact[at]:G9} in floats, beyond the bound {e[o]:G3}.");
            }
        }
        Assert.NotEqual(Bits(exact), Bits(reduced));
    }

    /// <summary>A Dense row's weights and bias in double precision, with the BatchNorm after it folded in: <c>w·s</c> and <c>(b − μ)·s + β</c>, <c>s = γ/√(σ² + ε)</c>.</summary>
    private static (double[] Weights, double[] Bias) Folded(LayerDescription dense, LayerDescription? next, double[] parameters, float[] state)
    {
        int inputs = dense.Inputs, outputs = dense.Outputs;
        double[] w = parameters[dense.WeightOffset..(dense.WeightOffset + inputs * outputs)];
        double[] b = dense.BiasOffset >= 0 ? parameters[dense.BiasOffset..(dense.BiasOffset + outputs)] : new double[outputs];
        if (next?.Type != LayerType.BatchNorm) return (w, b);
        int statistics = parameters.Length + next.StatisticsOffset;
        for (int o = 0; o < outputs; o++)
        {
            double scale = parameters[next.WeightOffset + o] / Math.Sqrt(state[statistics + outputs + o] + next.Epsilon);
            for (int i = 0; i < inputs; i++) w[o * inputs + i] *= scale;
            b[o] = (b[o] - state[statistics + o]) * scale + parameters[next.WeightOffset + outputs + o];
        }
        return (w, b);
    }

    private static byte[] Saved(INetwork net, bool onnx)
    {
        using var stream = new MemoryStream();
        if (onnx) net.ExportOnnx(stream);
        else net.Save(stream);
        return stream.ToArray();
    }
}
