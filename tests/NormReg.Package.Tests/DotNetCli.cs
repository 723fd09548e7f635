using System;
using System.Collections.Generic;
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
    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments) =>
        // Build servers outlive the command and inherit its output pipes, which would keep the output open after it exits.
        // Only the commands that build take the option (`dotnet new` and `dotnet add package` refuse it).
        RunCoreAsync(workingDirectory, new Dictionary<string, string>(),
            arguments.Length > 0 && Array.IndexOf(BuildingCommands, arguments[0]) >= 0 ? [.. arguments, "--disable-build-servers"] : arguments);

    /// <summary>
    /// Runs <c>dotnet format</c> with <paramref name="arguments"/>. It takes no <c>--disable-build-servers</c> and no
    /// <c>-p:</c>: it is kept from leaving MSBuild nodes or servers behind through the environment, where
    /// <paramref name="properties"/> go too (MSBuild reads environment variables as properties).
    /// </summary>
    /// <exception cref="TimeoutException">The command did not finish in time; its process tree is killed.</exception>
    public static Task<(int ExitCode, string Output)> FormatAsync(string workingDirectory, IReadOnlyDictionary<string, string> properties, params string[] arguments)
    {
        var environment = new Dictionary<string, string>(properties)
        {
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        };
        return RunCoreAsync(workingDirectory, environment, ["format", .. arguments]);
    }

    private static async Task<(int ExitCode, string Output)> RunCoreAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] arguments)
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
        // The rest of the environment (CI, DOTNET_CLI_TELEMETRY_OPTOUT, ...) is inherited as it is.
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

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
