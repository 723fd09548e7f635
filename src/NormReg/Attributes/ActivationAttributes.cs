using System;

namespace NormReg;

/// <summary>Rectified linear unit, <c>max(0, x)</c>. PyTorch: <c>nn.ReLU()</c>. Keras: <c>ReLU()</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : LayerAttribute;

/// <summary>
/// Leaky ReLU, <c>x</c> for <c>x ≥ 0</c> and <c>Alpha·x</c> otherwise.
/// PyTorch: <c>nn.LeakyReLU(negative_slope=0.01)</c>. Keras: <c>LeakyReLU(negative_slope=0.3)</c> — mind the different default.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>Declares a leaky ReLU row.</summary>
    /// <param name="alpha">Slope for negative inputs; PyTorch's default 0.01.</param>
    public LeakyReLUAttribute(double alpha = 0.01) => Alpha = alpha;

    /// <summary>Slope for negative inputs.</summary>
    public double Alpha { get; }
}

/// <summary>Hyperbolic tangent. PyTorch: <c>nn.Tanh()</c>. Keras: <c>Activation("tanh")</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TanhAttribute : LayerAttribute;

/// <summary>Logistic sigmoid, <c>1 / (1 + e^-x)</c>. PyTorch: <c>nn.Sigmoid()</c>. Keras: <c>Activation("sigmoid")</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : LayerAttribute;

/// <summary>
/// Gaussian error linear unit in its exact form, <c>x·Φ(x)</c>.
/// PyTorch: <c>nn.GELU()</c> (approximate="none"). Keras: <c>Activation("gelu")</c> (approximate=False).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GELUAttribute : LayerAttribute;

/// <summary>
/// Softmax over each sample's features. Do not end a network trained with
/// <see cref="Loss.SoftmaxCrossEntropy"/> with it: that loss applies softmax itself.
/// PyTorch: <c>nn.Softmax(dim=-1)</c>. Keras: <c>Softmax()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : LayerAttribute;
