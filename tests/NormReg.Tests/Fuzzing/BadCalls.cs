using System;
using System.Collections.Generic;
using System.Linq;
using NormReg.Tests.Onnx;

namespace NormReg.Tests.Fuzzing;

/// <summary>
/// Draws bad calls for one network: each case breaks exactly one documented rule (batch size outside 1..MaxBatchSize,
/// a span of the wrong length, NaN or ±∞ in inputs, targets or output gradients, a label outside [0, OutputSize), a
/// training batch of 1 under BatchNorm, …) and says what it must throw. The valid parts are drawn at random too.
/// </summary>
internal sealed partial class BadCalls(FuzzedNetwork net, Random random)
{
    private static readonly float[] NonFinite = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    private int Max => net.Network.MaxBatchSize;

    private int In => net.Network.InputSize;

    private int Out => net.Network.OutputSize;

    private string Name => net.Name;

    private bool IsClassifier => net.Network is IClassifier;

    /// <summary>2 when a BatchNorm row needs batch statistics in training.</summary>
    private int TrainingMinimum => net.Network.MinimumTrainingBatch;

    /// <summary>The kinds of call this network offers, each with its generator.</summary>
    public IReadOnlyList<(string Kind, Func<FuzzCase> Make)> Kinds()
    {
        var kinds = new List<(string, Func<FuzzCase>)>
        {
            ("Predict (single)", PredictSingle),
            ("Predict (batched)", PredictBatch),
            ("Forward (Inference)", () => Forward(ForwardMode.Inference)),
            ("Forward (Training)", () => Forward(ForwardMode.Training)),
            ("Forward (Sampling)", () => Forward(ForwardMode.Sampling)),
            ("Forward (undefined mode)", ForwardUndefinedMode),
            ("Backward", () => Backward(withInputGradients: true)),
            ("Backward (output gradients only)", () => Backward(withInputGradients: false)),
            ("ComputeLoss", ComputeLoss),
            ("TrainStep", TrainStep),
            ("TrainStep (overflowing inputs)", TrainStepOverflow),
            ("Update", Update),
            ("Update (non-finite gradients)", UpdateNonFiniteGradients),
            ("CopyState", CopyState),
            ("RestoreState", RestoreState),
            ("Fit", Fit),
            ("Load", Load),
        };
        if (IsClassifier)
        {
            kinds.Add(("Classify", ClassifySingle));
            kinds.Add(("Evaluate", Evaluate));
        }
        if (net.HasScaling)
        {
            kinds.Add(("FitNormalization", FitNormalization));
            kinds.Add(("BeginNormalizationFit", NormalizationFitInChunks));
        }
        return kinds;
    }

    // ---- span arguments ----

    private enum SlotKind
    {
        /// <summary>Features: must be finite.</summary>
        Inputs,

        /// <summary>Written by the call (outputs, gradients out): any values.</summary>
        Free,

        /// <summary>Class labels.</summary>
        Labels,

        /// <summary>Targets or output gradients: must be finite.</summary>
        Finite,
    }

    private sealed record Slot(string Name, int Width, SlotKind Kind);

    /// <summary>The arrays of one call, by slot, and its batch size.</summary>
    private sealed class Args(int batch, float[][] floats, int[] labels)
    {
        public int Batch { get; } = batch;

        public float[][] Floats { get; } = floats;

        public float[] this[int slot] => Floats[slot];

        public int[] Labels { get; } = labels;
    }

    /// <summary>
    /// A call over batched spans with exactly one fault: the batch size, one slot's length, a non-finite value in a
    /// checked slot, a label out of range, or a batch of 1 where batch statistics need 2.
    /// </summary>
    private FuzzCase Spans(string kind, Slot[] slots, Action<FuzzedNetwork, Args> call,
        int minimumBatch = 1, int? fixedBatch = null, Pending pending = Pending.Any, int pendingBatch = 0, string extra = "")
    {
        var faults = new List<string>();
        if (fixedBatch is null) faults.Add("batch");
        if (fixedBatch is null && minimumBatch == 2) faults.Add("batch of 1");
        for (int s = 0; s < slots.Length; s++)
        {
            faults.Add($"length {s}");
            if (slots[s].Kind is SlotKind.Inputs or SlotKind.Finite) faults.Add($"non-finite {s}");
            if (slots[s].Kind is SlotKind.Labels) faults.Add($"label {s}");
        }
        string fault = faults[random.Next(faults.Count)];
        int batch = fixedBatch ?? random.Next(minimumBatch, Max + 1);
        Type expected;
        var fragments = new List<string>();
        string description;
        int faultSlot = fault.Contains(' ') && char.IsDigit(fault[^1]) ? int.Parse(fault[(fault.LastIndexOf(' ') + 1)..]) : -1;
        int[] lengths = slots.Select(s => batch * s.Width).ToArray();

        switch (fault.Split(' ')[0])
        {
            case "batch" when fault == "batch of 1":
                batch = 1;
                lengths = slots.Select(s => s.Width).ToArray();
                expected = typeof(ArgumentOutOfRangeException);
                fragments.AddRange(["batch statistics", "at least 2 samples", "got 1"]);
                description = "a training batch of 1 under BatchNorm";
                break;
            case "batch":
                batch = random.Next(4) switch { 0 => 0, 1 => -1 - random.Next(3), _ => Max + 1 };
                lengths = slots.Select(s => Math.Max(batch, 0) * s.Width).ToArray();
                expected = typeof(ArgumentOutOfRangeException);
                fragments.Add($"got {batch}");
                // Batch 0 breaks the training minimum too; either rule may report it.
                if (!(minimumBatch == 2 && batch == 0)) fragments.AddRange(["batchSize", $"between 1 and {Max}"]);
                description = $"batchSize {batch} outside 1..{Max}";
                break;
            case "length":
                int wrong = WrongLength(batch * slots[faultSlot].Width, (Max + 1) * slots[faultSlot].Width + 3, allowZero: slots[faultSlot].Name != "inputGradients");
                lengths[faultSlot] = wrong;
                expected = typeof(ArgumentException);
                fragments.AddRange([slots[faultSlot].Name, $"= {batch * slots[faultSlot].Width} values", $"got {wrong}"]);
                description = $"{slots[faultSlot].Name} of {wrong} values for batchSize {batch} × {slots[faultSlot].Width}";
                break;
            default:
                expected = fault.StartsWith("label", StringComparison.Ordinal) ? typeof(ArgumentOutOfRangeException) : typeof(ArgumentException);
                description = "";
                break;
        }

        Args args = Build(slots, batch, lengths);
        float[][] floats = args.Floats;
        int[] labels = args.Labels;
        if (fault.StartsWith("non-finite", StringComparison.Ordinal))
        {
            float[] values = floats[faultSlot];
            int index = random.Next(values.Length);
            float bad = NonFinite[random.Next(NonFinite.Length)];
            values[index] = bad;
            fragments.AddRange([$"{slots[faultSlot].Name} must be finite", $"{slots[faultSlot].Name}[{index}] is {bad}"]);
            description = $"{slots[faultSlot].Name}[{index}] = {bad}, batchSize {batch}";
        }
        else if (fault.StartsWith("label", StringComparison.Ordinal))
        {
            int index = random.Next(labels.Length);
            int bad = random.Next(4) switch { 0 => -1, 1 => int.MinValue + random.Next(10), 2 => Out, _ => Out + 1 + random.Next(1000) };
            labels[index] = bad;
            fragments.AddRange([$"labels[{index}]", $"[0, {Out})", $"got {bad}"]);
            description = $"labels[{index}] = {bad}, batchSize {batch}";
        }

        return new FuzzCase
        {
            Kind = kind,
            Description = description + extra,
            Call = side => call(side, args),
            Expected = expected,
            Fragments = [.. fragments],
            Pending = pending,
            PendingBatch = pendingBatch,
        };
    }

    /// <summary>Valid arrays for <paramref name="slots"/> of the given lengths.</summary>
    private Args Build(Slot[] slots, int batch, int[]? lengths = null)
    {
        lengths ??= slots.Select(s => batch * s.Width).ToArray();
        var floats = new float[slots.Length][];
        int[] labels = [];
        for (int s = 0; s < slots.Length; s++)
        {
            if (slots[s].Kind == SlotKind.Labels)
            {
                labels = Enumerable.Range(0, lengths[s]).Select(_ => random.Next(Out)).ToArray();
                floats[s] = [];
            }
            else
            {
                floats[s] = Values(slots[s], lengths[s]);
            }
        }
        return new Args(batch, floats, labels);
    }

    /// <summary>A length other than <paramref name="right"/>, near it or anywhere up to <paramref name="limit"/>.</summary>
    private int WrongLength(int right, int limit, bool allowZero = true)
    {
        int wrong;
        do
        {
            wrong = random.Next(3) switch { 0 => right + 1, 1 => right - 1, _ => random.Next(limit + 1) };
        }
        while (wrong == right || wrong < 0 || (!allowZero && wrong == 0));
        return wrong;
    }

    private float[] Values(Slot slot, int length) => slot.Kind switch
    {
        SlotKind.Inputs when length % In == 0 => SampleNetworks.Features(random, length / In, In),
        _ when slot.Name == "targets" && net.Network.Architecture.Loss == Loss.BinaryCrossEntropy => Enumerable.Range(0, length).Select(_ => (float)random.Next(2)).ToArray(),
        _ => Enumerable.Range(0, length).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray(),
    };

    private Slot Targets => IsClassifier ? new("labels", 1, SlotKind.Labels) : new("targets", Out, SlotKind.Finite);

    private Slot InputsSlot => new("inputs", In, SlotKind.Inputs);

    private Slot OutputsSlot => new("outputs", Out, SlotKind.Free);

    private Slot InputSlot => new("input", In, SlotKind.Inputs);

    private Slot OutputSlot => new("output", Out, SlotKind.Free);

    // ---- entry points over spans ----

    private FuzzCase PredictSingle()
    {
        // The single-sample overload checks its spans as a batch of 1, under their own names, input and output.
        return Spans("Predict (single)", [InputSlot, OutputSlot], (side, a) => side.Predict(a[0], a[1]), fixedBatch: 1);
    }

    private FuzzCase ClassifySingle() =>
        Spans("Classify", [InputSlot], (side, a) => side.Classify!(a[0]), fixedBatch: 1);

    private FuzzCase PredictBatch() =>
        Spans("Predict (batched)", [InputsSlot, OutputsSlot], (side, a) => side.Network.Predict(a[0], a[1], a.Batch));

    private FuzzCase Forward(ForwardMode mode) =>
        Spans($"Forward ({mode})", [InputsSlot, OutputsSlot], (side, a) => side.Network.Forward(a[0], a[1], a.Batch, mode),
            minimumBatch: mode == ForwardMode.Training ? TrainingMinimum : 1);

    private FuzzCase ForwardUndefinedMode()
    {
        int batch = random.Next(1, Max + 1);
        var mode = (ForwardMode)(random.Next(2) == 0 ? -1 - random.Next(5) : 3 + random.Next(100));
        float[] inputs = SampleNetworks.Features(random, batch, In), outputs = new float[batch * Out];
        return new FuzzCase
        {
            Kind = "Forward (undefined mode)",
            Description = $"mode {(int)mode}, batchSize {batch}",
            Call = side => side.Network.Forward(inputs, outputs, batch, mode),
            Expected = typeof(ArgumentOutOfRangeException),
            Fragments = ["mode", $"got {(int)mode}"],
        };
    }

    private FuzzCase Backward(bool withInputGradients)
    {
        string kind = withInputGradients ? "Backward" : "Backward (output gradients only)";
        int pending = random.Next(TrainingMinimum, Max + 1);
        Action<FuzzedNetwork, Args> call = withInputGradients
            ? (side, a) => side.Network.Backward(a[0], a[1], a.Batch)
            : (side, a) => side.Backward(a[0], a.Batch);
        Slot[] slots = withInputGradients
            ? [new("outputGradients", Out, SlotKind.Finite), new("inputGradients", In, SlotKind.Free)]
            : [new("outputGradients", Out, SlotKind.Finite)];
        switch (random.Next(5))
        {
            case 0:
                // No training Forward pending: Predict came last.
                int batch = random.Next(0, Max + 2);
                float[] gradients = new float[Math.Max(batch, 0) * Out];
                return new FuzzCase
                {
                    Kind = kind,
                    Description = $"no training-mode Forward pending, batchSize {batch}",
                    Call = side => side.Network.Backward(gradients, default, batch),
                    Expected = typeof(InvalidOperationException),
                    Fragments = ["Backward needs", "ForwardMode.Training"],
                    Pending = Pending.None,
                };
            case 1:
                // Another batch size than the pending Forward's.
                int other;
                do other = random.Next(0, Max + 2); while (other == pending);
                float[] g = Enumerable.Range(0, other * Out).Select(_ => (float)random.NextDouble()).ToArray();
                return new FuzzCase
                {
                    Kind = kind,
                    Description = $"batchSize {other} after a training Forward of {pending}",
                    Call = side => side.Network.Backward(g, withInputGradients ? new float[other * In] : default, other),
                    Expected = typeof(ArgumentException),
                    Fragments = [$"last training-mode Forward, {pending}", $"got {other}"],
                    Pending = Pending.Required,
                    PendingBatch = pending,
                };
            default:
                return Spans(kind, slots, call, fixedBatch: pending, pending: Pending.Required, pendingBatch: pending, extra: $" after a training Forward of {pending}");
        }
    }

    private FuzzCase ComputeLoss()
    {
        Slot[] slots = [OutputsSlot, Targets, new("outputGradients", Out, SlotKind.Free)];
        return IsClassifier
            ? Spans("ComputeLoss", slots, (side, a) => ((IClassifier)side.Network).ComputeLoss(a[0], a.Labels, a.Batch, a[2]))
            : Spans("ComputeLoss", slots, (side, a) => ((IRegressor)side.Network).ComputeLoss(a[0], a[1], a.Batch, a[2]));
    }

    private void Train(FuzzedNetwork side, Args a, Optimizer? optimizer)
    {
        if (side.Network is IClassifier classifier) classifier.TrainStep(a[0], a.Labels, a.Batch, optimizer!);
        else ((IRegressor)side.Network).TrainStep(a[0], a[1], a.Batch, optimizer!);
    }

    private FuzzCase TrainStep()
    {
        Slot[] slots = [InputsSlot, Targets];
        int batch = random.Next(TrainingMinimum, Max + 1);
        switch (random.Next(8))
        {
            case 0:
            {
                Args a = Build(slots, batch);
                return new FuzzCase
                {
                    Kind = "TrainStep",
                    Description = $"optimizer null, batchSize {batch}",
                    Call = side => Train(side, a, null),
                    Expected = typeof(ArgumentNullException),
                    Fragments = ["optimizer"],
                    NamesNetwork = false,
                };
            }
            case 1:
            {
                Args a = Build(slots, batch);
                Optimizer foreign = Foreign();
                return new FuzzCase
                {
                    Kind = "TrainStep",
                    Description = $"an optimizer bound to {foreign.BoundLength} parameters, batchSize {batch}",
                    Call = side => Train(side, a, foreign),
                    Expected = typeof(ArgumentException),
                    Fragments = ForeignFragments(foreign),
                    NamesNetwork = false,
                };
            }
            default:
                return Spans("TrainStep", slots, (side, a) => Train(side, a, side.Optimizer), minimumBatch: TrainingMinimum);
        }
    }

    /// <summary>An Adam already bound to a network with one parameter more than this one.</summary>
    private Optimizer Foreign()
    {
        int count = net.Network.Parameters.Length + 1;
        var optimizer = new Adam(1e-3);
        optimizer.Step(new float[count], new float[count]);
        return optimizer;
    }

    private string[] ForeignFragments(Optimizer foreign) =>
        ["one optimizer per network", $"{foreign.BoundLength} parameters", $"one of {net.Network.Parameters.Length}"];

    private FuzzCase TrainStepOverflow()
    {
        // Huge but finite inputs: the loss may overflow (ArithmeticException, nothing changed) or, where scaling or
        // normalization tames them, the step may succeed.
        Slot[] slots = [InputsSlot, Targets];
        int batch = random.Next(TrainingMinimum, Max + 1);
        Args a = Build(slots, batch);
        float magnitude = random.Next(2) == 0 ? float.MaxValue : 1e30f;
        for (int i = 0; i < a[0].Length; i++) a[0][i] = random.Next(2) == 0 ? magnitude : -magnitude;
        return new FuzzCase
        {
            Kind = "TrainStep (overflowing inputs)",
            Description = $"inputs of ±{magnitude}, batchSize {batch}",
            Call = side => Train(side, a, side.Optimizer),
            // The network refuses non-finite gradients; the optimizer refuses an update that would overflow its state or the weights.
            Fragments = ["unchanged"],
            AnyOf = ["the step was not applied", "update was refused"],
            RanTrainingPass = true,
        };
    }
}
