using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NormReg.Demo;
using NormReg.Demo.Reporting;
using NormReg.Demo.Stories;
using Spectre.Console;

// The stories of NormReg.Gen, told with numbers from data generated here: normalization makes training work,
// regularization makes what is learned carry over to new data, and augmentation carries it over to new views of images.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

(DemoOptions? options, string? error) = DemoOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine();
    Console.Error.WriteLine(DemoOptions.Help);
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(DemoOptions.Help);
    return 0;
}

var clock = Stopwatch.StartNew();
Directory.CreateDirectory(options.OutputDirectory);
TrainingProgress progress = TrainingProgress.ForConsole();
if (!TrainingProgress.IsInteractive) AnsiConsole.Profile.Width = 120;   // logs: wide enough for the tables, not 80 columns
var plots = new List<string>();

(IStory Story, Func<StoryResult, Table> Table)[] stories =
[
    (new NormalizationStory(options.Seed, options.Epochs), ResultTables.Normalization),
    (new RegularizationStory(options.Seed, options.Epochs), ResultTables.Regularization),
    (new ImageStory(options.Seed, options.Epochs), ResultTables.Images),
];
foreach ((IStory story, Func<StoryResult, Table> table) in stories.Where(s => options.Stories.Contains(s.Story.Key)))
{
    Tell(story, table);
}

AnsiConsole.WriteLine();
AnsiConsole.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s (seed {options.Seed}). Loss curves:");
foreach (string plot in plots) AnsiConsole.WriteLine($"  {plot}");
return 0;

void Tell(IStory story, Func<StoryResult, Table> table)
{
    AnsiConsole.WriteLine();
    AnsiConsole.Write(new Rule(Markup.Escape(story.Title)).LeftJustified());
    foreach (string line in story.Introduction()) AnsiConsole.WriteLine(line);
    AnsiConsole.WriteLine();

    StoryResult result = story.Run(progress);

    AnsiConsole.WriteLine();
    AnsiConsole.Write(table(result));
    foreach (string line in story.Conclusions(result)) AnsiConsole.WriteLine(line);

    string path = Path.GetFullPath(Path.Combine(options.OutputDirectory, $"{story.Key}-loss.png"));
    LossCurves.Save(result, path, story.Name, story.HeldOutName);
    string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
    plots.Add(relative.StartsWith("..", StringComparison.Ordinal) ? path : relative);
}
