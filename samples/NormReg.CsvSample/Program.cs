using System;
using System.Globalization;
using System.IO;
using System.Linq;
using CsvHelper;
using CsvSample;
using NormReg;

// Trains on a real CSV file: Fisher's iris measurements, read with CsvHelper into typed rows, then flattened row-major
// into the float[] that Fit takes (4 features per sample) and an int[] of labels.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "iris.csv");

IrisFlower[] flowers;
using (var reader = new StreamReader(path))
using (var csv = new CsvReader(reader, CultureInfo.InvariantCulture))
{
    flowers = [.. csv.GetRecords<IrisFlower>()];
}
Console.WriteLine($"Read {flowers.Length} rows of {Path.GetFileName(path)}: {string.Join(", ", IrisFlower.Species.Select(s => $"{flowers.Count(f => f.SpeciesName == s)} {s}"))}.");

// The file is sorted by species: shuffle once (seeded), then keep the last 30 rows as the test set.
var random = new Random(7);
random.Shuffle(flowers);
const int TestCount = 30;
IrisFlower[] train = flowers[..^TestCount], test = flowers[^TestCount..];
static float[] Features(IrisFlower[] rows) => [.. rows.SelectMany(f => new[] { f.SepalLength, f.SepalWidth, f.PetalLength, f.PetalWidth })];
static int[] Labels(IrisFlower[] rows) => [.. rows.Select(f => f.Label)];

var net = new IrisClassifier(maxBatchSize: 16, seed: 1);
net.FitNormalization(Features(train));
History history = net.Fit(Features(train), Labels(train), new Adam(0.01), new FitOptions
{
    Epochs = 200,
    BatchSize = 16,
    ValidationSplit = 0.2,
    EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationMacroF1, Patience = 20, RestoreBestWeights = true },
});
Console.WriteLine($"Trained {history.Epochs.Count} epochs ({history.StopReason}); kept epoch {history.RestoredEpoch}, validation macro F1 {history.Epochs[history.RestoredEpoch!.Value - 1].ValidationClassification!.MacroF1:F3}.");

ClassificationMetrics metrics = net.Evaluate(Features(test), Labels(test));
Console.WriteLine($"Test set: accuracy {metrics.Accuracy * 100:F1} %, macro F1 {metrics.MacroF1:F3}, log-loss {metrics.Loss:F3}.");
Console.WriteLine("Confusion matrix (rows: true species, columns: predicted):");
for (int k = 0; k < IrisFlower.Species.Length; k++)
{
    Console.WriteLine($"  {IrisFlower.Species[k],-11}" + string.Concat(Enumerable.Range(0, 3).Select(j => $"{metrics.ConfusionMatrix[k, j],4}")));
}
