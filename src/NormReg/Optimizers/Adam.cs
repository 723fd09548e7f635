using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NormReg.Kernels;
using NormReg.Runtime;

namespace NormReg;

/// <summary>
/// Adam, step for step as PyTorch 1.13's <c>torch.optim.Adam</c>. Its <see cref="WeightDecay"/> is L2 added
/// to the gradient (coupled); for decoupled decay use <see cref="AdamW"/>.
/// Keras: <c>Adam(learning_rate, beta_1, beta_2, epsilon)</c> — Keras' default epsilon is 1e-7.
/// </summary>
public class Adam : Optimizer
{
    private AlignedFloats _m;
    private AlignedFloats _v;
    private AlignedFloats _mNext;
    private AlignedFloats _vNext;

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
    private protected override ReadOnlySpan<float> PendingStateBuffer(int index) => index switch
    {
        0 => _mNext,
        1 => _vNext,
        _ => base.PendingStateBuffer(index),
    };

    /// <inheritdoc/>
    internal override string StateBufferName(int index) => index == 0 ? "first moment (exp_avg)" : "second moment (exp_avg_sq)";

    /// <inheritdoc/>
    internal override bool StateBufferMustBeNonNegative(int index) => index == 1;

    /// <inheritdoc/>
    protected override void Allocate(int parameterCount)
    {
        _m = new AlignedFloats(parameterCount);
        _v = new AlignedFloats(parameterCount);
        _mNext = new AlignedFloats(parameterCount);
        _vNext = new AlignedFloats(parameterCount);
    }

    /// <inheritdoc/>
    /// <remarks>Never called: <see cref="Optimizer.Step(Span{float}, ReadOnlySpan{float})"/> runs this rule's all-or-nothing update.</remarks>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients) =>
        throw new System.Diagnostics.UnreachableException("The built-in rules update through their all-or-nothing path.");

    /// <inheritdoc/>
    private protected override void CommitState()
    {
        (_m, _mNext) = (_mNext, _m);
        (_v, _vNext) = (_vNext, _v);
    }

    /// <inheritdoc/>
    private protected override bool TryUpdate(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> previous) =>
        TryUpdate(parameters, gradients, previous, 0);

    /// <inheritdoc/>
    private protected override bool UpdatesInParts => true;

    /// <summary>The update of the parameters from index <paramref name="offset"/> on, whose moments are at the same index of the state.</summary>
    private protected override bool TryUpdate(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> previous, int offset)
    {
        // 1 − β is taken in double and then rounded, as PyTorch's alpha = 1 − beta1: 1f − 0.9f is 0.100000024, not 0.1f.
        float b1 = (float)Beta1, b2 = (float)Beta2, keep1 = (float)(1 - Beta1), keep2 = (float)(1 - Beta2);
        float eps = (float)Epsilon, wd = (float)WeightDecay;
        float stepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, Steps)));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, Steps));
        float shrink = DecoupledDecay ? (float)(1 - LearningRate * WeightDecay) : 1f;
        bool coupled = !DecoupledDecay && wd != 0;
        ref float p0 = ref MemoryMarshal.GetReference(parameters);
        ref float old0 = ref MemoryMarshal.GetReference(previous);
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        // By reference rather than by index: a network without parameters has empty moments, and offset 0 is their end.
        ref float m0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(_m.AsSpan()), offset);
        ref float v0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(_v.AsSpan()), offset);
        ref float mNext0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(_mNext.AsSpan()), offset);
        ref float vNext0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(_vNext.AsSpan()), offset);
        // Vectors first, then the tail; both apply the same float operations in the same order (no fused multiply-add).
        // The new moments go to the spare buffers and the old parameters to previous, so a refusal restores everything.
        // Finiteness: x − x is 0 for finite x and NaN otherwise; the sums stay 0 exactly when every new value is finite.
        // A moment smaller than the smallest normal float is stored as 0 (see Simd.SmallestNormal).
        int i = 0;
        float check = 0f;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> epsilon = Vector256.Create(eps), checks = default;
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> old = Vector256.LoadUnsafe(ref p0, (nuint)i);
                old.StoreUnsafe(ref old0, (nuint)i);
                Vector256<float> p = old * shrink;
                Vector256<float> g = Vector256.LoadUnsafe(ref g0, (nuint)i);
                if (coupled) g += wd * p;
                Vector256<float> m = Simd.Flush(b1 * Vector256.LoadUnsafe(ref m0, (nuint)i) + keep1 * g);
                Vector256<float> v = Simd.Flush(b2 * Vector256.LoadUnsafe(ref v0, (nuint)i) + keep2 * g * g);
                m.StoreUnsafe(ref mNext0, (nuint)i);
                v.StoreUnsafe(ref vNext0, (nuint)i);
                Vector256<float> next = p - stepSize * m / (Vector256.Sqrt(v) / correction2Sqrt + epsilon);
                next.StoreUnsafe(ref p0, (nuint)i);
                checks += (next - next) + (v - v) + (m - m);
            }
            check = Vector256.Sum(checks);
        }
        for (; i < parameters.Length; i++)
        {
            float old = Unsafe.Add(ref old0, i) = Unsafe.Add(ref p0, i);
            float p = old * shrink;
            float g = Unsafe.Add(ref g0, i);
            if (coupled) g += wd * p;
            float m = Unsafe.Add(ref mNext0, i) = Simd.Flush(b1 * Unsafe.Add(ref m0, i) + keep1 * g);
            float v = Unsafe.Add(ref vNext0, i) = Simd.Flush(b2 * Unsafe.Add(ref v0, i) + keep2 * g * g);
            float next = Unsafe.Add(ref p0, i) = p - stepSize * m / (MathF.Sqrt(v) / correction2Sqrt + eps);
            check += (next - next) + (v - v) + (m - m);
        }
        return check == 0f;
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
