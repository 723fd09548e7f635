using System;

namespace NormReg.Tests.Fuzzing;

/// <summary>Whether a case needs a training-mode Forward pending when its call is made.</summary>
internal enum Pending
{
    /// <summary>Either, drawn at random.</summary>
    Any,

    /// <summary>A training Forward of a valid batch came just before.</summary>
    Required,

    /// <summary>None: a Predict came just before.</summary>
    None,
}

/// <summary>One bad call on one network and what it must throw.</summary>
internal sealed class FuzzCase
{
    /// <summary>The entry point, e.g. <c>TrainStep</c>, for the counts.</summary>
    public required string Kind { get; init; }

    /// <summary>The fault and the arguments, for a failure message.</summary>
    public required string Description { get; init; }

    /// <summary>The call; made on the network that sees bad calls, and on its twin when it is valid after all.</summary>
    public required Action<FuzzedNetwork> Call { get; init; }

    /// <summary>The exact exception type the call must throw; <see langword="null"/> when it may also succeed (see <see cref="MustFail"/>).</summary>
    public Type? Expected { get; init; }

    /// <summary>Text the message must contain: what was expected and what came.</summary>
    public string[] Fragments { get; init; } = [];

    /// <summary>Texts of which the message must contain at least one (e.g. the network's refusal or the optimizer's).</summary>
    public string[] AnyOf { get; init; } = [];

    /// <summary>Whether the message must name the network.</summary>
    public bool NamesNetwork { get; init; } = true;

    /// <summary>The <see cref="ModelFileException.Reason"/> a load must report.</summary>
    public ModelFileReason[]? Reasons { get; init; }

    public Pending Pending { get; init; }

    /// <summary>The batch of the pending training Forward when <see cref="Pending"/> is <see cref="Pending.Required"/>; 0 to draw one.</summary>
    public int PendingBatch { get; init; }

    /// <summary>Valid calls made on both networks before the snapshot (e.g. a Backward whose gradients overflow).</summary>
    public Action<FuzzedNetwork>? Prepare { get; init; }

    /// <summary>
    /// For a call that may succeed (<see cref="Expected"/> null): decides, after <see cref="Prepare"/>, whether it must
    /// throw <see cref="ArithmeticException"/>. Without it the call may do either.
    /// </summary>
    public Func<FuzzedNetwork, bool>? MustFail { get; init; }

    /// <summary>Whether an <see cref="ArithmeticException"/> from the call comes after a training pass, which spends a pending Forward's activations (TrainStep).</summary>
    public bool RanTrainingPass { get; init; }

    /// <summary>Valid calls that complete the case after the rejected call: on the fuzzed network, and on the twin instead.</summary>
    public Action<FuzzedNetwork>? ThenFuzzed { get; init; }

    public Action<FuzzedNetwork>? ThenTwin { get; init; }
}
