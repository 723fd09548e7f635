using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        bool first = Steps == 1, nesterov = Nesterov;
        ref float p0 = ref MemoryMarshal.GetReference(parameters);
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(_momentum);
        // Vectors first, then the tail; both apply the same float operations in the same order (no fused multiply-add).
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref p0, (nuint)i);
                Vector256<float> d = Vector256.LoadUnsafe(ref g0, (nuint)i);
                if (wd != 0) d += wd * p;
                if (mu != 0)
                {
                    Vector256<float> b = first ? d : mu * Vector256.LoadUnsafe(ref b0, (nuint)i) + keep * d;
                    b.StoreUnsafe(ref b0, (nuint)i);
                    d = nesterov ? d + mu * b : b;
                }
                (p - lr * d).StoreUnsafe(ref p0, (nuint)i);
            }
        }
        for (; i < parameters.Length; i++)
        {
            float d = Unsafe.Add(ref g0, i);
            ref float p = ref Unsafe.Add(ref p0, i);
            if (wd != 0) d += wd * p;
            if (mu != 0)
            {
                ref float b = ref Unsafe.Add(ref b0, i);
                b = first ? d : mu * b + keep * d;
                d = nesterov ? d + mu * b : b;
            }
            p -= lr * d;
        }
    }
}
