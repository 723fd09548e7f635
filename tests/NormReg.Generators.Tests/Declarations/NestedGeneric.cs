// A network nested in a generic record, in the global namespace, with a regression loss.
using NormReg;

/// <summary>Holds a network.</summary>
public partial record Holder<T>
{
    /// <summary>A nested network.</summary>
    [Network(Loss = Loss.MeanSquaredError)]
    [Input(3)]
    [Dense(4, Name = "Encoder")]
    [LeakyReLU]
    [Dense(1)]
    public partial class Scorer;
}
