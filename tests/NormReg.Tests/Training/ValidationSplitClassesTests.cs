using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.TrainingLoop;

/// <summary>Fit refuses a <see cref="FitOptions.ValidationSplit"/> whose held-out labels cannot represent the classes (data sorted by class).</summary>
public sealed class ValidationSplitClassesTests
{
    private static (float[] X, int[] Y) Data(Func<int, int> label, int count)
    {
        var random = new Random(3);
        float[] x = [.. Enumerable.Range(0, count * LinearClassifier.InputSize).Select(_ => (float)random.NextDouble())];
        return (x, [.. Enumerable.Range(0, count).Select(label)]);
    }

    [Fact]
    public void Labels_sorted_by_class_leave_one_class_in_the_split_and_Fit_refuses_before_any_step()
    {
        // 100 samples, 25 per class in order: the last 20 % are all class 3.
        var (x, y) = Data(i => i / 25, 100);
        var net = new LinearClassifier(8, seed: 1);
        float[] before = net.Parameters.ToArray();

        var e = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new Sgd(0.1), new FitOptions { BatchSize = 8, ValidationSplit = 0.2 }));

        Assert.Contains("hold class 3 only", e.Message);
        Assert.Contains("Shuffle the samples before Fit", e.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void A_split_missing_two_common_classes_is_refused_and_names_them()
    {
        // Classes 0 and 1 fill the first 60 samples; the last 40 alternate 2 and 3; the split holds 30 of classes 2, 3 only.
        var (x, y) = Data(i => i < 60 ? i % 2 : 2 + i % 2, 100);
        var e = Assert.Throws<ArgumentException>(() => new LinearClassifier(8, seed: 1).Fit(x, y, new Sgd(0.1), new FitOptions { BatchSize = 8, ValidationSplit = 0.3 }));
        Assert.Contains("miss classes 0, 1", e.Message);
    }

    [Fact]
    public void Shuffled_labels_pass_and_a_small_split_may_miss_a_class_by_chance()
    {
        var (x, y) = Data(i => (i * 7) % 4, 100);
        new LinearClassifier(8, seed: 1).Fit(x, y, new Sgd(0.1), new FitOptions { Epochs = 1, BatchSize = 8, ValidationSplit = 0.2 });

        // Two held-out samples of four classes cannot hold them all; that is chance, not order: (1 − 1/4)² ≈ 0.56.
        var (sx, sy) = Data(i => (i * 7) % 4, 10);
        new LinearClassifier(4, seed: 1).Fit(sx, sy, new Sgd(0.1), new FitOptions { Epochs = 1, BatchSize = 4, ValidationSplit = 0.2 });
    }
}
