namespace NormReg;

/// <summary>The kind of one layer row, as <see cref="LayerDescription.Type"/> reports it.</summary>
public enum LayerType
{
    /// <summary><c>[Dense(units)]</c>: <c>nn.Linear</c>.</summary>
    Dense,

    /// <summary><c>[ReLU]</c>.</summary>
    ReLU,

    /// <summary><c>[LeakyReLU(alpha)]</c>; the slope is <see cref="LayerDescription.Alpha"/>.</summary>
    LeakyReLU,

    /// <summary><c>[Tanh]</c>.</summary>
    Tanh,

    /// <summary><c>[Sigmoid]</c>.</summary>
    Sigmoid,

    /// <summary><c>[GELU]</c>, the exact (erf) form.</summary>
    GELU,

    /// <summary><c>[Softmax]</c> over each sample's features.</summary>
    Softmax,

    /// <summary><c>[BatchNorm]</c>: <c>nn.BatchNorm1d</c>.</summary>
    BatchNorm,

    /// <summary><c>[LayerNorm]</c>: <c>nn.LayerNorm</c> over the features.</summary>
    LayerNorm,

    /// <summary><c>[Dropout(p)]</c>: the identity at inference.</summary>
    Dropout,

    /// <summary><c>[GaussianNoise(σ)]</c>: the identity at inference.</summary>
    GaussianNoise,
}
