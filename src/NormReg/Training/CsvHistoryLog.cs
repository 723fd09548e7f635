using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace NormReg;

/// <summary>
/// Writes one CSV row per epoch for <see cref="FitOptions.CsvLogPath"/>, as Keras' <c>callbacks.CSVLogger</c>: a header, then
/// each epoch's row flushed as soon as it is written, so a crash keeps the epochs done. Numbers are invariant-culture and
/// round-trip; a quantity the epoch did not measure is an empty cell.
/// </summary>
internal sealed class CsvHistoryLog : IDisposable
{
    /// <summary>The columns: Keras' log names, with the epoch 1-based (Keras writes it 0-based).</summary>
    public const string Header =
        "epoch,loss,accuracy,val_loss,val_accuracy,val_f1_score,val_auc,val_root_mean_squared_error,val_mean_absolute_error,val_r2_score,penalty,learning_rate,elapsed_seconds";

    private readonly StreamWriter _writer;

    /// <summary>Creates or replaces the file at <paramref name="path"/> and writes the header.</summary>
    public CsvHistoryLog(string path)
    {
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        _writer.WriteLine(Header);
        _writer.Flush();
    }

    /// <summary>Appends the row of <paramref name="result"/> and flushes it.</summary>
    public void Write(EpochResult result)
    {
        ClassificationMetrics? c = result.ValidationClassification;
        RegressionMetrics? r = result.ValidationRegression;
        double?[] cells =
        [
            result.Loss, result.Accuracy, result.ValidationLoss, result.ValidationAccuracy, c?.MacroF1, c?.RocAuc,
            r?.RootMeanSquaredError, r?.MeanAbsoluteError, r?.R2, result.Penalty, result.LearningRate, result.Elapsed.TotalSeconds,
        ];
        var row = new StringBuilder().Append(result.Epoch.ToString(CultureInfo.InvariantCulture));
        foreach (double? cell in cells) row.Append(',').Append(cell?.ToString("R", CultureInfo.InvariantCulture));
        _writer.WriteLine(row);
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();
}
