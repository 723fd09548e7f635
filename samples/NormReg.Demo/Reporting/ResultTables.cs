using System.Globalization;
using System.Linq;
using NormReg.Demo.Stories;
using Spectre.Console;
using static NormReg.Demo.Reporting.Numbers;

namespace NormReg.Demo.Reporting;

/// <summary>The closing table of each story, as Spectre tables (plain text when the output is redirected).</summary>
public static class ResultTables
{
    /// <summary>
    /// Loss and accuracy on the training and held-out sets after the same epochs, and the largest rise of the training loss
    /// between two epochs, one row per variant.
    /// </summary>
    public static Table Normalization(StoryResult result)
    {
        Table table = Create(result, "variant", "train loss", "train acc", "held-out loss", "held-out acc", "largest loss rise");
        foreach (VariantResult v in result.Variants)
        {
            table.AddRow(
                Name(v), Loss(v.Train.Loss), Percent(v.Train.Accuracy), Loss(v.Validation.Loss), Percent(v.Validation.Accuracy), Loss(v.LargestLossRise));
        }
        return table;
    }

    /// <summary>Accuracy on the training, validation and test sets, the train–validation gap and the epochs run, one row per variant.</summary>
    public static Table Regularization(StoryResult result)
    {
        Table table = Create(result, "variant", "train acc", "val acc", "gap", "val loss", "test acc", "epochs");
        foreach (VariantResult v in result.Variants)
        {
            table.AddRow(
                Name(v), Percent(v.Train.Accuracy), Percent(v.Validation.Accuracy), Points(v.Gap, "pts"), Loss(v.Validation.Loss),
                v.Test is Evaluation test ? Percent(test.Accuracy) : "–", Epochs(v));
        }
        return table;
    }

    /// <summary>Accuracy on the training set, the upright test set and the transformed test set, and the training time, one row per variant.</summary>
    public static Table Images(StoryResult result)
    {
        Table table = Create(result, "variant", "train acc", "upright test acc", "transformed test acc", "transformed loss", "time");
        foreach (VariantResult v in result.Variants)
        {
            table.AddRow(
                Name(v), Percent(v.Train.Accuracy), v.Test is Evaluation test ? Percent(test.Accuracy) : "–", Percent(v.Validation.Accuracy),
                Loss(v.Validation.Loss), v.EpochsRun > 0 ? $"{v.Epochs[^1].Elapsed.TotalSeconds:F1} s" : "–");
        }
        return table;
    }

    private static Table Create(StoryResult result, params string[] columns)
    {
        string epochs = result.Variants.All(v => v.EpochsRun == result.Plan.Epochs) ? $"after {result.Plan.Epochs} epochs" : $"up to {result.Plan.Epochs} epochs";
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape($"{result.Title} — {epochs}")) };
        table.AddColumn(new TableColumn(columns[0]));
        for (int i = 1; i < columns.Length; i++) table.AddColumn(new TableColumn(columns[i]).RightAligned());
        return table;
    }

    private static string Epochs(VariantResult v) => v switch
    {
        { RestoredEpoch: int restored } => $"{v.EpochsRun} (best {restored})",
        _ => v.EpochsRun.ToString(CultureInfo.InvariantCulture),
    };

    private static string Name(VariantResult v) =>
        Markup.Escape(v.DivergedEpoch is int diverged ? $"{v.Variant.Name} (diverged in epoch {diverged})" : v.Variant.Name);
}
