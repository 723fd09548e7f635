namespace NormReg;

/// <summary>
/// Where <c>Fit</c> is after a training step, for <see cref="FitOptions.OnBatchEnd"/>: Keras' <c>on_train_batch_end</c>, its
/// progress bar's <c>n/total</c>. A value, so reporting it allocates nothing.
/// </summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Batch">The 1-based step within the epoch.</param>
/// <param name="Batches">Steps per epoch.</param>
/// <param name="Loss">The step's mean data loss, before its update (what <c>TrainStep</c> returned).</param>
public readonly record struct BatchProgress(int Epoch, int Epochs, int Batch, int Batches, float Loss);
