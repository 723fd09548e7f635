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

    /// <summary>
    /// Monte-Carlo sampling (Gal and Ghahramani, 2016): dropout and noise are drawn as in training, BatchNorm uses its
    /// running statistics as in inference, and nothing is kept for <c>Backward</c>. Repeated passes give a distribution
    /// of outputs. This is the explicit opt-in for stochastic inference; the analyzers do not flag it.
    /// PyTorch: <c>model.eval()</c>, then <c>m.train()</c> on the dropout modules. Keras: call the dropout layers with <c>training=True</c>.
    /// </summary>
    Sampling,
}
