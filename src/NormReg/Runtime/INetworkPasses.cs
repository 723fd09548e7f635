using System;
using System.ComponentModel;

namespace NormReg.Runtime;

/// <summary>
/// For generated code: the passes a generated network implements for its <see cref="NetworkCore"/>, which runs
/// everything around them (argument checks, input copies, losses, updates, state). Not meant to be called by users.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface INetworkPasses
{
    /// <summary>
    /// Runs the rows on the first <paramref name="batchSize"/> samples of <see cref="NetworkCore.Inputs"/>, in
    /// <paramref name="mode"/>, and returns the last row's output, <paramref name="batchSize"/> × OutputSize values.
    /// </summary>
    ReadOnlySpan<float> Forward(int batchSize, ForwardMode mode);

    /// <summary>
    /// Runs the rows of the pass that <see cref="NetworkCore.SplitBatch"/> may split on samples <paramref name="start"/> to
    /// <paramref name="start"/> + <paramref name="count"/>, writing those samples' part of every buffer; <paramref name="thread"/> (0 for the
    /// calling thread) picks the scratch (<see cref="NetworkCore.ThreadScratch"/>). Parts of one batch run at once on different threads.
    /// </summary>
    void ForwardRows(int start, int count, int thread);

    /// <summary>
    /// Runs segment <paramref name="segment"/> of the training passes (<see cref="NetworkCore.SplitTraining"/>): rows that treat each
    /// sample on its own, between two rows that sum over the batch (BatchNorm, the weight gradients), on samples <paramref name="start"/>
    /// to <paramref name="start"/> + <paramref name="count"/>, with the scratch of <paramref name="thread"/>. Parts of one batch run at once
    /// on different threads. A network whose training passes have no such segment never gets the call.
    /// </summary>
    void TrainingRows(int segment, int start, int count, int thread) =>
        throw new NotSupportedException($"This network's training passes have no segment {segment}.");

    /// <summary>
    /// Runs the rows backwards from <paramref name="outputGradients"/> over the activations of the last training pass,
    /// writing <see cref="NetworkCore.Gradients"/> and, unless it is empty, <paramref name="inputGradients"/>.
    /// Returns whether every parameter gradient is finite.
    /// </summary>
    bool Backward(int batchSize, ReadOnlySpan<float> outputGradients, Span<float> inputGradients);
}
