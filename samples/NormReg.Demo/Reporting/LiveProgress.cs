using System;
using System.Collections.Generic;
using System.Linq;
using NormReg;
using NormReg.Demo.Stories;
using Spectre.Console;

namespace NormReg.Demo.Reporting;

/// <summary>Live progress bars on an interactive terminal, one per run: epoch n/total, the latest losses and accuracies, and the time left.</summary>
public sealed class LiveProgress : TrainingProgress
{
    /// <inheritdoc/>
    public override void Track(IReadOnlyList<string> runs, int epochs, Action<IProgressTracker> train)
    {
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                int width = runs.Max(r => r.Length);
                ProgressTask[] tasks = runs.Select(r => context.AddTask(Describe(r, width, "waiting"), autoStart: false, maxValue: epochs)).ToArray();
                train(new Tracker(runs, width, tasks));
            });
    }

    private static string Describe(string run, int width, string status) =>
        $"[bold]{Markup.Escape(run.PadRight(width))}[/]  {Markup.Escape(status)}";

    private sealed class Tracker(IReadOnlyList<string> runs, int width, ProgressTask[] tasks) : IProgressTracker
    {
        public void EpochEnded(int run, EpochResult e)
        {
            ProgressTask task = tasks[run];
            if (!task.IsStarted) task.StartTask();
            task.Value = e.Epoch;
            task.Description = Describe(runs[run], width,
                $"epoch {e.Epoch.ToString().PadLeft(e.Epochs.ToString().Length)}/{e.Epochs}  loss {e.Loss:F4}  acc {e.Accuracy:P1}  val loss {e.ValidationLoss:F4}  val acc {e.ValidationAccuracy:P1}");
        }

        public void RunFinished(int run, VariantResult result)
        {
            ProgressTask task = tasks[run];
            task.Description = Describe(runs[run], width,
                Ending(result) ?? $"done: loss {result.Train.Loss:F4}  acc {result.Train.Accuracy:P1}  val loss {result.Validation.Loss:F4}  val acc {result.Validation.Accuracy:P1}");
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }
}
