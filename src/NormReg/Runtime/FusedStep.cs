using System;
using System.Numerics.Tensors;
using NormReg.Kernels;

namespace NormReg.Runtime;

/// <summary>
/// TrainStep's fused update of large Dense rows (see <see cref="FusedUpdate"/>): during the backward pass such a row hands over the
/// operands of its weight gradient instead of computing it; after the pass, when <see cref="Sgd"/> steps and the update provably
/// stays finite, the gradient, the penalty and the update are computed in one pass over the weights; otherwise the gradient is
/// computed as the row would have, and the step goes on as it always did.
/// </summary>
/// <remarks>
/// All or nothing, exactly as the unfused step: the rest of the parameters are updated first, with the refusal that restores them;
/// the fused rows are updated last, and only after a proof, from values already at hand, that no gradient, momentum or weight
/// they produce can leave the finite range (<see cref="Provable"/>), so they can never need restoring. What the proof needs:
/// every input and output gradient of the row finite; every weight finite, which the row's own output shows (a non-finite weight
/// makes its output non-finite for every sample); the largest momentum magnitude of the row, kept from the last fused update while
/// the optimizer's state is untouched, else read once. dx is still computed apart in the backward pass: computed in the
/// update's pass it would come after weights changed, before the rows below are known finite.
/// </remarks>
internal sealed class FusedStep(NetworkArchitecture architecture, int maxBatchSize)
{
    /// <summary>
    /// The largest batch that defers. Measured (WideMlp, MnistMlp, one thread): with the samples spread over cache sets
    /// (<see cref="FusedUpdate.Stride"/>) the fused step is faster up to 32 samples (WideMlp at 32: 2.9–3.1 → 2.05–2.13 ms, MnistMlp
    /// 228 → 218 µs), slower for MnistMlp from 64 (376 → 439 µs) and for both at 128, where the gradient's product is compute-bound
    /// and <see cref="Gemm"/>'s register tiles, which reuse each load of x four times more, win.
    /// </summary>
    public const int MaxBatch = 32;

    /// <summary>Rows of the network by index, allocated the first time each defers.</summary>
    private readonly Row?[] _rows = new Row?[architecture.Layers.Count];

    /// <summary>The rows deferred in this step, in the order the backward pass reached them.</summary>
    private readonly Row?[] _deferred = new Row?[architecture.Layers.Count];

    /// <summary>Offset and count of each deferred row's weights, in order of offset.</summary>
    private readonly int[] _ranges = new int[2 * architecture.Layers.Count];

    private int _count;

    /// <summary>Whether the backward pass in progress may defer: a TrainStep whose optimizer can fuse, at a small batch.</summary>
    public bool Deferring { get; set; }

    /// <summary>Steps that took the fused path, for tests.</summary>
    internal long FusedSteps { get; private set; }

    /// <summary>Whether a TrainStep of <paramref name="batchSize"/> samples by <paramref name="optimizer"/> may defer.</summary>
    public static bool CanDefer(Optimizer optimizer, int batchSize) => batchSize <= MaxBatch && optimizer is Sgd { ClipGlobalNorm: null };

    /// <summary>
    /// Takes row <paramref name="layer"/>'s operands when <see cref="Deferring"/> and they are finite; returns whether it did, in
    /// which case the weight gradient is left to <see cref="TryStep"/> or <see cref="Materialize"/>.
    /// </summary>
    public bool Defer(int layer, int n, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> y, bool penalized, float l1, float l2)
    {
        if (Deferring && TryTake(layer, n, x, dy, y, penalized, l1, l2)) return true;
        if (_rows[layer] is Row known) known.GradientsMarked = false; // the row writes its gradients now
        return false;
    }

    private bool TryTake(int layer, int n, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> y, bool penalized, float l1, float l2)
    {
        LayerDescription description = architecture.Layers[layer];
        int inputs = description.Inputs, outputs = description.Outputs;
        x = x.Slice(0, n * inputs);
        dy = dy.Slice(0, n * outputs);
        if (!Guard.AllFinite(x) || !Guard.AllFinite(dy) || !Guard.AllFinite(y.Slice(0, n * outputs))) return false;
        Row row = _rows[layer] ??= new Row(description, Math.Min(maxBatchSize, MaxBatch));
        for (int s = 0; s < n; s++)
        {
            x.Slice(s * inputs, inputs).CopyTo(row.X.AsSpan(s * row.XStride, inputs));
            dy.Slice(s * outputs, outputs).CopyTo(row.Dy.AsSpan(s * row.DyStride, outputs));
        }
        row.Samples = n;
        row.Penalized = penalized;
        row.L1 = l1;
        row.L2 = l2;
        // The largest gradient magnitude any weight of the row can get: Σₛ |dy[s, j]|·maxᵢ |x[s, i]|, largest over the outputs j.
        Span<double> largestInput = stackalloc double[MaxBatch];
        for (int s = 0; s < n; s++) largestInput[s] = Math.Abs(TensorPrimitives.MaxMagnitude(x.Slice(s * inputs, inputs)));
        double largest = 0;
        for (int j = 0; j < outputs; j++)
        {
            double sum = 0;
            for (int s = 0; s < n; s++) sum += Math.Abs(dy[s * outputs + j]) * largestInput[s];
            largest = Math.Max(largest, sum);
        }
        row.GradientBound = largest;
        _deferred[_count++] = row;
        return true;
    }

    /// <summary>Forgets the deferred rows without computing anything (a new backward pass begins).</summary>
    public void Clear() => _count = 0;

    /// <summary>Computes the deferred weight gradients as the rows would have (the step will not fuse); returns whether all are finite.</summary>
    public bool Materialize(AlignedFloats parameters, AlignedFloats gradients)
    {
        bool finite = true;
        for (int r = 0; r < _count; r++)
        {
            Row row = _deferred[r]!;
            LayerDescription d = row.Layer;
            int n = row.Samples, count = d.WeightCount;
            row.Compact();
            finite &= Dense.BackwardParameters(row.X.AsSpan(0, n * d.Inputs), row.Dy.AsSpan(0, n * d.Outputs), gradients.AsSpan(d.WeightOffset, count), default,
                n, d.Inputs, d.Outputs, row.Penalized ? parameters.AsSpan(d.WeightOffset, count) : default, row.L1, row.L2);
            row.GradientsMarked = false;
        }
        _count = 0;
        return finite;
    }

    /// <summary>
    /// The update of a step whose backward pass deferred rows: fused when <paramref name="optimizer"/> is <see cref="Sgd"/> and the
    /// proof holds, all or nothing. Returns false, with the deferred gradients computed and nothing updated, when the caller must
    /// step as before (nothing deferred, no proof, or the rest of the update refused, which that step then reports).
    /// </summary>
    public bool TryStep(Optimizer optimizer, INetwork network, AlignedFloats parameters, AlignedFloats gradients)
    {
        if (_count == 0) return false;
        if (optimizer is not Sgd sgd || !Prove(sgd))
        {
            Materialize(parameters, gradients);
            return false;
        }
        int ranges = 0;
        for (int r = _count - 1; r >= 0; r--) // the backward pass deferred the rows from the last; their weights lie in the opposite order
        {
            _ranges[ranges++] = _deferred[r]!.Layer.WeightOffset;
            _ranges[ranges++] = _deferred[r]!.Layer.WeightCount;
        }
        ReadOnlySpan<int> fused = _ranges.AsSpan(0, ranges);
        if (!sgd.TryBeginFused(parameters, gradients, fused))
        {
            Materialize(parameters, gradients);
            return false;
        }
        SgdConstants constants = sgd.Constants;
        for (int r = 0; r < _count; r++)
        {
            Row row = _deferred[r]!;
            LayerDescription d = row.Layer;
            int n = row.Samples, offset = d.WeightOffset, count = d.WeightCount;
            Span<float> momentum = constants.Momentum != 0 ? sgd.MomentumBuffer.Slice(offset, count) : default;
            row.MomentumBound = FusedUpdate.Sgd(row.X, row.XStride, row.Dy, row.DyStride, parameters.AsSpan(offset, count), momentum,
                n, d.Inputs, d.Outputs, row.Penalized, row.L1, 2f * row.L2, constants);
            if (!row.GradientsMarked)
            {
                // The gradients never went to memory: NaN says so, rather than an earlier step's values (written once, not every step).
                gradients.AsSpan(offset, count).Fill(float.NaN);
                row.GradientsMarked = true;
            }
            row.BoundOwner = sgd;
            row.BoundVersion = sgd.StateVersion;
        }
        sgd.CommitFused(network, fused);
        _count = 0;
        FusedSteps++;
        return true;
    }

    /// <summary>Whether every deferred row's update provably stays finite under <paramref name="sgd"/>'s next step.</summary>
    private bool Prove(Sgd sgd)
    {
        SgdConstants constants = sgd.Constants with { First = sgd.Steps == 0 };
        for (int r = 0; r < _count; r++)
        {
            Row row = _deferred[r]!;
            double momentumBound = 0;
            if (constants.Momentum != 0 && !constants.First)
            {
                if (!ReferenceEquals(row.BoundOwner, sgd) || row.BoundVersion != sgd.StateVersion)
                {
                    // The state changed other than by this row's fused update (or never went through it): read its bound once.
                    row.MomentumBound = Math.Abs(TensorPrimitives.MaxMagnitude(sgd.MomentumBuffer.Slice(row.Layer.WeightOffset, row.Layer.WeightCount)));
                    row.BoundOwner = sgd;
                    row.BoundVersion = sgd.StateVersion;
                }
                momentumBound = row.MomentumBound;
            }
            if (!Provable(row.GradientBound, row.Penalized, row.L1, 2f * row.L2, constants, momentumBound)) return false;
        }
        return true;
    }

    /// <summary>
    /// Whether the update of every weight w of a row stays finite, for any finite w, given the bound on its gradients before the
    /// penalty and on the magnitude of its momentum. Each value the update computes is α·w + e with 0 ≤ α ≤ A and |e| ≤ E (every
    /// factor of w is ≥ 0, and each rounding multiplies by at most 1 + 2⁻²⁴, which <c>Slack</c> covers with room to spare). With
    /// A ≤ 0.999 and E ≤ 1e30 at every stage, each value is at most 0.999·float.MaxValue + 1e30, and the new weight
    /// w − (α·w + e) at most |w| + 1e30, which rounds to at most float.MaxValue: 1e30 is below half an ulp there.
    /// </summary>
    internal static bool Provable(double gradientBound, bool penalized, float l1, float twiceL2, SgdConstants c, double momentumBound)
    {
        const double Slack = 1 + 1e-6, Tiny = 1e-30, MaxCoefficient = 0.999, MaxConstant = 1e30;
        double a = 0, e = gradientBound * (1 + 1e-5) + Tiny; // at most 128 multiply-adds, each rounding by at most 2⁻²⁴
        bool bounded = e <= MaxConstant;
        if (penalized)
        {
            e = (e + l1) * Slack + Tiny; // g + l1·sign(w)
            a = twiceL2 * Slack * Slack; // + 2·l2·w
            e = e * Slack + Tiny;
            bounded &= a <= MaxCoefficient && e <= MaxConstant;
        }
        if (c.WeightDecay != 0)
        {
            a = (a + c.WeightDecay * Slack) * Slack;
            e = e * Slack + Tiny;
            bounded &= a <= MaxCoefficient && e <= MaxConstant;
        }
        if (c.Momentum != 0)
        {
            double momentumA = c.First ? a : c.Keep * a * Slack * Slack;
            double momentumE = c.First ? e : (c.Momentum * momentumBound * Slack + c.Keep * e * Slack) * Slack + Tiny;
            bounded &= momentumA <= MaxCoefficient && momentumE <= MaxConstant;
            if (c.Nesterov)
            {
                a = (a + c.Momentum * momentumA * Slack) * Slack;
                e = (e + c.Momentum * momentumE * Slack) * Slack + Tiny;
            }
            else
            {
                (a, e) = (momentumA, momentumE);
            }
            bounded &= a <= MaxCoefficient && e <= MaxConstant;
        }
        a = c.LearningRate * a * Slack;
        e = c.LearningRate * e * Slack + Tiny;
        return bounded && a <= MaxCoefficient && e <= MaxConstant;
    }

    /// <summary>One Dense row that defers: its copies of the operands and the bound kept on its momentum.</summary>
    private sealed class Row(LayerDescription layer, int maxBatch)
    {
        public readonly LayerDescription Layer = layer;

        /// <summary>The samples' inputs and output gradients, each sample at a multiple of its stride (<see cref="FusedUpdate.Stride"/>).</summary>
        public readonly AlignedFloats X = new(maxBatch * FusedUpdate.Stride(layer.Inputs)), Dy = new(maxBatch * FusedUpdate.Stride(layer.Outputs));
        public readonly int XStride = FusedUpdate.Stride(layer.Inputs), DyStride = FusedUpdate.Stride(layer.Outputs);
        public int Samples;
        public bool Penalized;
        public float L1, L2;
        public double GradientBound;

        /// <summary>Whether the row's weight gradients in the network's gradients are the NaN a fused update leaves.</summary>
        public bool GradientsMarked;

        /// <summary>The largest magnitude in the row's momentum, while <see cref="BoundOwner"/>'s state is at <see cref="BoundVersion"/>.</summary>
        public float MomentumBound;
        public Sgd? BoundOwner;
        public int BoundVersion;

        /// <summary>Moves the samples together, as the unfused gradient reads them (each moves down, so none overwrites one not yet moved).</summary>
        public void Compact()
        {
            for (int s = 1; s < Samples; s++)
            {
                X.AsSpan(s * XStride, Layer.Inputs).CopyTo(X.AsSpan(s * Layer.Inputs, Layer.Inputs));
                Dy.AsSpan(s * DyStride, Layer.Outputs).CopyTo(Dy.AsSpan(s * Layer.Outputs, Layer.Outputs));
            }
        }
    }
}
