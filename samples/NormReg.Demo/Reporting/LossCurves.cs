using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NormReg;
using NormReg.Demo.Stories;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace NormReg.Demo.Reporting;

/// <summary>
/// A PNG per story: training loss (left) and validation loss (right) per epoch, one colour per variant, on a logarithmic
/// axis so that a loss of 5 and one of 0.001 both stay readable, and beneath each its accuracy in percent. A run with early
/// stopping ends where it stopped, with a dot at the epoch whose weights it restored; until then it is drawn over any run it
/// matches exactly (early stopping alone follows the plain run).
/// </summary>
public static class LossCurves
{
    private const int Width = 1600, RowHeight = 600;

    /// <summary>
    /// Draws <paramref name="result"/> and writes it to <paramref name="path"/>; <paramref name="name"/> heads both panels and
    /// <paramref name="validationName"/> names the held-out set ("validation", "held-out").
    /// </summary>
    public static void Save(StoryResult result, string path, string name, string validationName)
    {
        using Plot training = Panel(result, $"{name}: training loss", "training loss", e => e.Loss);
        using Plot validation = Panel(result, $"{name}: {validationName} loss", $"{validationName} loss", e => e.ValidationLoss ?? double.NaN);
        using Plot trainingAccuracy = Panel(result, $"{name}: training accuracy", "training accuracy", e => e.Accuracy ?? double.NaN, logarithmic: false);
        using Plot validationAccuracy = Panel(result, $"{name}: {validationName} accuracy", $"{validationName} accuracy", e => e.ValidationAccuracy ?? double.NaN, logarithmic: false);
        training.HideLegend();
        trainingAccuracy.HideLegend();
        validation.ShowLegend(Edge.Right);
        validationAccuracy.ShowLegend(Edge.Right); // a legend on both right panels keeps their plot areas aligned
        var figure = new Multiplot(training) { Layout = new ScottPlot.MultiplotLayouts.Grid(rows: 2, columns: 2) };
        figure.Subplots.Add(validation);
        figure.Subplots.Add(trainingAccuracy);
        figure.Subplots.Add(validationAccuracy);
        figure.SavePng(path, Width, 2 * RowHeight);
    }

    /// <summary>One panel: <paramref name="value"/> per epoch of each variant, log10-scaled for losses, in percent for accuracies.</summary>
    private static Plot Panel(StoryResult result, string title, string yLabel, Func<EpochResult, double> value, bool logarithmic = true)
    {
        Func<double, double> scale = logarithmic ? Math.Log10 : static v => 100 * v;
        var plot = new Plot();
        Color[] colors = new ScottPlot.Palettes.Category10().Colors;
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        for (int i = 0; i < result.Variants.Count; i++)
        {
            VariantResult v = result.Variants[i];
            Color color = colors[i % colors.Length];
            double[] epochs = v.Epochs.Select(e => (double)e.Epoch).ToArray();
            double[] values = v.Epochs.Select(value).ToArray();
            foreach (double l in values.Where(l => l > 0 && double.IsFinite(l)))
            {
                low = Math.Min(low, l);
                high = Math.Max(high, l);
            }
            var line = plot.Add.ScatterLine(epochs, values.Select(scale).ToArray(), color);
            line.LineWidth = 2;
            line.LegendText = v.Variant.Name;
            if (v.RestoredEpoch is int restored)
            {
                var marker = plot.Add.Marker(restored, scale(values[restored - 1]), MarkerShape.FilledCircle, 10, color);
                marker.LegendText = $"{v.Variant.Name}: restored epoch {restored}";
            }
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(logarithmic ? $"{yLabel} (log scale)" : $"{yLabel} (%)");
        if (logarithmic && low <= high) plot.Axes.Left.TickGenerator = LogTicks(low, high);
        return plot;
    }

    /// <summary>
    /// Ticks for values plotted as log10, at every digit times each power of ten from <paramref name="low"/> to
    /// <paramref name="high"/>; the fewer decades the range spans, the more of them are labelled.
    /// </summary>
    private static NumericManual LogTicks(double low, double high)
    {
        int first = (int)Math.Floor(Math.Log10(low)), last = (int)Math.Ceiling(Math.Log10(high));
        int[] labelled = (last - first) switch
        {
            <= 1 => [1, 2, 3, 4, 5, 6, 7, 8, 9],
            2 => [1, 2, 3, 5],
            <= 5 => [1, 2, 5],
            _ => [1],
        };
        var ticks = new NumericManual();
        for (int power = first; power <= last; power++)
        {
            for (int digit = 1; digit <= 9; digit++)
            {
                double value = digit * Math.Pow(10, power);
                if (labelled.Contains(digit)) ticks.AddMajor(Math.Log10(value), value.ToString("G3", CultureInfo.InvariantCulture));
                else ticks.AddMinor(Math.Log10(value));
            }
        }
        return ticks;
    }
}
