using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using NormReg.Kernels;
using NormReg.Tests.Networks;
using NormReg.Tests.PyTorch;

namespace NormReg.Tests.TrainingLoop;

/// <summary>
/// Evaluate's metrics against scikit-learn's on the same outputs (<c>tests/fixtures/sklearn/make_metrics.py</c> wrote
/// <c>metrics.json</c>): accuracy, log-loss, confusion matrix, per-class precision/recall/F1, macro F1, ROC AUC; MSE,
/// RMSE, MAE and R².
/// </summary>
public sealed class MetricsFixtureTests
{
    private static readonly JsonElement Document = JsonDocument.Parse(File.ReadAllText(Repository.Path("tests", "fixtures", "sklearn", "metrics.json"))).RootElement.Clone();

    public static TheoryData<string> Classifications => new(Document.GetProperty("classification").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    public static TheoryData<string> Regressions => new(Document.GetProperty("regression").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Classifications))]
    public void Classification_metrics_equal_scikit_learns(string name)
    {
        JsonElement c = Case("classification", name);
        int classes = c.Int("classes");
        float[] logits = c.Floats("logits");
        int[] labels = [.. c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32())];
        float loss = Losses.SoftmaxCrossEntropy(logits, labels, new float[logits.Length], labels.Length, classes);

        ClassificationMetrics metrics = ClassificationMetrics.From(logits, labels, classes, loss);

        Assert.Equal(c.GetProperty("log_loss").GetDouble(), metrics.Loss, 1e-5);
        Assert.Equal(c.GetProperty("accuracy").GetDouble(), metrics.Accuracy, 1e-12);
        Assert.Equal(c.GetProperty("confusion").EnumerateArray().Select(v => v.GetInt32()), metrics.ConfusionMatrix.Cast<int>());
        AssertClose(c.GetProperty("precision"), metrics.Precision);
        AssertClose(c.GetProperty("recall"), metrics.Recall);
        AssertClose(c.GetProperty("f1"), metrics.F1);
        Assert.Equal(c.GetProperty("macro_f1").GetDouble(), metrics.MacroF1, 1e-12);
        if (c.TryGetProperty("roc_auc", out JsonElement auc)) Assert.Equal(auc.GetDouble(), metrics.RocAuc!.Value, 1e-9);
        else Assert.Null(metrics.RocAuc);
    }

    [Theory]
    [MemberData(nameof(Regressions))]
    public void Regression_metrics_equal_scikit_learns(string name)
    {
        JsonElement c = Case("regression", name);
        float[] predictions = c.Floats("outputs");
        if (c.GetProperty("sigmoid").GetBoolean()) predictions = [.. predictions.Select(v => (float)(1 / (1 + Math.Exp(-v))))];

        RegressionMetrics metrics = RegressionMetrics.From(predictions, c.Floats("targets"), c.Int("outputs_per_sample"), loss: 0);

        Assert.Equal(c.GetProperty("mse").GetDouble(), metrics.MeanSquaredError, 1e-6);
        Assert.Equal(c.GetProperty("rmse").GetDouble(), metrics.RootMeanSquaredError, 1e-6);
        Assert.Equal(c.GetProperty("mae").GetDouble(), metrics.MeanAbsoluteError, 1e-6);
        Assert.Equal(c.GetProperty("r2").GetDouble(), metrics.R2, 1e-5);
    }

    [Fact]
    public void Evaluate_scores_the_networks_own_predictions_and_still_deconstructs_to_loss_and_accuracy()
    {
        var net = new DeepClassifier(maxBatchSize: 4, seed: 2);
        float[] x = [.. Enumerable.Range(0, 10 * 4).Select(i => (float)Math.Sin(0.7 * i))];
        int[] y = [.. Enumerable.Range(0, 10).Select(i => i % 3)];
        float[] outputs = net.Predict(x);
        double expected = Enumerable.Range(0, 10).Count(i => Array.IndexOf(outputs, outputs.Skip(i * 3).Take(3).Max(), i * 3, 3) - i * 3 == y[i]) / 10.0;

        var (loss, accuracy) = net.Evaluate(x, y);

        Assert.Equal(expected, accuracy, 1e-12);
        Assert.True(loss > 0);
        Assert.Equal(10, net.Evaluate(x, y).ConfusionMatrix.Cast<int>().Sum());
    }

    [Fact]
    public void A_regressor_is_evaluated_on_its_outputs()
    {
        var net = new TanhRegressor(maxBatchSize: 4, seed: 2);
        int width = TanhRegressor.InputSize, outputs = TanhRegressor.OutputSize;
        float[] x = [.. Enumerable.Range(0, 9 * width).Select(i => (float)Math.Cos(0.3 * i))];
        float[] t = [.. Enumerable.Range(0, 9 * outputs).Select(i => (float)Math.Sin(0.5 * i))];
        float[] predicted = net.Predict(x);
        double mse = predicted.Zip(t, (p, y) => ((double)p - y) * ((double)p - y)).Average();

        RegressionMetrics metrics = net.Evaluate(x, t);

        Assert.Equal(mse, metrics.MeanSquaredError, 1e-9);
        Assert.Equal(mse, metrics.Loss, 1e-6); // a mean-squared-error network's loss is its MSE
    }

    private static JsonElement Case(string kind, string name) =>
        Document.GetProperty(kind).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static void AssertClose(JsonElement expected, double[] actual)
    {
        double[] values = [.. expected.EnumerateArray().Select(v => v.GetDouble())];
        Assert.Equal(values.Length, actual.Length);
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], actual[i], 1e-12);
    }
}
