using System;
using System.Collections.Generic;
using System.Linq;
using NormReg;
using NormReg.Demo.Stories;

namespace NormReg.Demo.Reporting;

/// <summary>Progress for logs and CI: one line per run about every fifth of its epochs, and one when it ends.</summary>
public sealed class LineProgress : TrainingProgress
{
    private const int LinesPerRun = 5;

    /// <inheritdoc/>
    public override void Track(IReadOnlyList<string> runs, int epochs, Action<IProgressTracker> train) =>
        train(new Tracker(runs, Math.Max(1, epochs / LinesPerRun)));

    private sealed class Tracker(IReadOnlyList<string> runs, int every) : IProgressTracker
    {
        private readonly int _width = runs.Max(r => r.Length);

        public void EpochEnded(int run, EpochResult e)
        {
            if (e.Epoch % every != 0 && e.Epoch != e.Epochs) return;
            Console.WriteLine(
                $"  {runs[run].PadRight(_width)}  epoch {e.Epoch.ToString().PadLeft(e.Epochs.ToString().Length)}/{e.Epochs}" +
                $"  loss {e.Loss,7:F4}  acc {e.Accuracy,6:P1}  val loss {e.ValidationLoss,7:F4}  val acc {e.ValidationAccuracy,6:P1}  {e.Elapsed.TotalSeconds,5:F1} s");
        }

        public void RunFinished(int run, VariantResult result)
        {
            if (Ending(result) is string ending) Console.WriteLine($"  {runs[run].PadRight(_width)}  {ending}");
        }
    }
}
