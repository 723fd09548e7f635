using System.Globalization;
using System.Security;

namespace NormReg.Generators.Emitting;

/// <summary>Formats values as C# source.</summary>
internal static class Literals
{
    public static string Float(double value)
    {
        float f = (float)value;
        if (float.IsNaN(f)) return "float.NaN";
        if (float.IsPositiveInfinity(f)) return "float.PositiveInfinity";
        if (float.IsNegativeInfinity(f)) return "float.NegativeInfinity";
        return f.ToString("R", CultureInfo.InvariantCulture) + "f";
    }

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A double as C# source and in comments, the shortest text that round-trips, whatever the build machine's culture.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string String(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r", "\\r").Replace("\n", "\\n") + "\"";

    /// <summary>Text safe inside an XML doc comment.</summary>
    public static string Xml(string value) => SecurityElement.Escape(value) ?? "";
}
