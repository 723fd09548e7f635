using System.Collections.Generic;
using System.Linq;
using NormReg.Generators.Model;

namespace NormReg.Generators.Planning;

/// <summary>
/// A run of rows of a training pass that treat each sample on its own, from <see cref="First"/> to <see cref="Last"/> (layer
/// indices, both included; the backward pass runs them from <see cref="Last"/> down to <see cref="First"/>), which the runtime may
/// split by samples over its threads. <see cref="Number"/> is the segment's case in the generated <c>TrainingRows</c>.
/// </summary>
internal sealed record TrainingSegment(int Number, int First, int Last, bool Backward)
{
    public bool Contains(int layer) => layer >= First && layer <= Last;
}

/// <summary>
/// Cuts the training passes into segments: the rows between two that need the whole batch at once. Forward, those are BatchNorm
/// (batch statistics) and the rows that draw from the network's generator per sample in order (noise, spatial dropout,
/// augmentation); dropout draws one key per call, before its segment starts, and hashes each value's index under it. Backward,
/// they are BatchNorm and LayerNorm (γ and β gradients sum over the batch) and the first row, which may write the caller's span;
/// the weight gradients of a segment's Dense and Conv2D rows sum over the batch too, and run after it, split by their weights.
/// A run without a Dense or Conv2D row is left whole: too little work to split.
/// </summary>
internal static class TrainingSegments
{
    /// <summary>The segments of the backward pass, and of the forward pass with <paramref name="forward"/>, numbered in that order.</summary>
    public static TrainingSegment[] Cut(ExecutionPlan plan, bool forward)
    {
        var segments = new List<TrainingSegment>();
        IReadOnlyList<PlannedLayer> layers = plan.Layers;
        if (forward) Add(segments, layers, Enumerable.Range(0, layers.Count), i => ForwardPerSample(layers[i].Layer.Kind), backward: false);
        Add(segments, layers, Enumerable.Range(1, layers.Count - 1).Reverse(), i => BackwardPerSample(layers[i].Layer.Kind), backward: true);
        return [.. segments];
    }

    /// <summary>The segment holding <paramref name="layer"/> in the forward or backward pass, or <see langword="null"/>.</summary>
    public static TrainingSegment? Of(IEnumerable<TrainingSegment> segments, int layer, bool backward) =>
        segments.FirstOrDefault(s => s.Backward == backward && s.Contains(layer));

    /// <summary>The products' multiply-adds per sample of the segment's rows (the input gradients, backward).</summary>
    public static long MultiplyAddsPerSample(ExecutionPlan plan, TrainingSegment segment) =>
        Rows(plan, segment).Sum(l => l.Layer.Kind switch
        {
            LayerKind.Dense => (long)l.WeightCount,
            LayerKind.Conv2D => (long)l.WeightCount * l.OutputShape.Spatial,
            _ => 0L,
        });

    /// <summary>The weights the segment's products read.</summary>
    public static long Weights(ExecutionPlan plan, TrainingSegment segment) =>
        Rows(plan, segment).Where(l => l.Layer.IsWeightLayer).Sum(l => (long)l.WeightCount);

    public static IEnumerable<PlannedLayer> Rows(ExecutionPlan plan, TrainingSegment segment) =>
        Enumerable.Range(segment.First, segment.Last - segment.First + 1).Select(i => plan.Layers[i]);

    private static bool ForwardPerSample(LayerKind kind) =>
        kind is not (LayerKind.BatchNorm or LayerKind.GaussianNoise or LayerKind.SpatialDropout or LayerKind.RandomFlip or LayerKind.RandomRotation or LayerKind.RandomTranslation);

    private static bool BackwardPerSample(LayerKind kind) => kind is not (LayerKind.BatchNorm or LayerKind.LayerNorm);

    private static void Add(List<TrainingSegment> segments, IReadOnlyList<PlannedLayer> layers, IEnumerable<int> order, System.Func<int, bool> perSample, bool backward)
    {
        var run = new List<int>();
        foreach (int i in order.Append(-1))
        {
            if (i >= 0 && perSample(i))
            {
                run.Add(i);
                continue;
            }
            if (run.Any(r => layers[r].Layer.IsWeightLayer)) segments.Add(new TrainingSegment(segments.Count, run.Min(), run.Max(), backward));
            run.Clear();
        }
    }
}
