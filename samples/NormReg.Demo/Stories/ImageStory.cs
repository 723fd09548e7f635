using System.Collections.Generic;
using System.Linq;
using NormReg;
using NormReg.Demo.Data;
using NormReg.Demo.Networks;
using NormReg.Demo.Reporting;
using static NormReg.Demo.Reporting.Numbers;

namespace NormReg.Demo.Stories;

/// <summary>
/// Augmentation regularizes by showing the network modified versions of the data: glyphs trained upright and tested flipped,
/// rotated and shifted, on an MLP and on a CNN, the CNN plain, with BatchNorm, with spatial dropout, with augmentation and
/// with all of them. The held-out set watched after each epoch is the transformed one; the upright test set is scored at the end.
/// </summary>
/// <param name="seed">Seed of the data, the weights, the shuffling and the augmentation.</param>
/// <param name="epochs">Epochs per run; <see langword="null"/> for <see cref="DefaultEpochs"/>.</param>
public sealed class ImageStory(int seed, int? epochs) : IStory
{
    /// <summary>The story's name on the command line.</summary>
    public const string Key = "images";

    /// <summary>Epochs per run unless overridden.</summary>
    public const int DefaultEpochs = 30;

    private const int TrainPerClass = 100, TestPerClass = 200, BatchSize = 32;
    private const double LearningRate = 1e-3;
    private const string PlainName = "CNN", AugmentedName = "CNN + augmentation";

    private readonly TrainingPlan _plan = new(epochs ?? DefaultEpochs, BatchSize, seed, $"Adam(lr {LearningRate:0e0})", () => new Adam(LearningRate));

    string IStory.Key => Key;

    /// <inheritdoc/>
    public string Name => "Images";

    /// <inheritdoc/>
    public string HeldOutName => "transformed test";

    /// <inheritdoc/>
    public string Title => "Images: glyphs learned upright, tested flipped, rotated and shifted";

    /// <inheritdoc/>
    public IEnumerable<string> Introduction()
    {
        yield return $"Data:     {Glyphs.ClassCount} classes of 20 × 20 glyphs ({string.Join(", ", Glyphs.ClassNames)}) at random sizes and positions, with noise.";
        yield return $"          {TrainPerClass * Glyphs.ClassCount} upright training glyphs; {TestPerClass * Glyphs.ClassCount} upright test glyphs, and as many " +
            $"mirrored at random, rotated by up to ±{Glyphs.MaxRotationDegrees:0}°";
        yield return $"          and shifted by up to {Glyphs.MaxShift:0} pixels (the transformed test set, watched after each epoch).";
        yield return "Network:  an MLP 400 → 128 → 64 → 6, and a CNN (conv 8 → pool → conv 16 → pool → 64 → 6): plain, with [BatchNorm],";
        yield return "          [SpatialDropout], augmentation rows ([RandomFlip], [RandomRotation], [RandomTranslation]), or all of them.";
        yield return $"Training: {_plan.Epochs} epochs of {_plan.OptimizerName}, batch {BatchSize}, the same for all six.";
    }

    /// <inheritdoc/>
    public StoryResult Run(TrainingProgress progress)
    {
        Dataset train = Glyphs.Generate(TrainPerClass, transformed: false, seed);
        Dataset transformed = Glyphs.Generate(TestPerClass, transformed: true, seed + 1000);
        Dataset upright = Glyphs.Generate(TestPerClass, transformed: false, seed + 2000);
        Variant[] variants =
        [
            new("MLP", _ => new GlyphMlp(BatchSize, seed)),
            new(PlainName, _ => new GlyphCnn(BatchSize, seed)),
            new("CNN + BatchNorm", _ => new GlyphCnnBatchNorm(BatchSize, seed)),
            new("CNN + spatial dropout", _ => new GlyphCnnSpatialDropout(BatchSize, seed)),
            new(AugmentedName, _ => new GlyphCnnAugmented(BatchSize, seed)),
            new("CNN + all of them", _ => new GlyphCnnRegularized(BatchSize, seed)),
        ];
        return new StoryResult(Title, _plan, VariantTrainer.TrainAll(variants, _plan, train, transformed, upright, progress));
    }

    /// <inheritdoc/>
    public IEnumerable<string> Conclusions(StoryResult result)
    {
        VariantResult mlp = result.Variants[0];
        VariantResult plain = result.Variants.Single(v => v.Variant.Name == PlainName);
        VariantResult augmented = result.Variants.Single(v => v.Variant.Name == AugmentedName);
        VariantResult best = result.Variants.MaxBy(v => v.Validation.Accuracy)!;
        yield return $"Upright test glyphs: MLP {Percent(mlp.Test!.Value.Accuracy)}, CNN {Percent(plain.Test!.Value.Accuracy)}. " +
            $"Transformed: MLP {Percent(mlp.Validation.Accuracy)}, CNN {Percent(plain.Validation.Accuracy)}.";
        yield return $"Augmentation lifts the CNN on transformed glyphs from {Percent(plain.Validation.Accuracy)} to {Percent(augmented.Validation.Accuracy)} " +
            $"({Points(augmented.Validation.Accuracy - plain.Validation.Accuracy)}); best: {best.Variant.Name} {Percent(best.Validation.Accuracy)}.";
        yield return "Convolution and pooling share what is learned across positions, not across mirror images or rotations:";
        yield return "augmentation regularizes by showing the network modified versions of the data, here the views the test set shows.";
    }
}
