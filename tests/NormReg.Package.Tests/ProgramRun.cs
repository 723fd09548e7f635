using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace NormReg.Package.Tests;

/// <summary>Runs a program the tests built, as a user would start it.</summary>
internal static class ProgramRun
{
    /// <summary>Runs <paramref name="program"/> to completion (at most two minutes), asserts it exited with 0 and returns what it printed.</summary>
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        string text = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}:\n{text}");
        return text;
    }
}
