using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using NormReg.Tests.Networks;
using NormReg.Tests.Prediction;
using NormReg.Tests.PyTorch;

namespace NormReg.Tests.TrainingLoop;

/// <summary>One logit in, the same logit out once its weight is 1 and its bias 0: a one-output binary classifier whose outputs a test chooses.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(1)]
[Dense(1)]
public partial class IdentityLogit;

/// <summary>
/// Each epoch's validation metrics in the History (the same numbers as Evaluate, which <see cref="MetricsFixtureTests"/> checks
/// against scikit-learn), early stopping on any of them in its direction, and a one-output binary cross-entropy network
/// evaluated as a binary classifier against scikit-learn's numbers (<c>make_metrics.py</c>, <c>binary_logits</c>).
/// </summary>
public sealed class ValidationMetricsTests
{
    private static readonly JsonElement Document = JsonDocument.Parse(File.ReadAllText(Repository.Path("tests", "fixtures", "sklearn", "metrics.json"))).RootElement.Clone();

    private static readonly float[] X = [.. Enumerable.Range(0, 30 * 4).Select(i => (float)Math.Sin(0.37 * i))];
    private static readonly int[] Y = [.. Enumerable.Range(0, 30).Select(i => (i * 7 + i / 4) % 3)];

    public static TheoryData<string> BinaryCases => new(Document.GetProperty("binary_logits").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void A_one_output_binary_network_evaluated_on_labels_scores_as_scikit_learn(string name)
    {
        JsonElement c = Document.GetProperty("binary_logits").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        float[] logits = c.Floats("logits");
        int[] labels = [.. c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32())];
        var net = new IdentityLogit(maxBatchSize: 16);
        net.Parameters[0] = 1f;
        net.Parameters[1] = 0f;

        ClassificationMetrics metrics = net.Evaluate(logits, labels, (float)c.GetProperty("threshold").GetDouble());

        Assert.Equal(c.GetProperty("log_loss").GetDouble(), metrics.Loss, 1e-5);
        Assert.Equal(c.GetProperty("accuracy").GetDouble(), metrics.Accuracy, 1e-12);
        Assert.Equal(c.GetProperty("confusion").EnumerateArray().Select(v => v.GetInt32()), metrics.ConfusionMatrix.Cast<int>());
        Assert.Equal(c.GetProperty("f1").EnumerateArray().Select(v => v.GetDouble()), metrics.F1, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(c.GetProperty("macro_f1").GetDouble(), metrics.MacroF1, 1e-12);
        Assert.Equal(c.GetProperty("roc_auc").GetDouble(), metrics.RocAuc!.Value, 1e-12);
    }

    [Fact]
    public void Labels_are_refused_by_a_network_that_is_not_a_one_output_binary_classifier_and_must_be_0_or_1()
    {
        var regressor = new TanhRegressor(maxBatchSize: 4);
        Assert.Contains("one-output BinaryCrossEntropy", Assert.Throws<InvalidOperationException>(() => regressor.Evaluate(new float[4], [0])).Message);
        var binary = new IdentityLogit(maxBatchSize: 4);
        Assert.Contains("labels[1] must be 0 or 1; got 2", Assert.Throws<ArgumentOutOfRangeException>(() => binary.Evaluate(new float[2], [0, 2])).Message);
    }

    [Fact]
    public void A_classifiers_epochs_record_the_validation_metrics_Evaluate_gives()
    {
        var net = new DeepClassifier(maxBatchSize: 8, seed: 3);

        History history = net.Fit(X, Y, new Sgd(0.3), new FitOptions { Epochs = 3, ValidationSplit = 0.4 });

        ClassificationMetrics evaluated = net.Evaluate(X[(18 * 4)..], Y[18..]);
        ClassificationMetrics recorded = history.Last.ValidationClassification!;
        Assert.Equal(evaluated.ConfusionMatrix, recorded.ConfusionMatrix);
        Assert.Equal(evaluated.MacroF1, recorded.MacroF1, 1e-15);
        Assert.Equal(evaluated.Loss, recorded.Loss, 1e-12);
        Assert.Equal(history.Last.ValidationLoss, recorded.Loss);
        Assert.Null(recorded.RocAuc); // three classes
        Assert.Null(history.Last.ValidationRegression);
        Assert.All(history.Epochs, e => Assert.NotNull(e.ValidationClassification));
    }

    [Fact]
    public void A_regressors_epochs_record_the_validation_metrics_Evaluate_gives()
    {
        var net = new TanhRegressor(maxBatchSize: 8, seed: 3);
        float[] t = [.. Enumerable.Range(0, 30 * 3).Select(i => (float)Math.Cos(0.21 * i))];
        float[] validationX = X[..(10 * 4)], validationT = t[..(10 * 3)];

        History history = net.Fit(X, t, new Sgd(0.1), new FitOptions { Epochs = 3, ValidationFeatures = validationX, ValidationTargets = validationT });

        RegressionMetrics evaluated = net.Evaluate(validationX, validationT), recorded = history.Last.ValidationRegression!;
        Assert.Equal(evaluated.RootMeanSquaredError, recorded.RootMeanSquaredError, 1e-15);
        Assert.Equal(evaluated.MeanAbsoluteError, recorded.MeanAbsoluteError, 1e-15);
        Assert.Equal(evaluated.R2, recorded.R2, 1e-15);
        Assert.Null(history.Last.ValidationClassification);
        Assert.Null(history.Last.Accuracy);
    }

    [Fact]
    public void A_one_output_binary_network_on_0_1_targets_records_accuracy_and_both_kinds_of_metrics()
    {
        var net = new BinaryScorer(maxBatchSize: 8, seed: 3);
        float[] x = [.. Enumerable.Range(0, 24 * 3).Select(i => (float)Math.Sin(0.53 * i))];
        float[] t = [.. Enumerable.Range(0, 24).Select(i => x[3 * i] + x[3 * i + 1] > 0 ? 1f : 0f)];

        History history = net.Fit(x, t, new Adam(0.05), new FitOptions { Epochs = 4, ValidationSplit = 0.25 });

        int[] labels = [.. t[18..].Select(v => (int)v)];
        ClassificationMetrics evaluated = net.Evaluate(x[(18 * 3)..], labels), recorded = history.Last.ValidationClassification!;
        Assert.Equal(evaluated.RocAuc, recorded.RocAuc);
        Assert.Equal(evaluated.ConfusionMatrix, recorded.ConfusionMatrix);
        Assert.Equal(evaluated.Accuracy, history.Last.ValidationAccuracy!.Value, 1e-15);
        Assert.Equal(net.Evaluate(x[..(18 * 3)], [.. t[..18].Select(v => (int)v)]).Accuracy, history.Last.Accuracy!.Value, 1e-15);
        Assert.Equal(net.Evaluate(x[(18 * 3)..], t[18..]).MeanSquaredError, history.Last.ValidationRegression!.MeanSquaredError, 1e-12);
    }

    [Fact]
    public void Soft_targets_make_no_classifier_of_a_binary_network()
    {
        var net = new BinaryScorer(maxBatchSize: 8, seed: 3);
        float[] x = [.. Enumerable.Range(0, 12 * 3).Select(i => (float)Math.Sin(0.53 * i))];
        float[] t = [.. Enumerable.Range(0, 12).Select(i => i % 3 / 2f)];

        History history = net.Fit(x, t, new Sgd(0.1), new FitOptions { Epochs = 1, ValidationSplit = 0.25 });

        Assert.Null(history.Last.Accuracy);
        Assert.Null(history.Last.ValidationClassification);
        Assert.NotNull(history.Last.ValidationRegression);
        Assert.Throws<ArgumentException>(() => net.Fit(x, t, new Sgd(0.1), new FitOptions
        {
            ValidationSplit = 0.25,
            EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationRocAuc },
        }));
    }

    [Theory]
    [InlineData(Metric.ValidationMacroF1)]
    [InlineData(Metric.ValidationRocAuc)]
    [InlineData(Metric.ValidationR2)]
    [InlineData(Metric.ValidationRootMeanSquaredError)]
    [InlineData(Metric.ValidationMeanAbsoluteError)]
    public void Early_stopping_on_a_validation_metric_keeps_the_best_epoch_in_the_metrics_direction(Metric metric)
    {
        // Patience longer than the run: training runs every epoch and restores the first epoch whose value is best (a later
        // equal value is no improvement), read here from the History in the direction the metric calls better.
        bool classifier = metric is Metric.ValidationMacroF1 or Metric.ValidationRocAuc;
        History history;
        var options = new FitOptions
        {
            Epochs = 12,
            ValidationSplit = 0.3,
            EarlyStopping = new EarlyStopping { Monitor = metric, Patience = 100, RestoreBestWeights = true },
        };
        if (metric == Metric.ValidationRocAuc)
        {
            var binary = new BinaryScorer(maxBatchSize: 8, seed: 5);
            float[] x = [.. Enumerable.Range(0, 60 * 3).Select(i => (float)Math.Sin(0.53 * i))];
            float[] t = [.. Enumerable.Range(0, 60).Select(i => x[3 * i] + Math.Sin(1.9 * i) > 0 ? 1f : 0f)]; // half signal, half noise
            history = binary.Fit(x, t, new Sgd(0.5), options);
        }
        else if (classifier)
        {
            var deep = new DeepClassifier(maxBatchSize: 8, seed: 5);
            history = deep.Fit(X, Y, new Sgd(0.5), options);
        }
        else
        {
            var regressor = new TanhRegressor(maxBatchSize: 8, seed: 5);
            float[] t = [.. Enumerable.Range(0, 30 * 3).Select(i => (float)Math.Cos(0.21 * i))];
            history = regressor.Fit(X, t, new Sgd(0.2), options);
        }
        double[] values = [.. history.Epochs.Select(e => metric switch
        {
            Metric.ValidationMacroF1 => e.ValidationClassification!.MacroF1,
            Metric.ValidationRocAuc => e.ValidationClassification!.RocAuc!.Value,
            Metric.ValidationR2 => e.ValidationRegression!.R2,
            Metric.ValidationRootMeanSquaredError => e.ValidationRegression!.RootMeanSquaredError,
            _ => e.ValidationRegression!.MeanAbsoluteError,
        })];
        bool higherIsBetter = metric is Metric.ValidationMacroF1 or Metric.ValidationRocAuc or Metric.ValidationR2;
        double best = higherIsBetter ? values.Max() : values.Min();

        Assert.Equal(12, history.Epochs.Count);
        Assert.Equal(Array.IndexOf(values, best) + 1, history.RestoredEpoch);
        Assert.NotEqual(values[^1], best); // the run did move past its best epoch, so the restore is seen
    }

    [Theory]
    [InlineData(Metric.ValidationRocAuc, "two classes")]
    [InlineData(Metric.ValidationR2, "regressors")]
    [InlineData(Metric.ValidationRootMeanSquaredError, "regressors")]
    public void A_classifier_refuses_to_monitor_what_it_does_not_measure(Metric metric, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => new DeepClassifier(maxBatchSize: 8).Fit(X, Y, new Sgd(0.1),
            new FitOptions { ValidationSplit = 0.3, EarlyStopping = new EarlyStopping { Monitor = metric } }));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void A_regressor_refuses_to_monitor_F1()
    {
        float[] t = new float[30 * 3];
        var e = Assert.Throws<ArgumentException>(() => new TanhRegressor(maxBatchSize: 8).Fit(X, t, new Sgd(0.1),
            new FitOptions { ValidationSplit = 0.3, EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationMacroF1 } }));
        Assert.Contains("val_f1_score", e.Message);
    }
}
