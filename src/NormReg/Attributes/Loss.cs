namespace NormReg;

/// <summary>The loss a network is trained on. Every loss averages over the batch, as PyTorch's default <c>reduction="mean"</c>.</summary>
public enum Loss
{
    /// <summary>
    /// Softmax and cross-entropy fused through log-sum-exp, on integer class labels. The network outputs logits.
    /// PyTorch: <c>nn.CrossEntropyLoss()</c>. Keras: <c>SparseCategoricalCrossentropy(from_logits=True)</c>.
    /// </summary>
    SoftmaxCrossEntropy,

    /// <summary>
    /// Sigmoid and binary cross-entropy fused, on targets in [0, 1], averaged over every output.
    /// PyTorch: <c>nn.BCEWithLogitsLoss()</c>. Keras: <c>BinaryCrossentropy(from_logits=True)</c>.
    /// </summary>
    BinaryCrossEntropy,

    /// <summary>
    /// Mean of squared differences over every output.
    /// PyTorch: <c>nn.MSELoss()</c>. Keras: <c>MeanSquaredError()</c>.
    /// </summary>
    MeanSquaredError,
}
