using System;
using System.Collections.Generic;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary>
/// Early stopping through <c>Fit</c>. With <see cref="ScriptedClassifier"/> the network's state is the number of epochs
/// trained, so it shows which epoch's weights Fit left; the expected epochs are the hand traces of Keras 3 in
/// <see cref="EarlyStoppingTests"/>.
/// </summary>
public sealed class EarlyStoppingFitTests
{
    [Fact]
    public void Patience_0_stops_and_restores_the_whole_state_of_the_best_epoch()
    {
        // Trace in EarlyStoppingTests.Patience_0_…: stopped_epoch 2, best_epoch 1 (0-based).
        var net = new ScriptedClassifier([1.0, 0.9, 0.95, 0.8, 0.7]);

        History history = Fit(net, epochs: 5, new EarlyStopping { Patience = 0, RestoreBestWeights = true });

        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(3, history.StoppedEpoch);
        Assert.Equal(2, history.RestoredEpoch);
        Assert.Equal(2, net.WeightsOfEpoch);
        Assert.Equal(2f, net.Statistic);
        Assert.Equal(1, net.RestoreCount);
    }

    [Fact]
    public void Patience_2_stops_two_non_improving_epochs_after_the_last_improvement()
    {
        // Trace in EarlyStoppingTests.Patience_2_…: stopped_epoch 5, best_epoch 3 (0-based).
        var net = new ScriptedClassifier([1.0, 0.9, 0.95, 0.85, 0.86, 0.87, 0.1]);

        History history = Fit(net, epochs: 7, new EarlyStopping { Patience = 2, RestoreBestWeights = true });

        Assert.Equal((6, 6, 4), (history.Epochs.Count, history.StoppedEpoch, history.RestoredEpoch));
        Assert.Equal(4, net.WeightsOfEpoch);
    }

    [Fact]
    public void Min_delta_restores_the_last_epoch_that_improved_by_more_than_it()
    {
        // Trace in EarlyStoppingTests.Min_delta_…: stopped_epoch 4, best_epoch 2 (0-based). The script passes through
        // float, and the margins (0.95000002 < 1, 0.90000001 > 0.85000002) keep the trace.
        var net = new ScriptedClassifier([1.0, 0.95, 0.85, 0.80, 0.79, 0.5]);

        History history = Fit(net, epochs: 6, new EarlyStopping { Patience = 2, MinDelta = 0.1, RestoreBestWeights = true });

        Assert.Equal((5, 5, 3), (history.Epochs.Count, history.StoppedEpoch, history.RestoredEpoch));
        Assert.Equal(3, net.WeightsOfEpoch);
    }

    [Fact]
    public void Start_from_epoch_restores_the_first_monitored_epoch_not_a_better_warm_up_epoch()
    {
        // Trace in EarlyStoppingTests.Start_from_epoch_…: stopped_epoch 3, best_epoch 2 (0-based).
        var net = new ScriptedClassifier([0.5, 0.4, 1.0, 1.1, 0.9]);

        History history = Fit(net, epochs: 5, new EarlyStopping { Patience = 0, StartFromEpoch = 2, RestoreBestWeights = true });

        Assert.Equal((4, 4, 3), (history.Epochs.Count, history.StoppedEpoch, history.RestoredEpoch));
        Assert.Equal(3, net.WeightsOfEpoch);
    }

    [Fact]
    public void Running_out_of_epochs_restores_the_best_weights_with_no_stopped_epoch()
    {
        // Trace in EarlyStoppingTests.Training_that_ends_…: never stops; on_train_end restores best_epoch 1 (0-based).
        var net = new ScriptedClassifier([1.0, 0.8, 0.9, 0.95]);

        History history = Fit(net, epochs: 4, new EarlyStopping { Patience = 5, RestoreBestWeights = true });

        Assert.Equal(4, history.Epochs.Count);
        Assert.Null(history.StoppedEpoch);
        Assert.Equal(2, history.RestoredEpoch);
        Assert.Equal(2, net.WeightsOfEpoch);
    }

    [Fact]
    public void Without_restore_the_network_keeps_the_last_epoch()
    {
        // Same trace as patience 0: stops after epoch 3 (1-based); nothing is restored.
        var net = new ScriptedClassifier([1.0, 0.9, 0.95, 0.8, 0.7]);

        History history = Fit(net, epochs: 5, new EarlyStopping { Patience = 0 });

        Assert.Equal(3, history.StoppedEpoch);
        Assert.Null(history.RestoredEpoch);
        Assert.Equal(3, net.WeightsOfEpoch);
        Assert.Equal(0, net.RestoreCount);
    }

    [Fact]
    public void The_training_loss_can_be_monitored_without_validation_data()
    {
        // monitor "loss" with the patience-0 script: e0 1.0 best; e1 0.9 improves; e2 0.95 stops (stopped_epoch 2).
        var net = new ScriptedClassifier(validationLosses: null, trainingLosses: [1.0, 0.9, 0.95, 0.8]);

        History history = net.Fit(ScriptedClassifier.TrainX, ScriptedClassifier.Labels, new Sgd(0.1), new FitOptions
        {
            Epochs = 4,
            BatchSize = 1,
            EarlyStopping = new EarlyStopping { Monitor = Metric.Loss, RestoreBestWeights = true },
        });

        Assert.Equal((3, 2), (history.StoppedEpoch, history.RestoredEpoch));
        Assert.All(history.Epochs, e => Assert.Null(e.ValidationLoss));
    }

    [Fact]
    public void No_monitored_epoch_means_nothing_restored()
    {
        var net = new ScriptedClassifier([1.0, 2.0, 3.0]);

        History history = Fit(net, epochs: 3, new EarlyStopping { StartFromEpoch = 5, RestoreBestWeights = true });

        Assert.Null(history.RestoredEpoch);
        Assert.Equal(3, net.WeightsOfEpoch);
        Assert.Equal(0, net.RestoreCount);
    }

    [Fact]
    public void Monitoring_validation_loss_without_validation_data_is_rejected_before_training()
    {
        var net = new ScriptedClassifier([1.0]);

        // The misuse is the point here; NRG108 reports it at compile time, this checks the runtime check behind it.
#pragma warning disable NRG108
        var e = Assert.Throws<ArgumentException>(() => net.Fit(ScriptedClassifier.TrainX, ScriptedClassifier.Labels, new Sgd(0.1),
            new FitOptions { BatchSize = 1, EarlyStopping = new EarlyStopping() }));
#pragma warning restore NRG108

        Assert.Contains("val_loss", e.Message);
        Assert.Equal(0, net.WeightsOfEpoch);
    }

    [Fact]
    public void Monitoring_accuracy_of_a_regressor_is_rejected()
    {
        var net = new MixtureRegressor(4);

        var e = Assert.Throws<ArgumentException>(() => net.Fit(new float[3 * 4], new float[3 * 4], new Sgd(0.1),
            new FitOptions { BatchSize = 4, EarlyStopping = new EarlyStopping { Monitor = Metric.Accuracy } }));

        Assert.Contains("accuracy", e.Message);
    }

    [Fact]
    public void A_real_network_ends_with_the_weights_of_its_lowest_validation_loss()
    {
        // Random labels: the network memorizes the training set and the held-out loss soon rises. With min_delta 0, mode
        // min and no baseline, Keras keeps the first epoch with the lowest val_loss among the epochs run and stops
        // `patience` epochs after it.
        const int patience = 3;
        var random = new Random(5);
        float[] x = Enumerable.Range(0, 64 * 4).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        int[] y = Enumerable.Range(0, 64).Select(_ => random.Next(3)).ToArray();
        float[] vx = Enumerable.Range(0, 64 * 4).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        int[] vy = Enumerable.Range(0, 64).Select(_ => random.Next(3)).ToArray();
        var net = new DeepClassifier(16, seed: 3);
        var weights = new List<float[]>();

        History history = net.Fit(x, y, new Adam(0.05), new FitOptions
        {
            Epochs = 200,
            BatchSize = 16,
            ValidationFeatures = vx,
            ValidationLabels = vy,
            OnEpochEnd = _ => weights.Add(net.Parameters.ToArray()),
            EarlyStopping = new EarlyStopping { Patience = patience, RestoreBestWeights = true },
        });

        double[] losses = history.Epochs.Select(e => e.ValidationLoss!.Value).ToArray();
        int best = Array.IndexOf(losses, losses.Min()) + 1;
        Assert.NotNull(history.StoppedEpoch);
        Assert.Equal(best, history.RestoredEpoch);
        Assert.Equal(best + patience, history.StoppedEpoch);
        Assert.Equal(weights[best - 1], net.Parameters.ToArray());
        Assert.Equal(losses[best - 1], net.Evaluate(vx, vy).Loss, 1e-12);
    }

    private static History Fit(ScriptedClassifier net, int epochs, EarlyStopping stopping) =>
        net.Fit(ScriptedClassifier.TrainX, ScriptedClassifier.Labels, new Sgd(0.1), new FitOptions
        {
            Epochs = epochs,
            BatchSize = 1,
            ValidationFeatures = ScriptedClassifier.ValidationX,
            ValidationLabels = ScriptedClassifier.Labels,
            EarlyStopping = stopping,
        });
}
