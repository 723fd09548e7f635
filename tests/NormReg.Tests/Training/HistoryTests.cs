using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary>What <see cref="History"/> records per epoch, and that an epoch allocates nothing but its record.</summary>
[Collection(Fuzzing.FuzzingCollection.Name)]
public sealed class HistoryTests
{
    [Fact]
    public void Each_epoch_records_losses_penalty_at_its_end_and_its_learning_rate()
    {
        // The scripted network's penalty is 0.5 per epoch trained: read at the end of epoch e it is e/2.
        var net = new ScriptedClassifier(validationLosses: [0.9, 0.8, 0.7], trainingLosses: [0.6, 0.5, 0.4]);

        History history = net.Fit(ScriptedClassifier.TrainX, ScriptedClassifier.Labels, new Sgd(0.4), new FitOptions
        {
            Epochs = 3,
            BatchSize = 1,
            ValidationFeatures = ScriptedClassifier.ValidationX,
            ValidationLabels = ScriptedClassifier.Labels,
            LearningRateSchedule = new StepDecay(1, 0.5),
        });

        Assert.Equal([0.5, 1.0, 1.5], history.Epochs.Select(e => e.Penalty));
        Assert.Equal([0.4, 0.2, 0.1], history.Epochs.Select(e => Math.Round(e.LearningRate, 15)));
        Assert.Equal([0.6f, 0.5f, 0.4f], history.Epochs.Select(e => (float)e.Loss));
        Assert.Equal([0.9f, 0.8f, 0.7f], history.Epochs.Select(e => (float)e.ValidationLoss!.Value));
        Assert.All(history.Epochs, e => Assert.Equal(0.0, e.Accuracy));
        Assert.All(history.Epochs, e => Assert.Equal(1.0, e.ValidationAccuracy));
        Assert.Null(history.StoppedEpoch);
        Assert.Null(history.RestoredEpoch);
    }

    [Fact]
    public void A_generated_network_without_penalty_rows_reports_zero_penalty_and_the_optimizer_rate()
    {
        var net = new LinearClassifier(8, seed: 1);

        History history = net.Fit(new float[16 * 5], new int[16], new Sgd(0.05), new FitOptions { Epochs = 2, BatchSize = 8 });

        Assert.All(history.Epochs, e => Assert.Equal(0.0, e.Penalty));
        Assert.All(history.Epochs, e => Assert.Equal(0.05, e.LearningRate));
    }

    [Fact]
    public void A_penalized_network_reports_its_L2_penalty_of_the_weights_at_each_epoch_end()
    {
        // [L2(0.01)] on Dense1: penalty = 0.01·Σw² over Dense1's weights (Keras units, biases excluded).
        var random = new Random(8);
        float[] x = Enumerable.Range(0, 24 * 3).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        float[] t = Enumerable.Range(0, 24 * 2).Select(_ => (float)random.NextDouble()).ToArray();
        var net = new PenalizedRegressor(8, seed: 2);
        var byHand = new System.Collections.Generic.List<double>();

        History history = net.Fit(x, t, new Sgd(0.5), new FitOptions
        {
            Epochs = 3,
            BatchSize = 8,
            OnEpochEnd = _ =>
            {
                double sum = 0;
                foreach (float w in net.Dense1.Weights) sum += (double)w * w;
                byHand.Add(0.01 * sum);
            },
        });

        Assert.All(byHand, p => Assert.True(p > 0));
        for (int i = 0; i < 3; i++) Assert.Equal(byHand[i], history.Epochs[i].Penalty, 1e-6);
        Assert.NotEqual(history.Epochs[0].Penalty, history.Epochs[2].Penalty);
    }

    [Fact]
    public void An_epoch_allocates_only_its_record_and_its_validation_metrics_whatever_the_steps()
    {
        // Early stopping with restore (never stopping), a plateau schedule and clipping all on. Each epoch's allocation is read
        // on this thread at each epoch's end (GC.GetAllocatedBytesForCurrentThread counts this thread only), so tests running
        // beside it cannot add to it; the median over 40 epochs ignores a rare one-off (a JIT tier-up's allocation, the history
        // list doubling) and is exact.
        // An EpochResult is a 16-byte header and 104 bytes of fields (two ints, four doubles, three double?, a TimeSpan, two
        // references): 120. Anything per step or a second object per epoch goes past it.
        Assert.Equal(120, MedianEpochAllocation(batchSize: 8, validation: false));
        // With validation data the epoch also allocates its metrics (the confusion matrix, per-class arrays), once: not per step.
        long withValidation = MedianEpochAllocation(batchSize: 8, validation: true);
        Assert.InRange(withValidation, 121, 1024);
        Assert.Equal(withValidation, MedianEpochAllocation(batchSize: 2, validation: true));
    }

    private static long MedianEpochAllocation(int batchSize, bool validation)
    {
        var random = new Random(6);
        float[] x = Enumerable.Range(0, 40 * 5).Select(_ => (float)random.NextDouble()).ToArray();
        int[] y = Enumerable.Range(0, 40).Select(i => i % 4).ToArray();
        const int Epochs = 48;
        long[] marks = new long[Epochs];
        int seen = 0;
        var net = new LinearClassifier(8, seed: 1);
        var optimizer = new Adam(0.01) { ClipGlobalNorm = 0.01 };
        var options = new FitOptions
        {
            Epochs = Epochs,
            BatchSize = batchSize,
            ValidationFeatures = validation ? x : null,
            ValidationLabels = validation ? y : null,
            EarlyStopping = new EarlyStopping { Monitor = Metric.Loss, Patience = 1000, RestoreBestWeights = true },
            LearningRateSchedule = new ReduceOnPlateau { Monitor = Metric.Loss, Patience = 1 },
            OnEpochEnd = _ => marks[seen++] = GC.GetAllocatedBytesForCurrentThread(),
        };
        net.Fit(x, y, optimizer, options);

        long[] perEpoch = Enumerable.Range(8, Epochs - 8).Select(e => marks[e] - marks[e - 1]).Order().ToArray();
        return perEpoch[perEpoch.Length / 2];
    }
}
