using System;
using System.Numerics;

namespace NormReg;

/// <summary>
/// Adam, step for step as PyTorch 1.13's <c>torch.optim.Adam</c>. Its <see cref="WeightDecay"/> is L2 added
/// to the gradient (coupled); for decoupled decay use <see cref="AdamW"/>.
/// Keras: <c>Adam(learning_rate, beta_1, beta_2, epsilon)</c> — Keras' default epsilon is 1e-7.
/// </summary>
public class Adam : Optimizer
{
    private float[] _m = [];
    private float[] _v = [];

    /// <summary>Creates the optimizer; the defaults match PyTorch's.</summary>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : base(learningRate)
    {
        Beta1 = InRange(beta1, 0, 1, nameof(beta1));
        Beta2 = InRange(beta2, 0, 1, nameof(beta2));
        Epsilon = epsilon > 0 ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive.");
        WeightDecay = InRange(weightDecay, 0, double.PositiveInfinity, nameof(weightDecay));
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public double Epsilon { get; }

    /// <summary>Weight decay λ (see the class remarks for coupled or decoupled).</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the decay multiplies the parameters directly (AdamW) instead of joining the gradient.</summary>
    protected virtual bool DecoupledDecay => false;

    /// <inheritdoc/>
    internal override string StateKind => FormattableString.Invariant(
        $"{GetType().Name}(beta1={Beta1:R},beta2={Beta2:R},epsilon={Epsilon:R},weightDecay={WeightDecay:R})");

    /// <inheritdoc/>
    internal override int StateBufferCount => 2;

    /// <inheritdoc/>
    internal override Span<float> StateBuffer(int index) => index switch
    {
        0 => _m,
        1 => _v,
        _ => base.StateBuffer(index),
    };

    /// <inheritdoc/>
    protected override void Allocate(int parameterCount)
    {
        _m = new float[parameterCount];
        _v = new float[parameterCount];
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        // 1 − β is taken in double and then rounded, as PyTorch's alpha = 1 − beta1: 1f − 0.9f is 0.100000024, not 0.1f.
        float b1 = (float)Beta1, b2 = (float)Beta2, keep1 = (float)(1 - Beta1), keep2 = (float)(1 - Beta2);
        float eps = (float)Epsilon, wd = (float)WeightDecay;
        float stepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, Steps)));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, Steps));
        float shrink = DecoupledDecay ? (float)(1 - LearningRate * WeightDecay) : 1f;
        bool coupled = !DecoupledDecay && wd != 0;
        // Vectors first, then the tail; both apply the same float operations in the same order.
        int i = 0;
        for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector<float> p = new Vector<float>(parameters.Slice(i)) * shrink;
            var g = new Vector<float>(gradients.Slice(i));
            if (coupled) g += wd * p;
            Vector<float> m = b1 * new Vector<float>(_m, i) + keep1 * g;
            Vector<float> v = b2 * new Vector<float>(_v, i) + keep2 * g * g;
            m.CopyTo(_m, i);
            v.CopyTo(_v, i);
            (p - stepSize * m / (Vector.SquareRoot(v) / correction2Sqrt + new Vector<float>(eps))).CopyTo(parameters.Slice(i));
        }
        for (; i < parameters.Length; i++)
        {
            float p = parameters[i] * shrink;
            float g = gradients[i];
            if (coupled) g += wd * p;
            float m = _m[i] = b1 * _m[i] + keep1 * g;
            float v = _v[i] = b2 * _v[i] + keep2 * g * g;
            parameters[i] = p - stepSize * m / (MathF.Sqrt(v) / correction2Sqrt + eps);
        }
    }
}

/// <summary>
/// AdamW: Adam with decoupled weight decay, <c>θ ← θ − lr·λ·θ</c> before the Adam update, step for step as
/// PyTorch 1.13's <c>torch.optim.AdamW</c> (default λ = 0.01). Keras: <c>AdamW(weight_decay=0.004)</c> — mind the default.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer; the defaults match PyTorch's.</summary>
    public AdamW(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2)
        : base(learningRate, beta1, beta2, epsilon, weightDecay)
    {
    }

    /// <inheritdoc/>
    protected override bool DecoupledDecay => true;
}
