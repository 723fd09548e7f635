using System;

namespace NormReg;

/// <summary>
/// Saves the model to a file during <c>Fit</c>, atomically (<see cref="ModelFile.Save(INetwork, string, Optimizer?)"/>: a
/// crash never leaves a torn file): by default whenever the monitored metric improves, so the file always holds the best
/// epoch so far. Keras' <c>callbacks.ModelCheckpoint(filepath, monitor="val_loss", save_best_only=True)</c>; PyTorch:
/// <c>torch.save(model.state_dict(), path)</c> when your loop sees a new best. Give it to <see cref="FitOptions.Checkpoint"/>.
/// </summary>
/// <remarks>
/// It holds settings only; the best value so far belongs to each run of Fit, so one instance serves any number of runs. An
/// improvement is strictly better than the best so far (Keras' <c>np.less</c>/<c>np.greater</c> against ±∞); a NaN never is.
/// Keras' default is <c>save_best_only=False</c>; here <see cref="SaveBestOnly"/> defaults to <see langword="true"/>, the use
/// this type is for.
/// </remarks>
/// <param name="Path">The model file to write (<c>ModelFile.Save</c>); an existing file is replaced.</param>
public sealed record ModelCheckpoint(string Path)
{
    /// <summary>The model file to write (<c>ModelFile.Save</c>); an existing file is replaced.</summary>
    /// <exception cref="ArgumentException">Null or empty.</exception>
    public string Path { get; init; } = !string.IsNullOrEmpty(Path) ? Path : throw new ArgumentException("ModelCheckpoint needs a file path.", nameof(Path));

    /// <summary>The metric whose improvement triggers a save. Default <see cref="Metric.ValidationLoss"/>, as Keras.</summary>
    public Metric Monitor { get; init; } = Metric.ValidationLoss;

    /// <summary>Whether <see cref="Monitor"/> should go down or up. Default <see cref="MonitorMode.Auto"/>, from the metric.</summary>
    public MonitorMode Mode { get; init; } = MonitorMode.Auto;

    /// <summary>Save only when <see cref="Monitor"/> improves (default), or after every epoch when <see langword="false"/>.</summary>
    public bool SaveBestOnly { get; init; } = true;

    /// <summary>Saves the network after <paramref name="ended"/> if it is due; returns the run's best value after it.</summary>
    internal double? OnEpochEnd(INetwork network, EpochResult ended, double? best)
    {
        if (!SaveBestOnly)
        {
            network.Save(Path);
            return best;
        }
        if (ended.Of(Monitor) is not double current || double.IsNaN(current)) return best;
        bool improved = best is not double b || (Monitor.Minimizes(Mode) ? current < b : current > b);
        if (!improved) return best;
        network.Save(Path);
        return current;
    }
}
