namespace Fixable.Indented
{
    using NormReg;

    /// <summary>Rows indented in a block namespace, a comment above a moved row, and rows sharing lists with the ones the fixes edit.</summary>
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(4)]
    [Dense(8)]
    [BatchNorm]
    [Dense(8, UseBias = false)]
    // the noise is meant to regularize the hidden layer
    [GaussianNoise(0.05)]
    [BatchNorm, ReLU]
    [Dense(1), Sigmoid]     // probability
    public partial class IndentedNet;
}
