using System;
using System.Collections.Generic;
using System.Linq;
using NormReg;
using NormReg.Demo.Data;
using NormReg.Demo.Reporting;

namespace NormReg.Demo.Stories;

/// <summary>Trains a story's variants one after another under one plan, and scores each final network.</summary>
public static class VariantTrainer
{
    /// <summary>
    /// Trains every variant on <paramref name="train"/>, validating on <paramref name="validation"/> after each epoch, and
    /// scores the final weights on the training, validation and (if given) test sets. A run that diverges is reported as
    /// such, with the weights of its last good step.
    /// </summary>
    public static IReadOnlyList<VariantResult> TrainAll(
        IReadOnlyList<Variant> variants, TrainingPlan plan, Dataset train, Dataset validation, Dataset? test, TrainingProgress progress)
    {
        var results = new List<VariantResult>(variants.Count);
        progress.Track(variants.Select(v => v.Name).ToArray(), plan.Epochs, tracker =>
        {
            for (int i = 0; i < variants.Count; i++)
            {
                int run = i;
                VariantResult result = Train(variants[run], plan, train, validation, test, e => tracker.EpochEnded(run, e));
                results.Add(result);
                tracker.RunFinished(run, result);
            }
        });
        return results;
    }

    private static VariantResult Train(
        Variant variant, TrainingPlan plan, Dataset train, Dataset validation, Dataset? test, Action<EpochResult> onEpochEnd)
    {
        IClassifier network = variant.CreateNetwork(train);
        var options = new FitOptions
        {
            Epochs = plan.Epochs,
            BatchSize = plan.BatchSize,
            Seed = plan.Seed,
            ValidationFeatures = validation.Features,
            ValidationLabels = validation.Labels,
            EarlyStopping = variant.CreateEarlyStopping?.Invoke(),
            OnEpochEnd = onEpochEnd,
        };
        IReadOnlyList<EpochResult> epochs;
        int? stopped = null, restored = null, diverged = null;
        try
        {
            History history = network.Fit(train.Features, train.Labels, plan.CreateOptimizer(), options);
            (epochs, stopped, restored) = (history.Epochs, history.StoppedEpoch, history.RestoredEpoch);
        }
        catch (TrainingDivergedException e)
        {
            (epochs, diverged) = (e.Completed?.Epochs ?? [], e.Epoch);
        }
        return new VariantResult(
            variant, epochs, stopped, restored, diverged,
            Evaluate(network, train), Evaluate(network, validation), test is null ? null : Evaluate(network, test));
    }

    private static Evaluation Evaluate(IClassifier network, Dataset data)
    {
        (double loss, double accuracy) = network.Evaluate(data.Features, data.Labels);
        return new Evaluation(loss, accuracy);
    }
}
