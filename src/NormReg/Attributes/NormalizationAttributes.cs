using System;

namespace NormReg;

/// <summary>
/// Batch normalization over each feature. Training normalizes with the batch mean and biased batch variance and
/// updates running statistics <c>r ← (1 − Momentum)·r + Momentum·batch</c> with the unbiased variance;
/// inference uses the running statistics and is folded into a dense layer right before it. γ starts at 1,
/// β at 0; both are learned, the statistics are not. Training needs at least 2 samples per batch.
/// </summary>
/// <remarks>
/// PyTorch: <c>nn.BatchNorm1d(n, momentum=0.1, eps=1e-5)</c>. Keras: <c>BatchNormalization(momentum=0.99, epsilon=1e-3)</c> —
/// Keras' momentum weighs the old value, so Keras 0.99 is Momentum 0.01 here, and its default epsilon is 1e-3.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : LayerAttribute
{
    /// <summary>Weight of the new batch in the running statistics, in (0, 1]. Default 0.1 (PyTorch).</summary>
    public double Momentum { get; set; } = 0.1;

    /// <summary>Added to the variance before the square root; positive. Default 1e-5 (PyTorch).</summary>
    public double Epsilon { get; set; } = 1e-5;
}

/// <summary>
/// Layer normalization over each sample's features: mean and biased variance per sample, then a learned γ
/// (starting at 1) and β (at 0). The same in training and inference.
/// </summary>
/// <remarks>PyTorch: <c>nn.LayerNorm(n, eps=1e-5)</c>. Keras: <c>LayerNormalization(epsilon=1e-3)</c> — mind the default epsilon.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormAttribute : LayerAttribute
{
    /// <summary>Added to the variance before the square root; positive. Default 1e-5 (PyTorch).</summary>
    public double Epsilon { get; set; } = 1e-5;
}
