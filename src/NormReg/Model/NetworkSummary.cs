using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NormReg;

/// <summary>The network as a table, like Keras' <c>model.summary()</c>.</summary>
public static class NetworkSummary
{
    /// <summary>
    /// One line per row: the row as declared, its name, its output shape, its trainable parameters and its statistics
    /// (fitted input scaling, BatchNorm running mean and variance: state that is not trained by gradients); then the totals.
    /// The same text as <c>Architecture.ToString()</c>.
    /// </summary>
    public static string Summary(this INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Format(network.Architecture);
    }

    internal static string Format(NetworkArchitecture architecture)
    {
        var rows = new List<string[]> { new[] { "Row", "Name", "Output", "Parameters", "Statistics" } };
        int inputStatistics = architecture.Scaling is null ? 0 : 2 * architecture.ScaledFeatures;
        rows.Add(["[Input]", "", Shape(architecture.InputShape), "0", Number(inputStatistics)]);
        foreach (LayerDescription layer in architecture.Layers)
        {
            int parameters = layer.WeightCount + (layer.BiasOffset >= 0 ? layer.Units : 0);
            int statistics = layer.StatisticsOffset >= 0 ? 2 * layer.Units : 0;
            rows.Add([layer.Row, layer.Name, Shape(layer.OutputShape), Number(parameters), Number(statistics)]);
        }
        int[] widths = [.. Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length))];
        var text = new StringBuilder();
        text.Append("Network \"").Append(architecture.Name).Append("\", loss ").Append(architecture.Loss).Append('\n');
        foreach (string[] row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                string cell = c >= 3 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]);
                text.Append(c == 0 ? "" : "  ").Append(cell);
            }
            text.Append('\n');
        }
        text.Append("Trainable parameters: ").Append(Number(architecture.ParameterCount))
            .Append(". Statistics (fitted or running, not trained): ").Append(Number(architecture.StatisticsCount)).Append('.');
        return text.ToString();
    }

    /// <summary><c>(batch, 16)</c>, or <c>(batch, 16, 14, 14)</c> for an image, as Keras prints output shapes.</summary>
    private static string Shape(IReadOnlyList<int> shape) => "(batch, " + string.Join(", ", shape.Select(Number)) + ")";

    private static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
