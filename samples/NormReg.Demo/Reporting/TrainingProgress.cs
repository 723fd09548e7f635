using System;
using System.Collections.Generic;
using NormReg.Demo.Stories;
using Spectre.Console;

namespace NormReg.Demo.Reporting;

/// <summary>Shows training progress: live bars on an interactive terminal, a line every few epochs otherwise.</summary>
public abstract class TrainingProgress
{
    /// <summary>
    /// Whether the console can show live progress: an interactive terminal, output not redirected, and not under CI
    /// (the <c>CI</c> environment variable unset).
    /// </summary>
    public static bool IsInteractive =>
        AnsiConsole.Profile.Capabilities.Interactive
        && !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>The display that suits the console: <see cref="LiveProgress"/> when <see cref="IsInteractive"/>, else <see cref="LineProgress"/>.</summary>
    public static TrainingProgress ForConsole() => IsInteractive ? new LiveProgress() : new LineProgress();

    /// <summary>
    /// Calls <paramref name="train"/>, which trains the runs named in <paramref name="runs"/> (up to <paramref name="epochs"/>
    /// each) and reports through the tracker it is given, and shows their progress meanwhile.
    /// </summary>
    public abstract void Track(IReadOnlyList<string> runs, int epochs, Action<IProgressTracker> train);

    /// <summary>How a run ended when it did not simply run every epoch, for the progress display; <see langword="null"/> if it did.</summary>
    protected static string? Ending(VariantResult result) => result switch
    {
        { DivergedEpoch: int diverged } => $"diverged in epoch {diverged}: a loss or gradient was not finite; kept the last good weights",
        { StoppedEpoch: int stopped, RestoredEpoch: int restored } => $"early stopping ended the run after epoch {stopped} and restored epoch {restored}",
        { StoppedEpoch: int stopped } => $"early stopping ended the run after epoch {stopped}",
        { RestoredEpoch: int restored } => $"ran every epoch; early stopping restored epoch {restored}",
        _ => null,
    };
}
