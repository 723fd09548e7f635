using System;

namespace NormReg;

/// <summary>
/// Updates a network's parameters from its gradients. An optimizer keeps per-parameter state (momentum,
/// moments), so one instance serves one network: its state is sized on the first <see cref="Step"/>.
/// </summary>
public abstract class Optimizer
{
    private int _boundLength = -1;

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

    /// <summary>Applies one update to <paramref name="parameters"/> from <paramref name="gradients"/>.</summary>
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
            _boundLength = parameters.Length;
        }
        else if (_boundLength != parameters.Length)
        {
            throw new ArgumentException(
                $"{GetType().Name} keeps state for a network of {_boundLength} parameters and cannot step one of {parameters.Length}; use one optimizer per network.", nameof(parameters));
        }
        Steps++;
        Update(parameters, gradients);
    }

    /// <summary>Allocates the per-parameter state, once.</summary>
    protected abstract void Allocate(int parameterCount);

    /// <summary>The update rule; <see cref="Steps"/> already counts this step.</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Throws unless <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    protected static double InRange(double value, double min, double max, string name) =>
        value >= min && value < max ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}); got {value}.");
}
