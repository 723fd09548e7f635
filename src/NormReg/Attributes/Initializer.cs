namespace NormReg;

/// <summary>How a <c>[Dense]</c> row's weights and bias start (<see cref="DenseAttribute.Init"/>).</summary>
public enum Initializer
{
    /// <summary>
    /// He uniform when a ReLU-family activation (ReLU, LeakyReLU, GELU) follows before the next Dense, Glorot uniform
    /// otherwise; the bias starts at zero. The default.
    /// </summary>
    Auto,

    /// <summary>U(±√(6/fan_in)), bias zero. Keras: <c>kernel_initializer="he_uniform"</c>; PyTorch: <c>kaiming_uniform_(w, nonlinearity="relu")</c>.</summary>
    HeUniform,

    /// <summary>U(±√(6/(fan_in + fan_out))), bias zero: Keras' default for <c>Dense</c> (<c>glorot_uniform</c>, <c>zeros</c>); PyTorch: <c>xavier_uniform_</c>.</summary>
    GlorotUniform,

    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c>: <c>kaiming_uniform_(w, a=√5)</c>, which is U(±1/√fan_in), and the bias
    /// U(±1/√fan_in) too. Recipes written for PyTorch reproduce with it.
    /// </summary>
    PyTorch,
}
