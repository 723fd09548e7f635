using System.ComponentModel;
using System;

namespace NormReg.Kernels;

/// <summary>Weight initializers, seeded through <see cref="SeededRandom"/>.</summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Initializers
{
    /// <summary>He (Kaiming) uniform: U(−√(6/fanIn), √(6/fanIn)). Keras: <c>he_uniform</c>; PyTorch: <c>kaiming_uniform_(nonlinearity="relu")</c>.</summary>
    public static void HeUniform(Span<float> weights, int fanIn, ref SeededRandom random) =>
        Uniform(weights, MathF.Sqrt(6f / fanIn), ref random);

    /// <summary>Glorot (Xavier) uniform: U(−√(6/(fanIn+fanOut)), √(6/(fanIn+fanOut))). Keras: <c>glorot_uniform</c>; PyTorch: <c>xavier_uniform_</c>.</summary>
    public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, ref SeededRandom random) =>
        Uniform(weights, MathF.Sqrt(6f / (fanIn + fanOut)), ref random);

    /// <summary>
    /// PyTorch's <c>nn.Linear</c> default: weights <c>kaiming_uniform_(a=√5)</c>, i.e. U(±1/√fanIn), then the bias
    /// U(±1/√fanIn). An empty <paramref name="bias"/> is a layer without one.
    /// </summary>
    public static void PyTorchUniform(Span<float> weights, Span<float> bias, int fanIn, ref SeededRandom random)
    {
        float limit = 1f / MathF.Sqrt(fanIn);
        Uniform(weights, limit, ref random);
        Uniform(bias, limit, ref random);
    }

    private static void Uniform(Span<float> weights, float limit, ref SeededRandom random)
    {
        for (int i = 0; i < weights.Length; i++) weights[i] = (2f * random.NextSingle() - 1f) * limit;
    }
}
