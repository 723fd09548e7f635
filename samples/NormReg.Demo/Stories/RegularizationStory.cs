using System.Collections.Generic;
using System.Linq;
using NormReg;
using NormReg.Demo.Data;
using NormReg.Demo.Networks;
using NormReg.Demo.Reporting;
using static NormReg.Demo.Reporting.Numbers;

namespace NormReg.Demo.Stories;

/// <summary>
/// Regularization is for generalization: a network big enough to memorize a small, noisy training set, trained plain and
/// with each family of regularization (L2, dropout, batch normalization, early stopping), then with all of them.
/// </summary>
/// <param name="seed">Seed of the data, the weights and the shuffling.</param>
/// <param name="epochs">Epochs per run, the most early stopping allows; <see langword="null"/> for <see cref="DefaultEpochs"/>.</param>
public sealed class RegularizationStory(int seed, int? epochs) : IStory
{
    /// <summary>The story's name on the command line.</summary>
    public const string Key = "regularization";

    /// <summary>Epochs per run unless overridden.</summary>
    public const int DefaultEpochs = 200;

    private const int TrainPerClass = 200, ValidationPerClass = 500, TestPerClass = 1000, BatchSize = 32, Patience = 50;
    private const double LabelNoise = 0.25, LearningRate = 1e-3;
    private const string BatchNormName = "BatchNorm", EarlyStoppingName = "early stopping";

    private readonly TrainingPlan _plan = new(epochs ?? DefaultEpochs, BatchSize, seed, $"Adam(lr {LearningRate:0e0})", () => new Adam(LearningRate));

    string IStory.Key => Key;

    /// <inheritdoc/>
    public string Name => "Regularization";

    /// <inheritdoc/>
    public string HeldOutName => "validation";

    /// <inheritdoc/>
    public string Title => "Regularization: a big network, a small noisy training set";

    /// <inheritdoc/>
    public IEnumerable<string> Introduction()
    {
        yield return $"Data:     two interleaved spiral arms plus {NoisySpirals.NuisanceCount} columns of noise. {TrainPerClass * NoisySpirals.ClassCount} training points, " +
            $"{LabelNoise:P0} of their labels redrawn";
        yield return $"          at random; {ValidationPerClass * NoisySpirals.ClassCount} validation and {TestPerClass * NoisySpirals.ClassCount} test points with clean labels.";
        yield return $"Network:  12 → 256 → 256 → 2, ReLUs, {SpiralPlain.ParameterCount:N0} parameters: plain, with L2, dropout, BatchNorm, early stopping, or all.";
        yield return $"Training: up to {_plan.Epochs} epochs of {_plan.OptimizerName}, batch {BatchSize}; early stopping watches the validation loss with " +
            $"patience {Patience}";
        yield return "          and restores the weights of the best epoch.";
    }

    /// <inheritdoc/>
    public StoryResult Run(TrainingProgress progress)
    {
        Dataset train = NoisySpirals.Generate(TrainPerClass, LabelNoise, seed);
        Dataset validation = NoisySpirals.Generate(ValidationPerClass, labelNoise: 0, seed + 1000);
        Dataset test = NoisySpirals.Generate(TestPerClass, labelNoise: 0, seed + 2000);
        Variant[] variants =
        [
            new("plain", _ => new SpiralPlain(BatchSize, seed)),
            new("L2", _ => new SpiralL2(BatchSize, seed)),
            new("dropout", _ => new SpiralDropout(BatchSize, seed)),
            new(BatchNormName, _ => new SpiralBatchNorm(BatchSize, seed)),
            new(EarlyStoppingName, _ => new SpiralPlain(BatchSize, seed), EarlyStopping),
            new("all of them", _ => new SpiralRegularized(BatchSize, seed), EarlyStopping),
        ];
        return new StoryResult(Title, _plan, VariantTrainer.TrainAll(variants, _plan, train, validation, test, progress));
    }

    /// <inheritdoc/>
    public IEnumerable<string> Conclusions(StoryResult result)
    {
        VariantResult plain = result.Variants[0];
        VariantResult best = result.Variants.MaxBy(v => v.Validation.Accuracy)!;
        yield return $"Best validation accuracy: {best.Variant.Name} {Percent(best.Validation.Accuracy)} against {Percent(plain.Validation.Accuracy)} for plain " +
            $"({Points(best.Validation.Accuracy - plain.Validation.Accuracy)}); test {Percent(best.Test!.Value.Accuracy)} against {Percent(plain.Test!.Value.Accuracy)}.";
        yield return $"Gap between training and validation accuracy: {Points(plain.Gap)} for plain, {Points(best.Gap)} for {best.Variant.Name}.";
        VariantResult early = result.Variants.Single(v => v.Variant.Name == EarlyStoppingName);
        yield return $"Early stopping keeps the epoch of lowest validation loss: {Loss(early.Validation.Loss)}, against {Loss(plain.Validation.Loss)} " +
            $"for plain after {plain.EpochsRun} epochs.";
        VariantResult batchNorm = result.Variants.Single(v => v.Variant.Name == BatchNormName);
        yield return $"BatchNorm is normalization, not regularization: its gap is {Points(batchNorm.Gap)}, against {Points(plain.Gap)} for plain.";
    }

    private static EarlyStopping EarlyStopping() => new() { Monitor = Metric.ValidationLoss, Patience = Patience, RestoreBestWeights = true };
}
