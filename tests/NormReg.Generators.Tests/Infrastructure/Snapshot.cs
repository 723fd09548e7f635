using System;
using System.IO;

namespace NormReg.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated text with a checked-in <c>*.verified.cs</c>. On a difference it writes
/// <c>*.received.cs</c> beside it and fails; with <c>NORMREG_ACCEPT_SNAPSHOTS=1</c> it accepts the new text instead.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "NORMREG_ACCEPT_SNAPSHOTS";

    public static void Match(string name, string actual)
    {
        string verified = Repository.Path("tests", "NormReg.Generators.Tests", "Snapshots", name + ".verified.cs");
        string received = Path.ChangeExtension(Path.ChangeExtension(verified, null), ".received.cs");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No snapshot {verified} yet; review {received} and accept it with {AcceptVariable}=1."
            : $"Generated code differs from {verified} at line {FirstDifferentLine(expected, actual)}; see {received}, and accept it with {AcceptVariable}=1 if intended.");
    }

    private static int FirstDifferentLine(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        int line = 0;
        while (line < Math.Min(a.Length, b.Length) && a[line] == b[line]) line++;
        return line + 1;
    }
}
