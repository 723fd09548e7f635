using System;
using System.Linq;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Model;

/// <summary><c>Summary()</c>: one line per row with its output shape, parameters and statistics, counted here from the declarations.</summary>
public sealed class SummaryTests
{
    [Fact]
    public void Each_row_shows_its_shape_and_counts_and_the_totals_close_the_table()
    {
        // FoldedRegressor: [Input(4)] [Dense(6), L2] [BatchNorm] [ReLU] [Dense(3, UseBias = false), L2] [BatchNorm]
        string[] lines = new FoldedRegressor().Summary().Split('\n');

        Assert.Equal("Network \"FoldedRegressor\", loss MeanSquaredError", lines[0]);
        Assert.Equal([("(batch, 4)", 0, 0), ("(batch, 6)", 4 * 6 + 6, 0), ("(batch, 6)", 2 * 6, 2 * 6), ("(batch, 6)", 0, 0), ("(batch, 3)", 6 * 3, 0), ("(batch, 3)", 2 * 3, 2 * 3)],
            lines.Skip(2).Take(6).Select(Cells));
        Assert.Equal("Trainable parameters: 66. Statistics (fitted or running, not trained): 18.", lines[^1]);
        Assert.Equal(FoldedRegressor.Architecture.ToString(), new FoldedRegressor().Summary());
    }

    [Fact]
    public void Input_scaling_statistics_count_on_the_input_row()
    {
        string input = RegularizedClassifier.Architecture.ToString().Split('\n')[2];

        Assert.Equal(("(batch, 6)", 0, 12), Cells(input));
    }

    private static (string Shape, int Parameters, int Statistics) Cells(string line)
    {
        string[] cells = line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (cells[^3], int.Parse(cells[^2].Replace(",", "")), int.Parse(cells[^1].Replace(",", "")));
    }
}
