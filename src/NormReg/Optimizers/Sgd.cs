using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NormReg.Kernels;
using NormReg.Runtime;

namespace NormReg;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay,
/// step for step as PyTorch 1.13's <c>torch.optim.SGD</c> (the momentum buffer starts as the first gradient), except that a
/// momentum smaller in magnitude than 2^−126, the smallest normal float, is stored as 0 where PyTorch keeps the subnormal value
/// (arithmetic on subnormals is many times slower, and a dead unit's momentum decays into them within some hundreds of steps).
/// Keras: <c>SGD(momentum=…, nesterov=…)</c>; Keras has no weight_decay coupled to the gradient.
/// </summary>
public sealed class Sgd : Optimizer
{
    private AlignedFloats _momentum;
    private AlignedFloats _momentumNext;

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
    private protected override ReadOnlySpan<float> PendingStateBuffer(int index) => index < StateBufferCount ? _momentumNext : base.PendingStateBuffer(index);

    /// <inheritdoc/>
    internal override string StateBufferName(int index) => "momentum buffer";

    /// <inheritdoc/>
    protected override void Allocate(int parameterCount)
    {
        if (Momentum != 0)
        {
            _momentum = new AlignedFloats(parameterCount);
            _momentumNext = new AlignedFloats(parameterCount);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Never called: <see cref="Optimizer.Step(Span{float}, ReadOnlySpan{float})"/> runs this rule's all-or-nothing update.</remarks>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients) =>
        throw new System.Diagnostics.UnreachableException("The built-in rules update through their all-or-nothing path.");

    /// <inheritdoc/>
    private protected override void CommitState() => (_momentum, _momentumNext) = (_momentumNext, _momentum);

    /// <summary>The constants of the step in progress, in the floats the update computes with.</summary>
    internal SgdConstants Constants => new((float)LearningRate, (float)Momentum, (float)(1 - Dampening), (float)WeightDecay, Nesterov, Steps == 1);

    /// <summary>The momentum buffer, which a fused update changes in place; empty without momentum.</summary>
    internal Span<float> MomentumBuffer => _momentum;

    /// <summary>
    /// The first half of a network's fused step: counts the step and updates every parameter outside the ranges of
    /// <paramref name="fused"/> (offset and count pairs, in order, disjoint), all or nothing. Returns false when that update
    /// is refused, with the parameters and the state as they were; on true the caller updates the fused ranges (their momentum
    /// in place, see <see cref="MomentumBuffer"/>) and then calls <see cref="CommitFused"/>.
    /// </summary>
    internal bool TryBeginFused(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<int> fused)
    {
        Span<float> previous = BeginStep(parameters.Length);
        bool finite = true;
        for (int f = 0, start = 0; f <= fused.Length; f += 2)
        {
            int end = f < fused.Length ? fused[f] : parameters.Length;
            if (end > start) finite &= TryUpdate(parameters.Slice(start, end - start), gradients.Slice(start, end - start), previous.Slice(start, end - start), start);
            if (f < fused.Length) start = fused[f] + fused[f + 1];
        }
        if (finite) return true;
        for (int f = 0, start = 0; f <= fused.Length; f += 2)
        {
            int end = f < fused.Length ? fused[f] : parameters.Length;
            if (end > start) previous.Slice(start, end - start).CopyTo(parameters.Slice(start, end - start));
            if (f < fused.Length) start = fused[f] + fused[f + 1];
        }
        UncountStep();
        return false;
    }

    /// <summary>
    /// Ends a fused step begun by <see cref="TryBeginFused"/>: the momentum written aside outside <paramref name="fused"/> joins the
    /// momentum updated in place, and the optimizer is bound to <paramref name="network"/>.
    /// </summary>
    internal void CommitFused(INetwork network, ReadOnlySpan<int> fused)
    {
        if (Momentum != 0)
        {
            for (int f = 0, start = 0; f <= fused.Length; f += 2)
            {
                int end = f < fused.Length ? fused[f] : _momentum.Length;
                if (end > start) _momentumNext.AsSpan(start, end - start).CopyTo(_momentum.AsSpan(start, end - start));
                if (f < fused.Length) start = fused[f] + fused[f + 1];
            }
        }
        BindAfterStep(network);
    }

    /// <inheritdoc/>
    private protected override bool TryUpdate(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> previous) =>
        TryUpdate(parameters, gradients, previous, 0);

    /// <inheritdoc/>
    private protected override bool UpdatesInParts => true;

    /// <summary>The update of the parameters from index <paramref name="offset"/> on, whose momentum is at the same index of the state.</summary>
    private protected override bool TryUpdate(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> previous, int offset) =>
        Momentum != 0 && WeightDecay == 0 && !Nesterov && Steps != 1
            ? TryUpdate<MomentumAfterFirst>(parameters, gradients, previous, offset)
            : TryUpdate<AnyRule>(parameters, gradients, previous, offset);

    /// <summary>
    /// <see cref="TryUpdate(Span{float}, ReadOnlySpan{float}, Span{float}, int)"/> compiled for one shape of rule: the general one tests
    /// its flags on every vector, where the common one (momentum after the first step, no weight decay, not Nesterov's) has none to
    /// test. Under Native AOT the general loop kept its pointers and constants on the stack (TabularMlp's step at batch 8: the update
    /// took twice its share of the JIT's; with its own loop the step is 5–8 % faster under both).
    /// </summary>
    private bool TryUpdate<TRule>(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> previous, int offset) where TRule : struct, IRule
    {
        float lr = (float)LearningRate, mu = (float)Momentum, keep = (float)(1 - Dampening), wd = (float)WeightDecay;
        bool first = Steps == 1, nesterov = Nesterov;
        ref float p0 = ref MemoryMarshal.GetReference(parameters);
        ref float old0 = ref MemoryMarshal.GetReference(previous);
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        // By reference rather than by index: a network without parameters has an empty momentum, and offset 0 is its end.
        ref float b0 = ref mu != 0 ? ref Unsafe.Add(ref MemoryMarshal.GetReference(_momentum.AsSpan()), offset) : ref MemoryMarshal.GetReference(_momentum.AsSpan());
        ref float bNext0 = ref mu != 0 ? ref Unsafe.Add(ref MemoryMarshal.GetReference(_momentumNext.AsSpan()), offset) : ref MemoryMarshal.GetReference(_momentumNext.AsSpan());
        // Vectors first, then the tail; both apply the same float operations in the same order (no fused multiply-add).
        // The new momentum goes to the spare buffer and the old parameters to previous, so a refusal restores everything.
        // Finiteness: x − x is 0 for finite x and NaN otherwise (the momentum is finite if d, and so the new parameter, is).
        // A momentum smaller than the smallest normal float is stored as 0 (see Simd.SmallestNormal).
        int i = 0;
        float check = 0f;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> checks = default;
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref p0, (nuint)i);
                p.StoreUnsafe(ref old0, (nuint)i);
                Vector256<float> d = Vector256.LoadUnsafe(ref g0, (nuint)i);
                if (TRule.IsGeneral && wd != 0) d += wd * p;
                if (!TRule.IsGeneral || mu != 0)
                {
                    Vector256<float> b = Simd.Flush(TRule.IsGeneral && first ? d : mu * Vector256.LoadUnsafe(ref b0, (nuint)i) + keep * d);
                    b.StoreUnsafe(ref bNext0, (nuint)i);
                    checks += b - b;
                    d = TRule.IsGeneral && nesterov ? d + mu * b : b;
                }
                Vector256<float> next = p - lr * d;
                next.StoreUnsafe(ref p0, (nuint)i);
                checks += next - next;
            }
            check = Vector256.Sum(checks);
        }
        for (; i < parameters.Length; i++)
        {
            float p = Unsafe.Add(ref old0, i) = Unsafe.Add(ref p0, i);
            float d = Unsafe.Add(ref g0, i);
            if (wd != 0) d += wd * p;
            if (mu != 0)
            {
                float b = Unsafe.Add(ref bNext0, i) = Simd.Flush(first ? d : mu * Unsafe.Add(ref b0, i) + keep * d);
                check += b - b;
                d = nesterov ? d + mu * b : b;
            }
            float next = Unsafe.Add(ref p0, i) = p - lr * d;
            check += next - next;
        }
        return check == 0f;
    }

    /// <summary>The shape of a rule as a type, so that each update loop is compiled with its branches resolved.</summary>
    private interface IRule
    {
        /// <summary>Whether every flag is tested; else the rule is momentum after the first step, without weight decay, not Nesterov's.</summary>
        static abstract bool IsGeneral { get; }
    }

    /// <summary>Momentum after the first step, no weight decay, not Nesterov's.</summary>
    private readonly struct MomentumAfterFirst : IRule
    {
        public static bool IsGeneral => false;
    }

    /// <summary>Any rule, its flags tested per vector.</summary>
    private readonly struct AnyRule : IRule
    {
        public static bool IsGeneral => true;
    }
}
