using System;
using System.Numerics.Tensors;

namespace NormReg;

/// <summary>
/// Updates a network's parameters from its gradients. An optimizer keeps per-parameter state (momentum,
/// moments), so one instance serves one network: its state is sized on the first <see cref="Step(Span{float}, ReadOnlySpan{float})"/>.
/// </summary>
public abstract class Optimizer
{
    private int _boundLength = -1;
    private float[]? _clipped;
    private float[] _previous = [];
    private WeakReference<INetwork>? _owner;
    private string? _networkName; // from the last RequireFits, for the message of a refused Step(Span, ReadOnlySpan)

    /// <summary>Creates an optimizer with learning rate <paramref name="learningRate"/>.</summary>
    protected Optimizer(double learningRate)
    {
        LearningRate = learningRate;
    }

    /// <summary>The learning rate of the next step; a schedule may change it between steps.</summary>
    public double LearningRate
    {
        get;
        set => field = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be positive and finite.");
    }

    /// <summary>Steps taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>
    /// Clipping by global norm: when set, each <see cref="Step(Span{float}, ReadOnlySpan{float})"/> measures the L2 norm of all the gradients together,
    /// <c>total = √Σg²</c>, and if <c>coef = ClipGlobalNorm / (total + 1e-6)</c> is below 1 the update uses the gradients
    /// times <c>coef</c>; otherwise it uses them unchanged. <see langword="null"/> (the default) turns clipping off.
    /// </summary>
    /// <remarks>
    /// PyTorch: <c>torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)</c> called between <c>backward()</c> and
    /// <c>optimizer.step()</c>, with <c>coef</c> in float32 as there. Keras: the optimizer argument
    /// <c>global_clipnorm=…</c>, which scales by <c>clipnorm / total</c> without the 1e-6 (Keras' <c>clipnorm</c> clips each
    /// variable separately, which this does not do). The network's gradients are left as they are: the scaled copy goes
    /// into a buffer sized once, so a step allocates nothing.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative or NaN.</exception>
    public double? ClipGlobalNorm
    {
        get;
        set => field = value is null || value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ClipGlobalNorm), value, "ClipGlobalNorm must be positive, or null for no clipping.");
    }

    /// <summary>
    /// The global L2 norm of the gradients the last <see cref="Step(Span{float}, ReadOnlySpan{float})"/> received, before clipping (what PyTorch's
    /// <c>clip_grad_norm_</c> returns); measured only while <see cref="ClipGlobalNorm"/> is set, <see cref="double.NaN"/> otherwise.
    /// </summary>
    public double LastGradientNorm { get; private set; } = double.NaN;

    /// <summary>Applies one update to <paramref name="parameters"/> from <paramref name="gradients"/>, clipped first if <see cref="ClipGlobalNorm"/> is set.</summary>
    /// <remarks>
    /// All or nothing: an update that would make a parameter or a value of the optimizer's state infinite or NaN is refused,
    /// with the parameters and the optimizer's state (steps, buffers) left byte for byte as they were. Prefer
    /// <see cref="Step(INetwork)"/>, which also names the layer in that message and binds the optimizer to its network.
    /// </remarks>
    /// <exception cref="ArgumentException">The spans differ in length, or differ from the network this optimizer first stepped.</exception>
    /// <exception cref="ArithmeticException">The update would turn a finite parameter or state value into an infinity or NaN; nothing changed.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => StepCore(parameters, gradients, null, 0);

    /// <summary>
    /// Applies one update to <paramref name="network"/>'s <see cref="INetwork.Parameters"/> from its <see cref="INetwork.Gradients"/>
    /// (clipped first if <see cref="ClipGlobalNorm"/> is set). The first such step binds this optimizer to
    /// <paramref name="network"/>: its state (momentum, moments) belongs to that instance, and stepping another instance,
    /// even a twin of the same declaration, is refused.
    /// </summary>
    /// <remarks>All or nothing, as <see cref="Step(Span{float}, ReadOnlySpan{float})"/>; the refusal names the layer and parameter.</remarks>
    /// <exception cref="ArgumentException">The optimizer is bound to another network, or keeps state for another parameter count.</exception>
    /// <exception cref="ArithmeticException">The update would turn a finite parameter or state value into an infinity or NaN; nothing changed.</exception>
    public void Step(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        RequireFits(network);
        StepCore(network.Parameters, network.Gradients, network.Architecture, 0);
        BindAfterStep(network);
    }

    /// <summary>
    /// <see cref="Step(INetwork)"/> after a training batch of <paramref name="batch"/> samples, whose split products decide which rows
    /// each thread updates (<see cref="ParallelUpdate"/>); the network has already checked that this optimizer fits it.
    /// </summary>
    internal void Step(INetwork network, int batch)
    {
        StepCore(network.Parameters, network.Gradients, network.Architecture, batch);
        BindAfterStep(network);
    }

    /// <summary>Whether the last update (applied or refused) ran in parts over the worker pool (<see cref="ParallelUpdate"/>), for tests.</summary>
    internal bool LastStepInParts { get; private set; }

    private void StepCore(Span<float> parameters, ReadOnlySpan<float> gradients, NetworkArchitecture? architecture, int batch)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"parameters and gradients must have the same length; got {parameters.Length} and {gradients.Length}.", nameof(gradients));
        }
        double gradientNorm = LastGradientNorm;
        Span<float> previous = BeginStep(parameters.Length);
        ReadOnlySpan<float> used = ClipGlobalNorm is double maxNorm ? Clip(gradients, maxNorm) : gradients;
        bool finite = false;
        LastStepInParts = UpdatesInParts && architecture is not null && ParallelUpdate.TryRun(this, parameters, used, previous, architecture, batch, out finite);
        if (!LastStepInParts) finite = TryUpdate(parameters, used, previous);
        if (finite)
        {
            CommitState();
            StateVersion++;
            return;
        }
        // Refused: put the parameters back; the rule wrote its new state aside, so dropping it restores the old.
        string what = DescribeOverflow(parameters, previous, architecture);
        previous.CopyTo(parameters);
        Steps--;
        LastGradientNorm = gradientNorm;
        throw new ArithmeticException(
            $"{((architecture?.Name ?? _networkName) is string name ? name + ": " : "")}the {GetType().Name} update was refused: {what}. The parameters and the optimizer's state are unchanged; lower the learning rate, clip the gradients (ClipGlobalNorm) or scale the data.");
    }

    /// <summary>
    /// Sizes the state on the first step (and refuses a network of another size), counts the step, and returns the buffer the old
    /// parameters go to, so that a refusal can put them back.
    /// </summary>
    private protected Span<float> BeginStep(int parameterCount)
    {
        if (_boundLength < 0)
        {
            Allocate(parameterCount);
            _previous = new float[parameterCount];
            if (ClipGlobalNorm is not null) _clipped = new float[parameterCount];
            _boundLength = parameterCount;
        }
        else if (_boundLength != parameterCount)
        {
            throw new ArgumentException(Mismatch(parameterCount), "parameters");
        }
        Steps++;
        return _previous.AsSpan(0, parameterCount);
    }

    /// <summary>Takes back the count of a step refused after <see cref="BeginStep"/>.</summary>
    private protected void UncountStep() => Steps--;

    /// <summary>Binds this optimizer to <paramref name="network"/> after a step of it, as <see cref="Step(INetwork)"/> does.</summary>
    private protected void BindAfterStep(INetwork network) => _owner ??= new WeakReference<INetwork>(network);

    /// <summary>
    /// Changes whenever the state is written other than by a network's fused update (<see cref="Sgd"/>): by a whole step, or a
    /// restore. A bound a network keeps on part of the state holds while this is what it was when the bound was taken.
    /// </summary>
    internal int StateVersion { get; private set; }

    /// <summary>What the refused update would have made of the first parameter or state value that left the finite range.</summary>
    private string DescribeOverflow(ReadOnlySpan<float> updated, ReadOnlySpan<float> previous, NetworkArchitecture? architecture)
    {
        string Name(int i) => architecture is null ? $"parameter {i}" : StateValidator.DescribeParameter(architecture, i);
        for (int i = 0; i < updated.Length; i++)
        {
            if (!float.IsFinite(updated[i]))
            {
                return $"it would take {Name(i)} from {StateValidator.Show(previous[i])} to {StateValidator.Show(updated[i])}";
            }
        }
        for (int b = 0; b < StateBufferCount; b++)
        {
            ReadOnlySpan<float> next = PendingStateBuffer(b);
            for (int i = 0; i < next.Length; i++)
            {
                if (!float.IsFinite(next[i])) return $"it would make its {StateBufferName(b)} for {Name(i)} {StateValidator.Show(next[i])}";
            }
        }
        return "a value left the finite range";
    }

    /// <summary>
    /// Throws unless this optimizer can step <paramref name="network"/>: it has not stepped a network yet, or the one it is
    /// bound to (by <see cref="Step(INetwork)"/> or a model file's load) is this very instance. Checks before anything
    /// changes, so a refused optimizer leaves the network untouched.
    /// </summary>
    /// <exception cref="ArgumentException">The optimizer keeps state for another network (another instance, or another parameter count).</exception>
    public void RequireFits(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        RequireFits(network.Architecture.ParameterCount, network.Architecture.Name);
        if (_owner is not null && _owner.TryGetTarget(out INetwork? owner) && !ReferenceEquals(owner, network))
        {
            throw new ArgumentException(
                $"{network.Architecture.Name}: this {GetType().Name} keeps momentum/moment state for another {owner.Architecture.Name} instance and cannot step this one; use one optimizer per network instance.",
                "optimizer");
        }
    }

    /// <summary>
    /// Throws unless this optimizer can step a network of <paramref name="parameterCount"/> parameters: it has not
    /// stepped yet, or it steps a network of that size. Generated <c>TrainStep</c> and <c>Fit</c> ask before their
    /// forward pass, so a mismatched optimizer leaves the network untouched (running statistics, dropout draws).
    /// <see cref="RequireFits(INetwork)"/> also tells one instance from a twin of the same size.
    /// </summary>
    /// <param name="parameterCount">The network's parameter count.</param>
    /// <param name="network">The network's name, for the message.</param>
    /// <exception cref="ArgumentException">The optimizer keeps state for a network of another parameter count.</exception>
    public void RequireFits(int parameterCount, string network)
    {
        _networkName = network;
        if (_boundLength >= 0 && _boundLength != parameterCount)
        {
            throw new ArgumentException($"{network}: {Mismatch(parameterCount)}", "optimizer");
        }
    }

    /// <summary>Binds this optimizer to <paramref name="network"/> (a model file's optimizer state was loaded for it).</summary>
    internal void BindTo(INetwork network) => _owner = new WeakReference<INetwork>(network);

    /// <summary>Whether this optimizer is bound to a live network other than <paramref name="network"/>.</summary>
    internal bool IsBoundToAnother(INetwork network) =>
        _owner is not null && _owner.TryGetTarget(out INetwork? owner) && !ReferenceEquals(owner, network);

    private string Mismatch(int parameterCount) =>
        $"{GetType().Name} keeps state for a network of {_boundLength} parameters and cannot step one of {parameterCount}; use one optimizer per network.";

    /// <summary>PyTorch's <c>clip_grad_norm_</c> into the scratch buffer; returns <paramref name="gradients"/> itself when no scaling is due.</summary>
    private ReadOnlySpan<float> Clip(ReadOnlySpan<float> gradients, double maxNorm)
    {
        double sum = 0;
        foreach (float g in gradients) sum += (double)g * g;
        double total = Math.Sqrt(sum);
        LastGradientNorm = total;
        float coef = (float)(maxNorm / (total + 1e-6));
        if (!(coef < 1f)) return gradients;
        _clipped ??= new float[gradients.Length];
        Span<float> clipped = _clipped.AsSpan(0, gradients.Length);
        TensorPrimitives.Multiply(gradients, coef, clipped);
        return clipped;
    }

    /// <summary>
    /// The update rule and the settings its state depends on, as model files record it (e.g. <c>Adam(beta1=0.9,…)</c>);
    /// <see langword="null"/> for an optimizer whose state model files cannot hold.
    /// </summary>
    internal virtual string? StateKind => null;

    /// <summary>How many per-parameter buffers (momentum, moments) the rule keeps; see <see cref="StateBuffer"/>.</summary>
    internal virtual int StateBufferCount => 0;

    /// <summary>The parameter count of the network this optimizer steps, or -1 before its first <see cref="Step(Span{float}, ReadOnlySpan{float})"/>.</summary>
    internal int BoundLength => _boundLength;

    /// <summary>Buffer <paramref name="index"/> of <see cref="StateBufferCount"/>, <see cref="BoundLength"/> values once bound.</summary>
    internal virtual Span<float> StateBuffer(int index) => throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>
    /// Replaces the whole state with a saved one: no steps means a fresh optimizer, otherwise one bound to
    /// <paramref name="parameterCount"/> parameters with the buffers laid end to end in <paramref name="buffers"/>.
    /// The caller has validated every value, so nothing here can fail halfway.
    /// </summary>
    internal void RestoreState(long steps, double learningRate, int parameterCount, ReadOnlySpan<float> buffers)
    {
        int length = steps == 0 ? 0 : parameterCount;
        Allocate(length);
        for (int i = 0; i < StateBufferCount; i++) buffers.Slice(i * length, length).CopyTo(StateBuffer(i));
        _boundLength = steps == 0 ? -1 : parameterCount;
        _previous = steps == 0 ? [] : new float[parameterCount];
        _owner = null;
        _clipped = ClipGlobalNorm is not null && steps != 0 ? new float[parameterCount] : null;
        Steps = steps;
        LearningRate = learningRate;
        StateVersion++;
    }

    /// <summary>Allocates the per-parameter state: on the first <see cref="Step(Span{float}, ReadOnlySpan{float})"/>, and again when a model file restores it.</summary>
    protected abstract void Allocate(int parameterCount);

    /// <summary>The update rule; <see cref="Steps"/> already counts this step.</summary>
    /// <remarks>
    /// A rule written outside this library gets the all-or-nothing guarantee for the parameters (they are copied first and
    /// put back if the update leaves any of them non-finite), but not for state it keeps itself.
    /// </remarks>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>
    /// The update with its refusal prepared: writes each old parameter to <paramref name="previous"/> and the new one in
    /// place, writes new state where <see cref="CommitState"/> will adopt it, and returns whether every new parameter and
    /// state value is finite. The built-in rules do all of it in one pass.
    /// </summary>
    private protected virtual bool TryUpdate(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> previous)
    {
        parameters.CopyTo(previous);
        Update(parameters, gradients);
        return Kernels.Guard.AllFinite(parameters);
    }

    /// <summary>
    /// Whether the rule updates each parameter from its own gradient and its own state at the same index alone, through
    /// <see cref="TryUpdate(Span{float}, ReadOnlySpan{float}, Span{float}, int)"/>, so that a network's update may run in parts on
    /// several threads (<see cref="ParallelUpdate"/>) with the same bits.
    /// </summary>
    private protected virtual bool UpdatesInParts => false;

    /// <summary>
    /// <see cref="TryUpdate(Span{float}, ReadOnlySpan{float}, Span{float})"/> on the parameters from index <paramref name="offset"/> of
    /// the network on, whose state is at the same indices; for the rules that set <see cref="UpdatesInParts"/>.
    /// </summary>
    private protected virtual bool TryUpdate(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> previous, int offset) =>
        throw new NotSupportedException($"{GetType().Name} updates all its parameters at once.");

    /// <summary>One part of <see cref="ParallelUpdate"/>: <see cref="TryUpdate(Span{float}, ReadOnlySpan{float}, Span{float}, int)"/>.</summary>
    internal bool TryUpdatePart(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> previous, int offset) =>
        TryUpdate(parameters, gradients, previous, offset);

    /// <summary>Adopts the state a successful update wrote aside (the built-in rules swap buffers).</summary>
    private protected virtual void CommitState()
    {
    }

    /// <summary>Buffer <paramref name="index"/> as the last update wrote it, before <see cref="CommitState"/>.</summary>
    private protected virtual ReadOnlySpan<float> PendingStateBuffer(int index) => StateBuffer(index);

    /// <summary>Buffer <paramref name="index"/>'s name in messages, e.g. "momentum buffer" or "second moment".</summary>
    internal virtual string StateBufferName(int index) => $"state buffer {index}";

    /// <summary>Whether every value of buffer <paramref name="index"/> must be ≥ 0 (Adam's second moment).</summary>
    internal virtual bool StateBufferMustBeNonNegative(int index) => false;

    /// <summary>Throws unless <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    protected static double InRange(double value, double min, double max, string name) =>
        value >= min && value < max ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}); got {value}.");
}
