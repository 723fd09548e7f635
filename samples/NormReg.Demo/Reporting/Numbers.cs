using System.Globalization;

namespace NormReg.Demo.Reporting;

/// <summary>How the demo writes its numbers, the same in tables and sentences.</summary>
public static class Numbers
{
    /// <summary>A loss: four decimals, or four significant digits from 100 up.</summary>
    public static string Loss(double loss) => loss.ToString(loss >= 100 ? "G4" : "F4", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage with one decimal, e.g. <c>87.5 %</c>.</summary>
    public static string Percent(double fraction) => fraction.ToString("P1", CultureInfo.InvariantCulture);

    /// <summary>A difference of two fractions in signed percentage points, e.g. <c>+13.1 points</c>.</summary>
    public static string Points(double difference, string unit = "points") =>
        (difference * 100).ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture) + " " + unit;
}
