using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using NormReg.KernelPaths;
using Xunit.Abstractions;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// Every kernel path on this machine, one child process each (tests/NormReg.KernelPaths: one Predict and one SGD TrainStep of a
/// network whose layers reach every tile, tail and reduction, a CNN, a network of the remaining rows (BatchNorm, GELU, pooling,
/// dropout, LayerNorm, Adam: bits only), forward products at every batch size whose tiles differ, which must give a batch's bits when
/// its samples are predicted in smaller batches, and three small-batch steps through the fused update with Nesterov's and
/// with plain momentum, which must equal the unfused steps bit for bit, and a Predict of the first samples alone, which must equal the whole batch's): the widest the hardware has, 256 bits (AVX-512 off), 128 bits with
/// FMA (and a preferred width of 128) and 128 bits without FMA (AVX2 off, which on .NET 10 takes FMA with it). The paths with FMA
/// must give the same bits, the bfloat16 Predict's included; every path must agree with a double-precision reference of the same step computed here.
/// </summary>
public sealed class KernelPathTests(ITestOutputHelper output)
{
    /// <summary>The switches of each path; .NET 8 names AVX-512 <c>AVX512F</c>, .NET 10 <c>AVX512</c>, so both are set.</summary>
    private static readonly (string Name, string[] Settings)[] Paths =
    [
        ("widest", []),
        ("256-bit", ["DOTNET_EnableAVX512F=0", "DOTNET_EnableAVX512=0"]),
        ("128-bit", ["DOTNET_EnableAVX512F=0", "DOTNET_EnableAVX512=0", "DOTNET_PreferredVectorBitWidth=128"]),
        ("128-bit without AVX2", ["DOTNET_EnableAVX2=0"]),
    ];

    [Fact]
    public async Task Predict_and_TrainStep_give_the_same_bits_on_every_path_with_FMA_and_agree_with_the_reference()
    {
        Run[] runs = await Task.WhenAll(Paths.Select(path => Start(path.Name, path.Settings)));
        foreach (Run run in runs) output.WriteLine($"{run.Name}: {run.Path}");

        Run[] fused = runs.Where(r => r.Path.EndsWith("fma yes", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(fused);
        foreach (Run run in fused.Skip(1))
        {
            int differing = Enumerable.Range(0, run.Values.Length).Count(i => BitConverter.SingleToInt32Bits(run.Values[i]) != BitConverter.SingleToInt32Bits(fused[0].Values[i]));
            Assert.True(differing == 0, $"{run.Name} ({run.Path}) differs from {fused[0].Name} ({fused[0].Path}) in {differing} of {run.Values.Length} values.");
        }
        foreach (Run run in runs) AssertMatchesReference(run);
    }

    /// <summary>The child's results against the same Predict and SGD step in double precision, from the child's initial parameters.</summary>
    private static void AssertMatchesReference(Run run)
    {
        int parameters = KernelPathsNet.ParameterCount, outputs = KernelPathsRun.Batch * KernelPathsNet.OutputSize;
        int cnnValues = 2 * KernelPathsCnn.ParameterCount + KernelPathsCnnRun.Batch * KernelPathsCnn.OutputSize + 1;
        Assert.Equal(2 * parameters + 2 * outputs + 1 + cnnValues + KernelPathsRowsRun.Values + KernelPathsForwardRun.Values + KernelPathsRun.FusedValues + 1, run.Values.Length);
        int plainFlag = run.Values.Length - 2, nesterovFlag = plainFlag - KernelPathsFusedNet.ParameterCount - 1;
        Assert.True(run.Values[nesterovFlag] == 1f, $"{run.Name}: the fused update of the small-batch steps with Nesterov's momentum differs from the unfused steps.");
        Assert.True(run.Values[plainFlag] == 1f, $"{run.Name}: the fused update of the small-batch steps with plain momentum differs from the unfused steps.");
        Assert.True(run.Values[^1] == 1f, $"{run.Name}: Predict of the first {KernelPathsRun.FewSamples} samples alone differs from the whole batch's.");
        AssertCnnMatchesReference(run, run.Values.Skip(2 * parameters + 2 * outputs + 1).Take(cnnValues).ToArray());
        AssertForwardMatchesReference(run, run.Values.Skip(2 * parameters + 2 * outputs + 1 + cnnValues + KernelPathsRowsRun.Values).Take(KernelPathsForwardRun.Values).ToArray());
        double[] initial = run.Values.Take(parameters).Select(v => (double)v).ToArray();
        float[] predictions = run.Values.Skip(parameters).Take(outputs).ToArray();
        float[] reduced = run.Values.Skip(parameters + outputs).Take(outputs).ToArray();
        float loss = run.Values[parameters + 2 * outputs];
        float[] after = run.Values.Skip(parameters + 2 * outputs + 1).ToArray();

        (double[] expectedOutputs, double expectedLoss, double[] gradients) = Reference(initial);

        double scale = expectedOutputs.Max(Math.Abs);
        for (int i = 0; i < outputs; i++) Assert.True(Math.Abs(predictions[i] - expectedOutputs[i]) <= 1e-5 * scale, $"{run.Name}: output {i} is {predictions[i]}, the reference {expectedOutputs[i]}.");
        // bfloat16 weights (8 significant bits) move the outputs by a few parts in a thousand of their scale, never more.
        int moved = 0;
        for (int i = 0; i < outputs; i++)
        {
            Assert.True(Math.Abs(reduced[i] - expectedOutputs[i]) <= 2e-2 * scale, $"{run.Name}: bfloat16 output {i} is {reduced[i]}, the float reference {expectedOutputs[i]}.");
            if (reduced[i] != predictions[i]) moved++;
        }
        Assert.True(moved > outputs / 2, $"{run.Name}: only {moved} of {outputs} outputs changed with bfloat16 weights.");
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * expectedLoss, $"{run.Name}: loss {loss}, the reference {expectedLoss}.");
        double largest = gradients.Max(Math.Abs);
        for (int i = 0; i < parameters; i++)
        {
            double expected = initial[i] - KernelPathsRun.LearningRate * gradients[i];
            Assert.True(Math.Abs(after[i] - expected) <= 1e-7 + 1e-4 * KernelPathsRun.LearningRate * largest,
                $"{run.Name}: parameter {i} after the step is {after[i]}, the reference {expected} (gradient {gradients[i]}).");
        }
    }

    /// <summary>
    /// The convolutional network's Predict outputs and loss against a double-precision forward pass from its initial parameters
    /// (its gradients are checked by ConvKernelTests and PoolingKernelTests; here every path must give the same bits for them).
    /// </summary>
    private static void AssertCnnMatchesReference(Run run, float[] values)
    {
        int parameters = KernelPathsCnn.ParameterCount, batch = KernelPathsCnnRun.Batch, classes = KernelPathsCnn.OutputSize;
        double[] initial = values.Take(parameters).Select(v => (double)v).ToArray();
        float[] predictions = values.Skip(parameters).Take(batch * classes).ToArray();
        float loss = values[parameters + batch * classes];
        (float[] inputs, int[] labels) = KernelPathsCnnRun.Data();
        double[] logits = CnnForward(initial, inputs.Select(v => (double)v).ToArray(), batch);

        double scale = logits.Max(Math.Abs), expectedLoss = 0;
        for (int i = 0; i < logits.Length; i++) Assert.True(Math.Abs(predictions[i] - logits[i]) <= 1e-5 * scale, $"{run.Name}: CNN output {i} is {predictions[i]}, the reference {logits[i]}.");
        for (int n = 0; n < batch; n++)
        {
            double max = Enumerable.Range(0, classes).Max(c => logits[n * classes + c]);
            expectedLoss += Math.Log(Enumerable.Range(0, classes).Sum(c => Math.Exp(logits[n * classes + c] - max))) + max - logits[n * classes + labels[n]];
        }
        expectedLoss /= batch;
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * expectedLoss, $"{run.Name}: CNN loss {loss}, the reference {expectedLoss}.");
    }

    /// <summary>
    /// KernelPathsForward's Predict outputs against a double-precision forward pass from its initial parameters, in float and bfloat16
    /// weights; the samples predicted in smaller batches must give the bits of the whole batch.
    /// </summary>
    private static void AssertForwardMatchesReference(Run run, float[] values)
    {
        int parameters = KernelPathsForward.ParameterCount, outputs = KernelPathsForwardRun.Batch * KernelPathsForward.OutputSize;
        double[] initial = values.Take(parameters).Select(v => (double)v).ToArray();
        float[] together = values.Skip(parameters).Take(outputs).ToArray(), split = values.Skip(parameters + outputs).Take(outputs).ToArray();
        float[] reduced = values.Skip(parameters + 2 * outputs).ToArray();
        double[] x = KernelPathsForwardRun.Inputs().Select(v => (double)v).ToArray();
        foreach (LayerDescription layer in KernelPathsForward.Architecture.Layers)
        {
            var y = new double[KernelPathsForwardRun.Batch * layer.Outputs];
            for (int n = 0; n < KernelPathsForwardRun.Batch; n++)
            {
                for (int o = 0; o < layer.Outputs; o++)
                {
                    y[n * layer.Outputs + o] = layer.Type switch
                    {
                        LayerType.Dense => (layer.BiasOffset >= 0 ? initial[layer.BiasOffset + o] : 0)
                            + Enumerable.Range(0, layer.Inputs).Sum(i => initial[layer.WeightOffset + o * layer.Inputs + i] * x[n * layer.Inputs + i]),
                        LayerType.Tanh => Math.Tanh(x[n * layer.Inputs + o]),
                        _ => throw new InvalidOperationException($"The reference has no {layer.Type}."),
                    };
                }
            }
            x = y;
        }

        double scale = x.Max(Math.Abs);
        int moved = 0;
        for (int i = 0; i < outputs; i++)
        {
            Assert.True(Math.Abs(together[i] - x[i]) <= 1e-5 * scale, $"{run.Name}: KernelPathsForward output {i} is {together[i]}, the reference {x[i]}.");
            Assert.True(BitConverter.SingleToInt32Bits(split[i]) == BitConverter.SingleToInt32Bits(together[i]),
                $"{run.Name}: KernelPathsForward output {i} is {split[i]:R} in batches of 1, 2, 3 and 7, {together[i]:R} in one of {KernelPathsForwardRun.Batch}.");
            Assert.True(Math.Abs(reduced[i] - x[i]) <= 2e-2 * scale, $"{run.Name}: KernelPathsForward bfloat16 output {i} is {reduced[i]}, the float reference {x[i]}.");
            if (reduced[i] != together[i]) moved++;
        }
        Assert.True(moved > outputs / 2, $"{run.Name}: only {moved} of {outputs} KernelPathsForward outputs changed with bfloat16 weights.");
    }

    /// <summary>KernelPathsCnn's layers in double precision, from each layer's description (shapes, padding, offsets).</summary>
    private static double[] CnnForward(double[] parameters, double[] x, int batch)
    {
        foreach (LayerDescription layer in KernelPathsCnn.Architecture.Layers)
        {
            var y = new double[batch * layer.Outputs];
            IReadOnlyList<int> i = layer.InputShape ?? [layer.Inputs], o = layer.OutputShape ?? [layer.Outputs];
            for (int n = 0; n < batch; n++)
            {
                for (int at = 0; at < layer.Outputs; at++)
                {
                    int plane = o.Count == 3 ? o[1] * o[2] : 1, ch = at / plane, row = at % plane / (o.Count == 3 ? o[2] : 1), col = at % (o.Count == 3 ? o[2] : 1);
                    double v = 0;
                    switch (layer.Type)
                    {
                        case LayerType.Conv2D:
                            v = parameters[layer.BiasOffset + ch];
                            for (int c = 0; c < i[0]; c++)
                            {
                                for (int a = 0; a < layer.KernelSize; a++)
                                {
                                    for (int b = 0; b < layer.KernelSize; b++)
                                    {
                                        int r = row * layer.Stride + a - (layer.Padding?[0] ?? 0), q = col * layer.Stride + b - (layer.Padding?[1] ?? 0);
                                        if (r < 0 || r >= i[1] || q < 0 || q >= i[2]) continue;
                                        v += parameters[layer.WeightOffset + ((ch * i[0] + c) * layer.KernelSize + a) * layer.KernelSize + b] * x[n * layer.Inputs + (c * i[1] + r) * i[2] + q];
                                    }
                                }
                            }
                            break;
                        case LayerType.MaxPool2D:
                            v = double.NegativeInfinity;
                            for (int a = 0; a < layer.KernelSize; a++)
                            {
                                for (int b = 0; b < layer.KernelSize; b++) v = Math.Max(v, x[n * layer.Inputs + (ch * i[1] + row * layer.Stride + a) * i[2] + col * layer.Stride + b]);
                            }
                            break;
                        case LayerType.Dense:
                            v = parameters[layer.BiasOffset + at] + Enumerable.Range(0, layer.Inputs).Sum(k => parameters[layer.WeightOffset + at * layer.Inputs + k] * x[n * layer.Inputs + k]);
                            break;
                        case LayerType.ReLU:
                            v = Math.Max(x[n * layer.Inputs + at], 0);
                            break;
                        case LayerType.Tanh:
                            v = Math.Tanh(x[n * layer.Inputs + at]);
                            break;
                        case LayerType.Flatten:
                            v = x[n * layer.Inputs + at];
                            break;
                        default:
                            throw new InvalidOperationException($"The reference has no {layer.Type}.");
                    }
                    y[n * layer.Outputs + at] = v;
                }
            }
            x = y;
        }
        return x;
    }

    /// <summary>Predict's outputs, the mean cross-entropy and every parameter's gradient, in double precision.</summary>
    private static (double[] Outputs, double Loss, double[] Gradients) Reference(double[] parameters)
    {
        (float[] inputs, int[] labels) = KernelPathsRun.Data();
        int batch = KernelPathsRun.Batch;
        var layers = KernelPathsNet.Architecture.Layers;
        var activations = new List<double[]> { inputs.Select(v => (double)v).ToArray() };
        foreach (LayerDescription layer in layers)
        {
            double[] x = activations[^1];
            var y = new double[batch * layer.Outputs];
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < layer.Outputs; o++)
                {
                    int at = n * layer.Outputs + o;
                    double v = layer.Type == LayerType.Dense ? 0 : x[at];
                    y[at] = layer.Type switch
                    {
                        LayerType.Dense => parameters[layer.BiasOffset + o] + Enumerable.Range(0, layer.Inputs).Sum(i => parameters[layer.WeightOffset + o * layer.Inputs + i] * x[n * layer.Inputs + i]),
                        LayerType.LeakyReLU => v > 0 ? v : layer.Alpha * v,
                        LayerType.Tanh => Math.Tanh(v),
                        LayerType.Sigmoid => 1 / (1 + Math.Exp(-v)),
                        LayerType.ReLU => Math.Max(v, 0),
                        _ => throw new InvalidOperationException($"The reference has no {layer.Type}."),
                    };
                }
            }
            activations.Add(y);
        }

        int classes = KernelPathsNet.OutputSize;
        double[] logits = activations[^1];
        var dy = new double[logits.Length];
        double loss = 0;
        for (int n = 0; n < batch; n++)
        {
            double max = Enumerable.Range(0, classes).Max(c => logits[n * classes + c]);
            double sum = Enumerable.Range(0, classes).Sum(c => Math.Exp(logits[n * classes + c] - max));
            loss += Math.Log(sum) + max - logits[n * classes + labels[n]];
            for (int c = 0; c < classes; c++) dy[n * classes + c] = (Math.Exp(logits[n * classes + c] - max) / sum - (c == labels[n] ? 1 : 0)) / batch;
        }

        var gradients = new double[parameters.Length];
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            LayerDescription layer = layers[l];
            double[] x = activations[l], y = activations[l + 1];
            var dx = new double[x.Length];
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < layer.Outputs; o++)
                {
                    int at = n * layer.Outputs + o;
                    double g = dy[at];
                    switch (layer.Type)
                    {
                        case LayerType.Dense:
                            gradients[layer.BiasOffset + o] += g;
                            for (int i = 0; i < layer.Inputs; i++)
                            {
                                gradients[layer.WeightOffset + o * layer.Inputs + i] += g * x[n * layer.Inputs + i];
                                dx[n * layer.Inputs + i] += g * parameters[layer.WeightOffset + o * layer.Inputs + i];
                            }
                            break;
                        case LayerType.LeakyReLU:
                            dx[at] = x[at] > 0 ? g : layer.Alpha * g;
                            break;
                        case LayerType.Tanh:
                            dx[at] = g * (1 - y[at] * y[at]);
                            break;
                        case LayerType.Sigmoid:
                            dx[at] = g * y[at] * (1 - y[at]);
                            break;
                        case LayerType.ReLU:
                            dx[at] = y[at] > 0 ? g : 0;
                            break;
                    }
                }
            }
            dy = dx;
        }
        return (logits, loss / batch, gradients);
    }

    private sealed record Run(string Name, string Path, float[] Values);

    private static async Task<Run> Start(string name, string[] settings)
    {
        string child = Path.Combine(AppContext.BaseDirectory, "NormReg.KernelPaths.dll");
        string file = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(child);
            start.ArgumentList.Add(file);
            foreach (string setting in settings)
            {
                string[] pair = setting.Split('=');
                start.Environment[pair[0]] = pair[1];
            }
            using var process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            string text = (await stdout).Trim();
            Assert.True(process.ExitCode == 0, $"{name}: the child exited with {process.ExitCode}:\n{text}\n{await stderr}");
            return new Run(name, text, MemoryMarshal.Cast<byte, float>(await File.ReadAllBytesAsync(file)).ToArray());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
