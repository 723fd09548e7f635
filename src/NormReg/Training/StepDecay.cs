using System;

namespace NormReg;

/// <summary>
/// Step decay, as PyTorch's <c>torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma=0.1)</c>: the rate of 0-based
/// epoch <c>t</c> is <c>lr₀·γ^⌊t / step_size⌋</c>, where <c>lr₀</c> is the optimizer's rate when Fit starts (PyTorch's
/// closed form; its chainable form gives the same rates unless something else also changes the rate).
/// </summary>
/// <remarks>
/// Keras: <c>LearningRateScheduler(lambda epoch, lr: lr0 * gamma ** (epoch // step_size))</c>, or
/// <c>keras.optimizers.schedules.ExponentialDecay(lr0, decay_steps=step_size × steps per epoch, decay_rate=gamma, staircase=True)</c>,
/// which counts optimizer steps.
/// </remarks>
public sealed class StepDecay : LearningRateSchedule
{
    private double _initial = double.NaN;

    /// <summary>Decays by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is below 1, or <paramref name="gamma"/> is not positive and finite.</exception>
    public StepDecay(int stepSize, double gamma = 0.1)
    {
        StepSize = stepSize >= 1 ? stepSize : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "stepSize must be at least 1.");
        Gamma = gamma > 0 && double.IsFinite(gamma) ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be positive and finite.");
    }

    /// <summary>Epochs between decays; PyTorch's <c>step_size</c>.</summary>
    public int StepSize { get; }

    /// <summary>Factor applied at each decay; PyTorch's <c>gamma</c>, default 0.1.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double OnTrainBegin(double initialLearningRate)
    {
        _initial = initialLearningRate;
        return RateAt(0);
    }

    /// <inheritdoc/>
    public override double OnEpochEnd(EpochResult ended, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(ended);
        return RateAt(ended.Epoch);
    }

    private double RateAt(int epochIndex)
    {
        if (double.IsNaN(_initial)) throw new InvalidOperationException("StepDecay: call OnTrainBegin before OnEpochEnd.");
        return _initial * Math.Pow(Gamma, epochIndex / StepSize);
    }
}
