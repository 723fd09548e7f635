using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary>
/// Checkpoints, the CSV log, per-batch progress, and Fit interrupted by a callback: each leaves the best weights and a History.
/// The best epoch is found independently: each epoch's state is copied in OnEpochEnd and the lowest validation loss picked.
/// </summary>
public sealed class TrainingControlTests : IDisposable
{
    private static readonly float[] X = [.. Enumerable.Range(0, 24 * 4).Select(i => (float)Math.Sin(0.37 * i))];
    private static readonly int[] Y = [.. Enumerable.Range(0, 24).Select(i => (i * 7 + i / 5) % 3)];

    private readonly string _directory = Directory.CreateTempSubdirectory("normreg-control-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Each epoch's validation loss and whole state, recorded by OnEpochEnd.</summary>
    private sealed class EpochStates(INetwork net)
    {
        public List<(double Loss, float[] State)> Epochs { get; } = [];

        public void Record(EpochResult e)
        {
            var state = new float[net.StateLength];
            net.CopyState(state);
            Epochs.Add((e.ValidationLoss!.Value, state));
        }

        /// <summary>The first epoch with the lowest validation loss, 1-based, and its state.</summary>
        public (int Epoch, float[] State) Best
        {
            get
            {
                int best = 0;
                for (int i = 1; i < Epochs.Count; i++) if (Epochs[i].Loss < Epochs[best].Loss) best = i;
                return (best + 1, Epochs[best].State);
            }
        }
    }

    private static float[] StateOf(INetwork net)
    {
        var state = new float[net.StateLength];
        net.CopyState(state);
        return state;
    }

    private static FitOptions Options(EpochStates states) => new()
    {
        Epochs = 12,
        BatchSize = 5,
        ValidationSplit = 0.25,
        EarlyStopping = new EarlyStopping { Patience = 100, RestoreBestWeights = true },
        OnEpochEnd = states.Record,
    };

    [Fact]
    public void The_checkpoint_file_holds_the_best_epoch_and_training_ends_with_it()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 2);
        var states = new EpochStates(net);
        string path = Path.Combine(_directory, "best.nrg");

        History history = net.Fit(X, Y, new Sgd(0.8), Options(states) with { Checkpoint = new ModelCheckpoint(path) });

        (int bestEpoch, float[] best) = states.Best;
        Assert.NotEqual(12, bestEpoch); // later epochs were worse, so the file is not simply the last epoch
        var loaded = new DeepClassifier(maxBatchSize: 8);
        loaded.Load(path);
        Assert.Equal(best, StateOf(loaded));
        Assert.Equal(best, StateOf(net));
        Assert.Equal(bestEpoch, history.RestoredEpoch);
        Assert.Equal(12, history.Epochs.Count);
        Assert.Equal([path], Directory.GetFiles(_directory)); // no temporary file left beside it
    }

    [Fact]
    public void A_checkpoint_of_every_epoch_holds_the_last_and_one_monitoring_a_maximum_keeps_the_highest()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 2);
        string every = Path.Combine(_directory, "every.nrg"), accuracy = Path.Combine(_directory, "accuracy.nrg");
        var states = new List<(double Accuracy, float[] State)>();

        net.Fit(X, Y, new Sgd(0.8), new FitOptions
        {
            Epochs = 8,
            BatchSize = 5,
            ValidationSplit = 0.25,
            Checkpoint = new ModelCheckpoint(every) { SaveBestOnly = false },
            OnEpochEnd = e => states.Add((e.ValidationAccuracy!.Value, StateOf(net))),
        });
        var last = new DeepClassifier(maxBatchSize: 8);
        last.Load(every);
        Assert.Equal(StateOf(net), StateOf(last));

        var again = new DeepClassifier(maxBatchSize: 8, seed: 2);
        states.Clear();
        again.Fit(X, Y, new Sgd(0.8), new FitOptions
        {
            Epochs = 8,
            BatchSize = 5,
            ValidationSplit = 0.25,
            Checkpoint = new ModelCheckpoint(accuracy) { Monitor = Metric.ValidationAccuracy },
            OnEpochEnd = e => states.Add((e.ValidationAccuracy!.Value, StateOf(again))),
        });
        int best = states.FindIndex(s => s.Accuracy == states.Max(t => t.Accuracy)); // strictly better only: the first maximum
        var loaded = new DeepClassifier(maxBatchSize: 8);
        loaded.Load(accuracy);
        Assert.Equal(states[best].State, StateOf(loaded));
    }

    [Fact]
    public void Cancelling_leaves_the_best_weights_and_a_History()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 2);
        var states = new EpochStates(net);
        using var cancel = new CancellationTokenSource();
        FitOptions options = Options(states) with
        {
            CancellationToken = cancel.Token,
            OnBatchEnd = b => { if (b.Epoch == 9 && b.Batch == 2) cancel.Cancel(); },
        };

        History history = net.Fit(X, Y, new Sgd(0.8), options);

        Assert.Equal((FitStopReason.Cancelled, 9, 9), (history.StopReason, history.Epochs.Count, history.StoppedEpoch!.Value));
        (int bestEpoch, float[] best) = states.Best;
        Assert.Equal(bestEpoch, history.RestoredEpoch);
        Assert.Equal(best, StateOf(net));
    }

    [Fact]
    public void A_throwing_callback_leaves_the_best_weights_and_hands_over_the_History()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 2);
        var states = new EpochStates(net);
        var failure = new InvalidOperationException("disk full");
        FitOptions options = Options(states) with
        {
            OnEpochEnd = e =>
            {
                states.Record(e);
                if (e.Epoch == 10) throw failure;
            },
        };

        var e = Assert.Throws<FitInterruptedException>(() => net.Fit(X, Y, new Sgd(0.8), options));

        Assert.Same(failure, e.InnerException);
        Assert.Equal(10, e.Epoch);
        History history = e.Completed!;
        Assert.Equal((FitStopReason.Interrupted, 10), (history.StopReason, history.Epochs.Count));
        // Early stopping had seen epochs 1 to 9 when epoch 10's callback threw.
        states.Epochs.RemoveAt(9);
        (int bestEpoch, float[] best) = states.Best;
        Assert.Equal(bestEpoch, history.RestoredEpoch);
        Assert.Equal(best, StateOf(net));
    }

    [Fact]
    public void A_throwing_batch_callback_in_the_first_epoch_has_no_History_to_hand_over()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 2);

        var e = Assert.Throws<FitInterruptedException>(() => net.Fit(X, Y, new Sgd(0.8), new FitOptions { OnBatchEnd = _ => throw new TimeoutException() }));

        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Null(e.Completed);
    }

    [Fact]
    public void Batch_progress_counts_every_step_of_every_epoch_with_its_loss()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 2);
        var seen = new List<BatchProgress>();

        net.Fit(X, Y, new Sgd(0.1), new FitOptions { Epochs = 3, BatchSize = 5, ValidationSplit = 0.25, OnBatchEnd = seen.Add });

        // 18 training samples in batches of 5: 4 steps per epoch.
        Assert.Equal(
            [.. from epoch in Enumerable.Range(1, 3) from batch in Enumerable.Range(1, 4) select (epoch, 3, batch, 4)],
            seen.Select(b => (b.Epoch, b.Epochs, b.Batch, b.Batches)));
        Assert.All(seen, b => Assert.True(b.Loss > 0 && float.IsFinite(b.Loss)));
    }

    [Fact]
    public void The_first_batch_loss_is_the_loss_of_the_first_step()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 2);
        var twin = new DeepClassifier(maxBatchSize: 8, seed: 2);
        float first = float.NaN;

        net.Fit(X, Y, new Sgd(0.1), new FitOptions { Epochs = 1, BatchSize = 8, Shuffle = false, OnBatchEnd = b => { if (b.Batch == 1) first = b.Loss; } });

        Assert.Equal(twin.TrainStep(X.AsSpan(0, 8 * 4), Y.AsSpan(0, 8), 8, new Sgd(0.1)), first);
    }

    [Fact]
    public void The_CSV_log_has_a_header_and_one_row_per_epoch_with_the_Historys_numbers()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 2);
        string path = Path.Combine(_directory, "log.csv");

        History history = net.Fit(X, Y, new Sgd(0.5), new FitOptions { Epochs = 4, BatchSize = 5, ValidationSplit = 0.25, CsvLogPath = path });

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(5, lines.Length);
        string[] header = lines[0].Split(',');
        Assert.Equal(["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "val_f1_score", "val_auc"], header[..7]);
        for (int i = 0; i < 4; i++)
        {
            Dictionary<string, string> row = header.Zip(lines[i + 1].Split(','), (h, v) => (h, v)).ToDictionary(p => p.h, p => p.v);
            EpochResult e = history.Epochs[i];
            Assert.Equal((i + 1).ToString(CultureInfo.InvariantCulture), row["epoch"]);
            Assert.Equal(e.Loss, double.Parse(row["loss"], CultureInfo.InvariantCulture));
            Assert.Equal(e.ValidationAccuracy, double.Parse(row["val_accuracy"], CultureInfo.InvariantCulture));
            Assert.Equal(e.ValidationClassification!.MacroF1, double.Parse(row["val_f1_score"], CultureInfo.InvariantCulture));
            Assert.Equal("", row["val_auc"]); // three classes: not measured
            Assert.Equal("", row["val_r2_score"]);
            Assert.Equal(e.LearningRate, double.Parse(row["learning_rate"], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void One_options_value_serves_two_runs_alike_and_with_varies_it()
    {
        var options = new FitOptions
        {
            Epochs = 6,
            BatchSize = 5,
            ValidationSplit = 0.25,
            EarlyStopping = new EarlyStopping { Patience = 1, RestoreBestWeights = true },
            LearningRateSchedule = new ReduceOnPlateau { Patience = 0, Factor = 0.5 },
        };
        var first = new DeepClassifier(maxBatchSize: 8, seed: 2);
        var second = new DeepClassifier(maxBatchSize: 8, seed: 2);

        History a = first.Fit(X, Y, new Sgd(0.8), options);
        History b = second.Fit(X, Y, new Sgd(0.8), options);

        Assert.Equal(a.Epochs.Select(e => (e.Loss, e.LearningRate)), b.Epochs.Select(e => (e.Loss, e.LearningRate)));
        Assert.Equal((a.StoppedEpoch, a.RestoredEpoch), (b.StoppedEpoch, b.RestoredEpoch));
        Assert.Equal(StateOf(first), StateOf(second));
        Assert.Equal((0, null, 0), (options.EarlyStopping.Wait, options.EarlyStopping.Best, options.EarlyStopping.BestEpoch));
        FitOptions longer = options with { Epochs = 9 };
        Assert.Equal((9, 6), (longer.Epochs, options.Epochs));
        Assert.Same(options.EarlyStopping, longer.EarlyStopping);
    }
}
