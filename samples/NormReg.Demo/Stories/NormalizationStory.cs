using System.Collections.Generic;
using System.Linq;
using NormReg;
using NormReg.Demo.Data;
using NormReg.Demo.Networks;
using NormReg.Demo.Reporting;
using static NormReg.Demo.Reporting.Numbers;

namespace NormReg.Demo.Stories;

/// <summary>
/// Normalization is for training: one network on badly scaled columns, trained raw, with <c>[ZScore]</c> on the input and
/// with <c>[BatchNorm]</c> after the hidden Dense layers, for the same epochs with the same optimizer.
/// </summary>
/// <param name="seed">Seed of the data, the weights and the shuffling.</param>
/// <param name="epochs">Epochs per run; <see langword="null"/> for <see cref="DefaultEpochs"/>.</param>
public sealed class NormalizationStory(int seed, int? epochs) : IStory
{
    /// <summary>The story's name on the command line.</summary>
    public const string Key = "normalization";

    /// <summary>Epochs per run unless overridden.</summary>
    public const int DefaultEpochs = 60;

    private const int TrainCount = 2000, HeldOutCount = 1000, BatchSize = 32;
    private const double LearningRate = 1e-4, Momentum = 0.9;

    private readonly TrainingPlan _plan = new(
        epochs ?? DefaultEpochs, BatchSize, seed, $"SGD(lr {LearningRate:0e0}, momentum {Momentum})", () => new Sgd(LearningRate, Momentum));

    string IStory.Key => Key;

    /// <inheritdoc/>
    public string Name => "Normalization";

    /// <inheritdoc/>
    public string HeldOutName => "held-out";

    /// <inheritdoc/>
    public string Title => "Normalization: one network, badly scaled columns";

    /// <inheritdoc/>
    public IEnumerable<string> Introduction()
    {
        yield return $"Data:     {TrainCount} training and {HeldOutCount} held-out rows. Columns 0 (1500 ± 400) and 1 (0.002 ± 0.0008) decide the class;";
        yield return "          columns 2–7 are noise around offsets from −600 to 800.";
        yield return "Network:  8 → 64 → 64 → 2, leaky ReLUs: raw, with [ZScore] on the input, or with [BatchNorm] after each hidden layer.";
        yield return $"Training: {_plan.Epochs} epochs of {_plan.OptimizerName}, batch {BatchSize}, the same for all three.";
    }

    /// <inheritdoc/>
    public StoryResult Run(TrainingProgress progress)
    {
        Dataset train = BadlyScaledTable.Generate(TrainCount, seed);
        Dataset heldOut = BadlyScaledTable.Generate(HeldOutCount, seed + 1000);
        Variant[] variants =
        [
            new("plain", _ => new TabularPlain(BatchSize, seed)),
            new("[ZScore] input", data =>
            {
                var network = new TabularZScore(BatchSize, seed);
                network.FitNormalization(data.Features);
                return network;
            }),
            new("[BatchNorm] hidden", _ => new TabularBatchNorm(BatchSize, seed)),
        ];
        return new StoryResult(Title, _plan, VariantTrainer.TrainAll(variants, _plan, train, heldOut, test: null, progress));
    }

    /// <inheritdoc/>
    public IEnumerable<string> Conclusions(StoryResult result)
    {
        VariantResult plain = result.Variants[0];
        VariantResult best = result.Variants.MaxBy(v => v.Validation.Accuracy)!;
        yield return $"Best held-out accuracy: {best.Variant.Name} {Percent(best.Validation.Accuracy)}, against {Percent(plain.Validation.Accuracy)} for the raw network " +
            $"({Points(best.Validation.Accuracy - plain.Validation.Accuracy)}).";
        yield return "[ZScore] puts every column on the same scale before the first layer sees them.";
        yield return "[BatchNorm] rescales what the first layer computed, after column 0 (about 1500) has drowned column 1 (about 0.002):";
        yield return "training is smooth, but column 1 stays unseen.";
    }
}
