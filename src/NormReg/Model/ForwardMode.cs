namespace NormReg;

/// <summary>How a forward pass treats the layers that behave differently in training.</summary>
public enum ForwardMode
{
    /// <summary>
    /// Evaluation: dropout and noise are the identity and BatchNorm uses its running statistics.
    /// PyTorch: <c>model.eval()</c>. Keras: <c>model(x, training=False)</c>.
    /// </summary>
    Inference,

    /// <summary>
    /// Training: dropout and noise are drawn, BatchNorm normalizes with batch statistics and updates its
    /// running statistics, and activations are kept for <c>Backward</c>.
    /// PyTorch: <c>model.train()</c>. Keras: <c>model(x, training=True)</c>.
    /// </summary>
    Training,
}
