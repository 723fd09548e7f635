using System.Collections.Generic;

namespace NormReg.Demo.Stories;

/// <summary>Every variant of a story, trained under one plan.</summary>
/// <param name="Title">The story's title.</param>
/// <param name="Plan">The plan all variants shared.</param>
/// <param name="Variants">The results in the story's order; the first is the baseline.</param>
public sealed record StoryResult(string Title, TrainingPlan Plan, IReadOnlyList<VariantResult> Variants);
