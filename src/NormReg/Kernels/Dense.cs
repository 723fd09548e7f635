using System.ComponentModel;
using System;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>
/// Fully connected layer kernels on row-major batches. Weights are [outputs × inputs] row-major,
/// as PyTorch's <c>nn.Linear.weight</c>. The products run on the register-blocked <see cref="Gemm"/> kernels.
/// </summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dense
{
    /// <summary><c>y[n, o] = b[o] + Σᵢ x[n, i]·W[o, i]</c>. An empty <paramref name="bias"/> means no bias.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch, int inputs, int outputs) =>
        Forward(x, weights, default, bias, y, batch, inputs, outputs);

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> with the weights in
    /// bfloat16 (<see cref="BFloat16"/>), summed in floats: the same bits as the float overload given those weights widened.
    /// Takes more than 64 <paramref name="inputs"/>; runs on one thread.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<ushort> weights, ReadOnlySpan<float> bias, Span<float> y, int batch, int inputs, int outputs)
    {
        CheckForward(x.Length, weights.Length, bias.Length, y.Length, batch, inputs, outputs);
        Gemm.MultiplyTransposed(x, weights, bias, y, batch, outputs, inputs);
    }

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> followed by a ReLU:
    /// <c>y[n, o] = max(0, b[o] + Σᵢ x[n, i]·W[o, i])</c>, the same bits as <c>Forward</c> then <see cref="Activations.ReLU"/> (NaN stays NaN,
    /// −0 becomes +0), applied as each value is stored rather than in a second pass over <paramref name="y"/>.
    /// </summary>
    public static void ForwardReLU(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, int batch, int inputs, int outputs) =>
        ForwardReLU(x, weights, default, bias, y, batch, inputs, outputs);

    /// <summary>
    /// <see cref="ForwardReLU(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> with the weights in
    /// bfloat16, as <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{ushort}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> reads them.
    /// </summary>
    public static void ForwardReLU(ReadOnlySpan<float> x, ReadOnlySpan<ushort> weights, ReadOnlySpan<float> bias, Span<float> y, int batch, int inputs, int outputs)
    {
        CheckForward(x.Length, weights.Length, bias.Length, y.Length, batch, inputs, outputs);
        Gemm.MultiplyTransposed(x, weights, bias, y, batch, outputs, inputs, relu: true);
    }

    /// <summary>
    /// Whether <see cref="PackWeights"/> and the forward overloads that take packed weights serve a layer of <paramref name="inputs"/> × <paramref name="outputs"/>
    /// in this process: on the 512- or 256-bit path with FMA, more than 64 inputs and at least 48 outputs.
    /// </summary>
    public static bool PacksWeights(int inputs, int outputs) => Gemm.PacksWeights(inputs, outputs);

    /// <summary>Floats <see cref="PackWeights"/> writes for a layer of <paramref name="inputs"/> × <paramref name="outputs"/>.</summary>
    public static int PackedLength(int inputs, int outputs) => Gemm.PackedLength(inputs, outputs);

    /// <summary>
    /// Writes <paramref name="weights"/> [outputs × inputs] into <paramref name="packed"/> (<see cref="PackedLength"/> floats) in the order
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> reads them. Where <see cref="PacksWeights"/>.
    /// </summary>
    public static void PackWeights(ReadOnlySpan<float> weights, Span<float> packed, int inputs, int outputs)
    {
        RequirePacks(inputs, outputs);
        Check(weights.Length, outputs * inputs, nameof(weights));
        Check(packed.Length, PackedLength(inputs, outputs), nameof(packed));
        Gemm.Pack(weights, packed, outputs, inputs);
    }

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> reading
    /// <paramref name="packed"/>, the weights as <see cref="PackWeights"/> wrote them (split over threads, by panels of outputs): the same
    /// bits as reading <paramref name="weights"/>. The packed kernel does without the fold of each
    /// dot product's partial sums across a vector (one thread, batch 128, median time over the other kernel's: 72 × 64 0.13, 100 × 72 0.30,
    /// 256 × 128 0.87-0.89, 784 × 256 0.94-0.97; 784 × 256 at batch 32 0.95; 1024 × 1024 0.94-0.95, at batch 32 0.93-0.94). An empty
    /// <paramref name="packed"/> reads <paramref name="weights"/> only.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Span<float> y, int batch, int inputs, int outputs)
    {
        CheckPacked(x, weights, packed, bias, y, batch, inputs, outputs);
        Gemm.MultiplyTransposed(x, weights, bias, y, batch, outputs, inputs, packed: packed);
    }

    /// <summary>
    /// <see cref="ForwardReLU(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> reading
    /// <paramref name="packed"/> as <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> does.
    /// </summary>
    public static void ForwardReLU(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Span<float> y, int batch, int inputs, int outputs)
    {
        CheckPacked(x, weights, packed, bias, y, batch, inputs, outputs);
        Gemm.MultiplyTransposed(x, weights, bias, y, batch, outputs, inputs, relu: true, packed);
    }

    private static void CheckPacked(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Span<float> y, int batch, int inputs, int outputs)
    {
        CheckForward(x.Length, weights.Length, bias.Length, y.Length, batch, inputs, outputs);
        if (packed.IsEmpty) return;
        RequirePacks(inputs, outputs);
        Check(packed.Length, PackedLength(inputs, outputs), nameof(packed));
    }

    /// <summary>The spans of a forward product, by their lengths; an empty bias means none.</summary>
    private static void CheckForward(int x, int weights, int bias, int y, int batch, int inputs, int outputs)
    {
        Check(x, batch * inputs, nameof(x));
        Check(weights, outputs * inputs, nameof(weights));
        Check(y, batch * outputs, nameof(y));
        if (bias > 0) Check(bias, outputs, nameof(bias));
    }

    private static void RequirePacks(int inputs, int outputs)
    {
        if (!PacksWeights(inputs, outputs)) throw new NotSupportedException($"Packed weights serve the 512- and 256-bit paths with FMA, more than 64 inputs and at least 48 outputs; got {inputs} × {outputs} at {Simd.Width} bits.");
    }

    /// <summary>
    /// Gradients of the weights and bias from the output gradient <paramref name="dy"/>: <c>dW = dyᵀ·x</c> and
    /// <c>db = Σₙ dy[n, :]</c>, overwriting <paramref name="weightGradients"/> and <paramref name="biasGradients"/> (empty when there is no bias).
    /// Returns whether every gradient written is finite (no NaN, no infinity).
    /// </summary>
    public static bool BackwardParameters(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradients, Span<float> biasGradients, int batch, int inputs, int outputs) =>
        BackwardParameters(x, dy, weightGradients, biasGradients, batch, inputs, outputs, default, 0, 0);

    /// <summary>
    /// <see cref="BackwardParameters(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, int, int, int)"/>, plus the gradient
    /// of the penalty <c>l1·Σ|w| + l2·Σw²</c> on <paramref name="weights"/> (as <see cref="Regularization.AddGradient(ReadOnlySpan{float}, Span{float}, float, float)"/>), added to each tile
    /// of weight gradients as it is computed rather than in a second pass over them. Returns whether every gradient written is finite.
    /// </summary>
    public static bool BackwardParameters(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weightGradients, Span<float> biasGradients, int batch, int inputs, int outputs,
        ReadOnlySpan<float> weights, float l1, float l2)
    {
        Check(x.Length, batch * inputs, nameof(x));
        Check(dy.Length, batch * outputs, nameof(dy));
        Check(weightGradients.Length, outputs * inputs, nameof(weightGradients));
        if (!weights.IsEmpty) Check(weights.Length, outputs * inputs, nameof(weights));
        bool finite = Gemm.Multiply(dy, 1, outputs, x, weightGradients, outputs, inputs, batch, weights, l1, l2);
        return BackwardBias(dy, biasGradients, batch, outputs) && finite;
    }

    /// <summary>
    /// The bias gradient alone, <c>db = Σₙ dy[n, :]</c>, overwriting <paramref name="biasGradients"/> (nothing when it is empty): what
    /// <c>BackwardParameters</c> writes there. Returns whether every value written is finite.
    /// </summary>
    public static bool BackwardBias(ReadOnlySpan<float> dy, Span<float> biasGradients, int batch, int outputs)
    {
        if (biasGradients.IsEmpty) return true;
        Check(dy.Length, batch * outputs, nameof(dy));
        Check(biasGradients.Length, outputs, nameof(biasGradients));
        Span<float> db = biasGradients.Slice(0, outputs);
        db.Clear();
        for (int n = 0; n < batch; n++) TensorPrimitives.Add(db, dy.Slice(n * outputs, outputs), db);
        return Guard.AllFinite(db);
    }

    /// <summary>Gradient of the input: <c>dx = dy·W</c>, overwriting <paramref name="dx"/>.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> weights, Span<float> dx, int batch, int inputs, int outputs)
    {
        Check(dy.Length, batch * outputs, nameof(dy));
        Check(weights.Length, outputs * inputs, nameof(weights));
        Check(dx.Length, batch * inputs, nameof(dx));
        Gemm.Multiply(dy, outputs, 1, weights, dx, batch, inputs, outputs);
    }

    /// <summary>The products read and write through unchecked references: every span is checked once, here.</summary>
    private static void Check(int length, int needed, string name)
    {
        if (length < needed) throw new ArgumentException($"{name} must hold at least {needed} values; got {length}.", name);
    }
}
