using System;
using System.Collections.Generic;
using System.Linq;

namespace NormReg.Tests.TrainingLoop;

/// <summary>
/// The schedules against rates computed by hand from PyTorch's definitions, through Fit (which records the rate each
/// epoch used) and directly.
/// </summary>
public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Step_decay_matches_StepLR()
    {
        // StepLR(step_size=3, gamma=0.5), lr0 = 0.1: epochs t = 0..6 use 0.1·0.5^⌊t/3⌋ = 0.1 0.1 0.1 0.05 0.05 0.05 0.025.
        double[] rates = RatesThroughFit(new StepDecay(stepSize: 3, gamma: 0.5), initial: 0.1, epochs: 7);

        AssertRates([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], rates);
    }

    [Fact]
    public void Step_decay_defaults_to_gamma_0_1()
    {
        // StepLR(step_size=2), gamma 0.1, lr0 = 1: 1 1 0.1 0.1 0.01.
        double[] rates = RatesThroughFit(new StepDecay(stepSize: 2), initial: 1, epochs: 5);

        AssertRates([1, 1, 0.1, 0.1, 0.01], rates);
    }

    [Fact]
    public void Cosine_annealing_matches_CosineAnnealingLR_and_climbs_back_after_T_max()
    {
        // η_min = 0.01, η₀ = 0.1, T_max = 4: η_t = 0.01 + 0.09·(1 + cos(πt/4))/2, cos(π/4) = 0.70710678118654752.
        // t=0 0.1; t=1 0.01 + 0.09·0.85355339059327376 = 0.086819805153394639; t=2 0.01 + 0.09·0.5 = 0.055;
        // t=3 0.01 + 0.09·0.14644660940672624 = 0.023180194846605362; t=4 0.01; t=5 = t=3 (the cosine goes on).
        double[] rates = RatesThroughFit(new CosineAnnealing(tMax: 4, etaMin: 0.01), initial: 0.1, epochs: 6);

        AssertRates([0.1, 0.086819805153394639, 0.055, 0.023180194846605362, 0.01, 0.023180194846605362], rates);
    }

    [Fact]
    public void Cosine_annealing_to_zero_inside_the_run_is_a_clear_error()
    {
        // T_max = 2, η_min = 0: epoch t = 2 (the third) would run at rate 0, which the optimizer cannot take.
        var net = new ScriptedClassifier([1, 1, 1, 1]);

        var e = Assert.Throws<InvalidOperationException>(() => net.Fit(ScriptedClassifier.TrainX, ScriptedClassifier.Labels, new Sgd(0.1),
            new FitOptions { Epochs = 4, BatchSize = 1, LearningRateSchedule = new CosineAnnealing(tMax: 2) }));

        Assert.Contains("CosineAnnealing gave 0 for epoch 3", e.Message);
        Assert.Equal(2, net.WeightsOfEpoch);
    }

    [Fact]
    public void Reduce_on_plateau_matches_ReduceLROnPlateau_with_threshold_cooldown_and_min_lr()
    {
        // ReduceLROnPlateau(mode="min", factor=0.5, patience=1, threshold=0.1 (rel), cooldown=1, min_lr=0.02), lr0 = 0.1.
        // best starts at inf; better means v < best·0.9. step(v) after each epoch (none after the last):
        //  v=1.0  better (best 1.0), bad 0                                  → epoch 2 at 0.1
        //  v=0.95 0.95 < 0.9? no, bad 1; 1 > 1 no                           → epoch 3 at 0.1
        //  v=0.95 bad 2 > 1: lr max(0.05, 0.02) = 0.05, cooldown 1, bad 0   → epoch 4 at 0.05
        //  v=0.5  better (best 0.5), bad 0; cooldown 1 → 0                  → epoch 5 at 0.05
        //  v=0.6  bad 1                                                     → epoch 6 at 0.05
        //  v=0.7  bad 2 > 1: lr 0.025, cooldown 1, bad 0                    → epoch 7 at 0.025
        //  v=0.8  bad 1, but in cooldown: cooldown 0, bad 0                 → epoch 8 at 0.025
        //  v=0.9  bad 1                                                     → epoch 9 at 0.025
        //  v=1.0  bad 2 > 1: lr max(0.0125, 0.02) = 0.02 (0.005 > eps)      → epoch 10 at 0.02
        //  v=1.1  bad 1                                                     → epoch 11 at 0.02
        //  v=1.2  bad 2 > 1: max(0.01, 0.02) = 0.02, change 0 ≤ eps: kept   → epoch 12 at 0.02
        var plateau = new ReduceOnPlateau { Factor = 0.5, Patience = 1, Threshold = 0.1, Cooldown = 1, MinLearningRate = 0.02 };
        double[] script = [1.0, 0.95, 0.95, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3];

        double[] rates = RatesThroughFit(plateau, initial: 0.1, epochs: 12, script);

        AssertRates([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02], rates);
    }

    [Fact]
    public void Reduce_on_plateau_defaults_are_PyTorch_defaults()
    {
        var plateau = new ReduceOnPlateau();

        Assert.Equal((0.1, 10, 1e-4, ThresholdMode.Relative, 0, 0.0, 1e-8),
            (plateau.Factor, plateau.Patience, plateau.Threshold, plateau.ThresholdMode, plateau.Cooldown, plateau.MinLearningRate, plateau.Eps));
        Assert.Equal(Metric.ValidationLoss, plateau.Monitor);
    }

    [Fact]
    public void Reduce_on_plateau_maximizes_accuracy_with_an_absolute_threshold()
    {
        // mode auto on accuracy → "max"; abs threshold 0.05: better means v > best + 0.05. patience 0, factor 0.1, lr 1.
        //  v=0.5  > −inf → best 0.5           → 1
        //  v=0.52 > 0.55? no, bad 1 > 0        → 0.1
        //  v=0.6  > 0.55 → best 0.6, bad 0     → 0.1
        //  v=0.6  > 0.65? no, bad 1 > 0        → 0.01
        var plateau = new ReduceOnPlateau { Monitor = Metric.Accuracy, ThresholdMode = ThresholdMode.Absolute, Threshold = 0.05, Patience = 0 };
        double rate = plateau.OnTrainBegin(1.0);
        var rates = new List<double>();

        foreach ((int epoch, double accuracy) in new[] { (1, 0.5), (2, 0.52), (3, 0.6), (4, 0.6) })
        {
            rate = plateau.OnEpochEnd(new EpochResult(epoch, 4, 1.0, accuracy, null, null, TimeSpan.Zero), rate);
            rates.Add(rate);
        }

        AssertRates([1, 0.1, 0.1, 0.01], rates.ToArray());
    }

    [Theory]
    [InlineData(1e-8, 0.020000005)] // change 5e-9 ≤ eps: PyTorch keeps the old rate
    [InlineData(0.0, 0.02)]         // eps 0: the same change is applied
    public void Reduce_on_plateau_skips_a_reduction_no_larger_than_eps(double eps, double expected)
    {
        // lr 0.020000005, min_lr 0.02, patience 0: v=1 best; v=2 bad 1 > 0 → new = max(0.0020000005, 0.02) = 0.02,
        // old − new = 5e-9, applied only if > eps.
        var plateau = new ReduceOnPlateau { Monitor = Metric.Loss, Patience = 0, MinLearningRate = 0.02, Eps = eps };
        double rate = plateau.OnTrainBegin(0.020000005);

        rate = plateau.OnEpochEnd(new EpochResult(1, 2, 1.0, null, null, null, TimeSpan.Zero), rate);
        rate = plateau.OnEpochEnd(new EpochResult(2, 2, 2.0, null, null, null, TimeSpan.Zero), rate);

        Assert.Equal(expected, rate, 1e-15);
    }

    [Fact]
    public void Reduce_on_plateau_without_its_metric_is_rejected_before_training()
    {
        var net = new ScriptedClassifier([1.0]);

        var e = Assert.Throws<ArgumentException>(() => net.Fit(ScriptedClassifier.TrainX, ScriptedClassifier.Labels, new Sgd(0.1),
            new FitOptions { BatchSize = 1, LearningRateSchedule = new ReduceOnPlateau() }));

        Assert.Contains("ReduceOnPlateau monitors val_loss", e.Message);
    }

    [Fact]
    public void A_function_schedule_is_called_before_every_epoch_as_Keras_LearningRateScheduler()
    {
        // Keras' documented example, shortened: schedule(epoch, lr) = lr if epoch < 2 else lr / 2, lr0 = 0.08.
        // on_epoch_begin(0..4): 0.08 0.08 0.04 0.02 0.01.
        var calls = new List<int>();
        var schedule = LearningRateSchedule.FromFunction((epoch, lr) =>
        {
            calls.Add(epoch);
            return epoch < 2 ? lr : lr / 2;
        });

        double[] rates = RatesThroughFit(schedule, initial: 0.08, epochs: 5);

        AssertRates([0.08, 0.08, 0.04, 0.02, 0.01], rates);
        Assert.Equal([0, 1, 2, 3, 4], calls);
    }

    [Fact]
    public void The_optimizer_keeps_the_last_epochs_rate_after_Fit()
    {
        // StepLR(step_size=1, gamma=0.5) over 3 epochs: 1, 0.5, 0.25. PyTorch's loop would step once more (0.125); Fit does not.
        var optimizer = new Sgd(1);
        var net = new ScriptedClassifier([1, 1, 1]);

        net.Fit(ScriptedClassifier.TrainX, ScriptedClassifier.Labels, optimizer,
            new FitOptions { Epochs = 3, BatchSize = 1, LearningRateSchedule = new StepDecay(1, 0.5) });

        Assert.Equal(0.25, optimizer.LearningRate, 1e-15);
    }

    private static double[] RatesThroughFit(LearningRateSchedule schedule, double initial, int epochs, double[]? validationLosses = null)
    {
        var net = new ScriptedClassifier(validationLosses ?? new double[epochs]);
        History history = net.Fit(ScriptedClassifier.TrainX, ScriptedClassifier.Labels, new Sgd(initial), new FitOptions
        {
            Epochs = epochs,
            BatchSize = 1,
            ValidationFeatures = ScriptedClassifier.ValidationX,
            ValidationLabels = ScriptedClassifier.Labels,
            LearningRateSchedule = schedule,
        });
        return history.Epochs.Select(e => e.LearningRate).ToArray();
    }

    private static void AssertRates(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-15, $"epoch {i + 1}: expected {expected[i]:R}, got {actual[i]:R}");
    }
}
