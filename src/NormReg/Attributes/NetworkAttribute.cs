using System;

namespace NormReg;

/// <summary>
/// Marks a <c>partial</c> class as a network. The attribute rows that follow it on the same
/// declaration, top to bottom, are the layers; the source generator emits the forward and
/// backward code for exactly that network.
/// </summary>
/// <remarks>
/// PyTorch: an <c>nn.Sequential</c> plus its loss module. Keras: a <c>Sequential</c> model compiled with
/// <c>loss=</c>. The class must be declared in one place (one partial declaration holds all rows).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The loss minimized by <c>TrainStep</c>. Defaults to <see cref="Loss.SoftmaxCrossEntropy"/>.</summary>
    public Loss Loss { get; set; } = Loss.SoftmaxCrossEntropy;

    /// <summary>
    /// Label smoothing ε of <see cref="Loss.SoftmaxCrossEntropy"/>, in [0, 1): the target is <c>(1 − ε)·one-hot + ε/C</c>, a
    /// regularizer that keeps the network from growing its logits without bound. Default 0 (none). PyTorch:
    /// <c>nn.CrossEntropyLoss(label_smoothing=ε)</c>; Keras: <c>CategoricalCrossentropy(label_smoothing=ε)</c>.
    /// </summary>
    public double LabelSmoothing { get; set; }
}
