using System;

namespace NormReg;

/// <summary>
/// Cosine annealing, as PyTorch's <c>torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max, eta_min=0)</c>: the rate of
/// 0-based epoch <c>t</c> is <c>η_min + (η₀ − η_min)(1 + cos(π·t / T_max))/2</c>, where <c>η₀</c> is the optimizer's rate when
/// Fit starts (PyTorch's closed form). Past <c>T_max</c> the rate climbs back along the cosine, as in PyTorch.
/// </summary>
/// <remarks>
/// <para>Keras: <c>keras.optimizers.schedules.CosineDecay(η₀, decay_steps, alpha=η_min/η₀)</c>, which counts optimizer steps
/// (use <c>decay_steps = T_max × steps per epoch</c>) and holds at <c>η_min</c> after <c>decay_steps</c>.</para>
/// <para>The optimizer needs a positive rate, and the rate is <c>η_min</c> at <c>t = T_max</c>: with <c>η_min = 0</c>, use
/// <c>T_max</c> ≥ the number of epochs (the usual <c>T_max = epochs</c> never reaches <c>t = T_max</c>), or Fit stops with an error.</para>
/// </remarks>
public sealed class CosineAnnealing : LearningRateSchedule
{
    private double _initial = double.NaN;

    /// <summary>Anneals from the optimizer's rate to <paramref name="etaMin"/> over <paramref name="tMax"/> epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> is below 1, or <paramref name="etaMin"/> is negative or not finite.</exception>
    public CosineAnnealing(int tMax, double etaMin = 0)
    {
        TMax = tMax >= 1 ? tMax : throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "tMax must be at least 1.");
        EtaMin = etaMin >= 0 && double.IsFinite(etaMin) ? etaMin : throw new ArgumentOutOfRangeException(nameof(etaMin), etaMin, "etaMin must be 0 or more and finite.");
    }

    /// <summary>Epochs of the half cosine period; PyTorch's <c>T_max</c>.</summary>
    public int TMax { get; }

    /// <summary>The lowest rate; PyTorch's <c>eta_min</c>, default 0.</summary>
    public double EtaMin { get; }

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
        if (double.IsNaN(_initial)) throw new InvalidOperationException("CosineAnnealing: call OnTrainBegin before OnEpochEnd.");
        return EtaMin + (_initial - EtaMin) * (1 + Math.Cos(Math.PI * epochIndex / TMax)) / 2;
    }
}
