using System;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NormReg.Package.Tests;

/// <summary>Runs the dotnet CLI the way a user would, capturing its output, under a hard time limit.</summary>
internal static class DotNetCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private static readonly string[] BuildingCommands = ["build", "run", "test", "pack", "publish", "restore", "clean", "msbuild"];

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>; returns the exit code and stdout and stderr, interleaved.</summary>
    /// <exception cref="TimeoutException">The command did not finish in time; its process tree is killed.</exception>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        // The SDK running these tests sets DOTNET_HOST_PATH; outside it, fall back to dotnet on the PATH.
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // Build servers outlive the command and inherit its output pipes, which would keep the output open after it exits.
        // Only the commands that build take the option (`dotnet new` and `dotnet add package` refuse it).
        if (arguments.Length > 0 && Array.IndexOf(BuildingCommands, arguments[0]) >= 0) startInfo.ArgumentList.Add("--disable-build-servers");
        // The rest of the environment (CI, DOTNET_CLI_TELEMETRY_OPTOUT, ...) is inherited as it is.
        startInfo.Environment["DOTNET_NOLOGO"] = "1";

        var output = new StringBuilder();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            // Completes once the process has exited and both output streams are drained.
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (output)
            {
                throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within {Timeout}:\n{output}");
            }
        }
        return (process.ExitCode, output.ToString());
    }
}
