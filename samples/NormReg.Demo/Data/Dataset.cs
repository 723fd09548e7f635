namespace NormReg.Demo.Data;

/// <summary>A labelled classification set: <see cref="Features"/> row-major, one <see cref="Labels"/> entry per sample.</summary>
/// <param name="Features">The samples, <paramref name="FeatureCount"/> values each, row after row.</param>
/// <param name="Labels">The class of each sample.</param>
/// <param name="FeatureCount">Values per sample.</param>
public sealed record Dataset(float[] Features, int[] Labels, int FeatureCount);
