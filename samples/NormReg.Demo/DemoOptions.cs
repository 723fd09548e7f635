using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using NormReg.Demo.Stories;

namespace NormReg.Demo;

/// <summary>The demo's command line, parsed by hand: <c>--story</c>, <c>--epochs</c>, <c>--seed</c>, <c>--out</c> and <c>--help</c>.</summary>
/// <param name="Stories">The stories to run, in order.</param>
/// <param name="Epochs">Epochs per run for every story; <see langword="null"/> for each story's default.</param>
/// <param name="Seed">Seed of the data, the weights and the shuffling.</param>
/// <param name="OutputDirectory">Where the plots go.</param>
/// <param name="ShowHelp">Whether <c>--help</c> was asked for.</param>
public sealed record DemoOptions(string[] Stories, int? Epochs, int Seed, string OutputDirectory, bool ShowHelp)
{
    /// <summary>The seed when <c>--seed</c> is not given.</summary>
    public const int DefaultSeed = 1;

    private static readonly string[] AllStories = [NormalizationStory.Key, RegularizationStory.Key, ImageStory.Key];

    /// <summary>The usage text <c>--help</c> prints.</summary>
    public static string Help => $"""
        NormReg.Demo: normalization, regularization and image augmentation side by side, on data the demo generates.

        Usage: dotnet run --project samples/NormReg.Demo -c Release -- [options]

        Options:
          --story <name>   normalization, regularization, images or all (default: all)
          --epochs <n>     epochs per run for every story (default: {NormalizationStory.DefaultEpochs} for normalization, {RegularizationStory.DefaultEpochs} for regularization,
                           {ImageStory.DefaultEpochs} for images)
          --seed <n>       seed of the data, the initial weights and the shuffling (default: {DefaultSeed})
          --out <dir>      folder for the PNG plots (default: {DefaultOutputDirectory})
          -h, --help       show this help

        Progress is drawn live on an interactive terminal, and printed as plain lines when the output is
        redirected or the CI environment variable is set.
        """;

    /// <summary>The demo project's <c>out</c> folder, wherever the demo is run from.</summary>
    public static string DefaultOutputDirectory
    {
        get
        {
            string? project = typeof(DemoOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
            return Path.Combine(project ?? AppContext.BaseDirectory, "out");
        }
    }

    /// <summary>Parses <paramref name="args"/>: the options, or an error message that names what was wrong.</summary>
    public static (DemoOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        string[] stories = AllStories;
        int? epochs = null;
        int seed = DefaultSeed;
        string output = DefaultOutputDirectory;
        bool help = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                help = true;
                continue;
            }

            // Both "--name value" and "--name=value".
            int equals = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=') : -1;
            string name = equals > 0 ? arg[..equals] : arg;
            string? value = equals > 0 ? arg[(equals + 1)..] : null;
            if (name is not ("--story" or "--epochs" or "--seed" or "--out"))
            {
                return (null, arg.StartsWith('-') ? $"unknown option '{arg}'." : $"unexpected argument '{arg}'.");
            }
            if (value is null)
            {
                if (i + 1 == args.Count) return (null, $"{name} needs a value.");
                value = args[++i];
            }

            switch (name)
            {
                case "--story":
                    string[]? chosen = value == "all" ? AllStories : AllStories.Contains(value) ? [value] : null;
                    if (chosen is null) return (null, $"--story must be normalization, regularization, images or all; got '{value}'.");
                    stories = chosen;
                    break;
                case "--epochs":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
                    {
                        return (null, $"--epochs must be a whole number of at least 1; got '{value}'.");
                    }
                    epochs = count;
                    break;
                case "--seed":
                    if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
                    {
                        return (null, $"--seed must be a whole number from {int.MinValue} to {int.MaxValue}; got '{value}'.");
                    }
                    break;
                default:
                    if (string.IsNullOrWhiteSpace(value)) return (null, "--out needs a folder.");
                    output = value;
                    break;
            }
        }
        return (new DemoOptions(stories, epochs, seed, output, help), null);
    }
}
