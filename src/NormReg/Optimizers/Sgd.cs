using System;
using System.Numerics;

namespace NormReg;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay,
/// step for step as PyTorch 1.13's <c>torch.optim.SGD</c> (the momentum buffer starts as the first gradient).
/// Keras: <c>SGD(momentum=…, nesterov=…)</c>; Keras has no weight_decay coupled to the gradient.
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[] _momentum = [];

    /// <summary>Creates the optimizer; the defaults match PyTorch's.</summary>
    public Sgd(double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(learningRate)
    {
        Momentum = InRange(momentum, 0, 1, nameof(momentum));
        Dampening = InRange(dampening, 0, 1, nameof(dampening));
        WeightDecay = InRange(weightDecay, 0, double.PositiveInfinity, nameof(weightDecay));
        if (nesterov && (momentum == 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a positive momentum and zero dampening (as in PyTorch).", nameof(nesterov));
        }
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor μ.</summary>
    public double Momentum { get; }

    /// <summary>Dampening τ of the momentum.</summary>
    public double Dampening { get; }

    /// <summary>L2 penalty λ added to the gradient as <c>g + λθ</c>.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    internal override string StateKind => FormattableString.Invariant(
        $"Sgd(momentum={Momentum:R},dampening={Dampening:R},weightDecay={WeightDecay:R},nesterov={(Nesterov ? "true" : "false")})");

    /// <inheritdoc/>
    internal override int StateBufferCount => Momentum != 0 ? 1 : 0;

    /// <inheritdoc/>
    internal override Span<float> StateBuffer(int index) => index < StateBufferCount ? _momentum : base.StateBuffer(index);

    /// <inheritdoc/>
    protected override void Allocate(int parameterCount)
    {
        if (Momentum != 0) _momentum = new float[parameterCount];
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        float lr = (float)LearningRate, mu = (float)Momentum, keep = (float)(1 - Dampening), wd = (float)WeightDecay;
        bool first = Steps == 1;
        // Vectors first, then the tail; both apply the same float operations in the same order.
        int i = 0;
        for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var p = new Vector<float>(parameters.Slice(i));
            var d = new Vector<float>(gradients.Slice(i));
            if (wd != 0) d += wd * p;
            if (mu != 0)
            {
                Vector<float> b = first ? d : mu * new Vector<float>(_momentum, i) + keep * d;
                b.CopyTo(_momentum, i);
                d = Nesterov ? d + mu * b : b;
            }
            (p - lr * d).CopyTo(parameters.Slice(i));
        }
        for (; i < parameters.Length; i++)
        {
            float d = gradients[i];
            if (wd != 0) d += wd * parameters[i];
            if (mu != 0)
            {
                float b = first ? d : mu * _momentum[i] + keep * d;
                _momentum[i] = b;
                d = Nesterov ? d + mu * b : b;
            }
            parameters[i] -= lr * d;
        }
    }
}
