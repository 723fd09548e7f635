using System.Collections.Generic;
using NormReg.Demo.Reporting;

namespace NormReg.Demo.Stories;

/// <summary>One experiment of the demo: variants of a network trained under one plan on data the story generates.</summary>
public interface IStory
{
    /// <summary>The name <c>--story</c> takes, also used for file names.</summary>
    string Key { get; }

    /// <summary>A short name that heads the plot panels, e.g. "Normalization".</summary>
    string Name { get; }

    /// <summary>The heading of the story's section and table.</summary>
    string Title { get; }

    /// <summary>What the story calls the held-out set it validates on after each epoch, e.g. "validation".</summary>
    string HeldOutName { get; }

    /// <summary>What the reader should know before the numbers come: the data, the network and the training.</summary>
    IEnumerable<string> Introduction();

    /// <summary>Generates the data and trains every variant, showing progress on <paramref name="progress"/>.</summary>
    StoryResult Run(TrainingProgress progress);

    /// <summary>What the numbers of <paramref name="result"/> say.</summary>
    IEnumerable<string> Conclusions(StoryResult result);
}
