using System;
using System.Numerics.Tensors;

namespace NormReg;

/// <summary>
/// Updates a network's parameters from its gradients. An optimizer keeps per-parameter state (momentum,
/// moments), so one instance serves one network: its state is sized on the first <see cref="Step"/>.
/// </summary>
public abstract class Optimizer
{
    private int _boundLength = -1;
    private float[]? _clipped;

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
    /// Clipping by global norm: when set, each <see cref="Step"/> measures the L2 norm of all the gradients together,
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
    /// The global L2 norm of the gradients the last <see cref="Step"/> received, before clipping (what PyTorch's
    /// <c>clip_grad_norm_</c> returns); measured only while <see cref="ClipGlobalNorm"/> is set, <see cref="double.NaN"/> otherwise.
    /// </summary>
    public double LastGradientNorm { get; private set; } = double.NaN;

    /// <summary>Applies one update to <paramref name="parameters"/> from <paramref name="gradients"/>, clipped first if <see cref="ClipGlobalNorm"/> is set.</summary>
    /// <exception cref="ArgumentException">The spans differ in length, or differ from the network this optimizer first stepped.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"parameters and gradients must have the same length; got {parameters.Length} and {gradients.Length}.", nameof(gradients));
        }
        if (_boundLength < 0)
        {
            Allocate(parameters.Length);
            if (ClipGlobalNorm is not null) _clipped = new float[parameters.Length];
            _boundLength = parameters.Length;
        }
        else if (_boundLength != parameters.Length)
        {
            throw new ArgumentException(Mismatch(parameters.Length), nameof(parameters));
        }
        Steps++;
        Update(parameters, ClipGlobalNorm is double maxNorm ? Clip(gradients, maxNorm) : gradients);
    }

    /// <summary>
    /// Throws unless this optimizer can step a network of <paramref name="parameterCount"/> parameters: it has not
    /// stepped yet, or it steps a network of that size. Generated <c>TrainStep</c> and <c>Fit</c> ask before their
    /// forward pass, so a mismatched optimizer leaves the network untouched (running statistics, dropout draws).
    /// </summary>
    /// <param name="parameterCount">The network's parameter count.</param>
    /// <param name="network">The network's name, for the message.</param>
    /// <exception cref="ArgumentException">The optimizer keeps state for a network of another parameter count.</exception>
    public void RequireFits(int parameterCount, string network)
    {
        if (_boundLength >= 0 && _boundLength != parameterCount)
        {
            throw new ArgumentException($"{network}: {Mismatch(parameterCount)}", "optimizer");
        }
    }

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

    /// <summary>The parameter count of the network this optimizer steps, or -1 before its first <see cref="Step"/>.</summary>
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
        _clipped = ClipGlobalNorm is not null && steps != 0 ? new float[parameterCount] : null;
        Steps = steps;
        LearningRate = learningRate;
    }

    /// <summary>Allocates the per-parameter state: on the first <see cref="Step"/>, and again when a model file restores it.</summary>
    protected abstract void Allocate(int parameterCount);

    /// <summary>The update rule; <see cref="Steps"/> already counts this step.</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Throws unless <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    protected static double InRange(double value, double min, double max, string name) =>
        value >= min && value < max ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}); got {value}.");
}
