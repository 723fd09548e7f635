using System;

namespace NormReg;

/// <summary>
/// A fully connected layer, <c>y = W·x + b</c>, with <c>W</c> stored [units × inputs] row-major.
/// Weights are initialized He-uniform when a ReLU-family activation follows, Glorot-uniform otherwise
/// (Keras' <c>he_uniform</c> / <c>glorot_uniform</c>); biases start at zero. <see cref="Init"/> chooses otherwise.
/// </summary>
/// <remarks>PyTorch: <c>nn.Linear(in, units, bias=UseBias)</c>. Keras: <c>Dense(units, use_bias=UseBias)</c>.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>Declares a dense row.</summary>
    /// <param name="units">Output features; must be positive.</param>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Output features.</summary>
    public int Units { get; }

    /// <summary>Whether the layer adds a learned bias. Default <see langword="true"/>.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>
    /// How the weights and bias start. Default <see cref="Initializer.Auto"/>; <see cref="Initializer.PyTorch"/> and
    /// <see cref="Initializer.GlorotUniform"/> reproduce PyTorch's and Keras' defaults.
    /// </summary>
    public Initializer Init { get; set; } = Initializer.Auto;
}
