using System;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>
/// Fully connected layer kernels on row-major batches. Weights are [outputs × inputs] row-major,
/// as PyTorch's <c>nn.Linear.weight</c>.
/// </summary>
public static class Dense
{
    /// <summary><c>y[n, o] = b[o] + Σᵢ x[n, i]·W[o, i]</c>. An empty <paramref name="bias"/> means no bias.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch, int inputs, int outputs)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xRow = x.Slice(n * inputs, inputs);
            Span<float> yRow = y.Slice(n * outputs, outputs);
            for (int o = 0; o < outputs; o++)
            {
                yRow[o] = TensorPrimitives.Dot(xRow, weights.Slice(o * inputs, inputs));
            }
            if (!bias.IsEmpty) TensorPrimitives.Add(yRow, bias, yRow);
        }
    }

    /// <summary>
    /// Gradients of the weights and bias from the output gradient <paramref name="dy"/>; they overwrite
    /// <paramref name="weightGradients"/> and <paramref name="biasGradients"/> (empty when there is no bias).
    /// </summary>
    public static void BackwardParameters(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradients, Span<float> biasGradients, int batch, int inputs, int outputs)
    {
        weightGradients.Clear();
        biasGradients.Clear();
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xRow = x.Slice(n * inputs, inputs);
            ReadOnlySpan<float> dyRow = dy.Slice(n * outputs, outputs);
            for (int o = 0; o < outputs; o++)
            {
                Span<float> dwRow = weightGradients.Slice(o * inputs, inputs);
                TensorPrimitives.MultiplyAdd(xRow, dyRow[o], dwRow, dwRow);
            }
            if (!biasGradients.IsEmpty) TensorPrimitives.Add(biasGradients, dyRow, biasGradients);
        }
    }

    /// <summary>Gradient of the input: <c>dx[n, i] = Σₒ dy[n, o]·W[o, i]</c>, overwriting <paramref name="dx"/>.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> weights, Span<float> dx, int batch, int inputs, int outputs)
    {
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> dyRow = dy.Slice(n * outputs, outputs);
            Span<float> dxRow = dx.Slice(n * inputs, inputs);
            dxRow.Clear();
            for (int o = 0; o < outputs; o++)
            {
                TensorPrimitives.MultiplyAdd(weights.Slice(o * inputs, inputs), dyRow[o], dxRow, dxRow);
            }
        }
    }
}
