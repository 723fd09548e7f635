using System;
using System.Globalization;

namespace NormReg;

/// <summary>
/// Checks a whole network state (the layout <see cref="INetwork.CopyState"/> writes: parameters, then statistics) before
/// it goes into a network, so that no path that puts values into a network can leave one that answers NaN later.
/// Model files (<see cref="ModelFile.Load(INetwork, string, Optimizer?)"/>) and <c>RestoreState</c> check through it.
/// </summary>
/// <remarks>
/// <para>What a valid state holds:</para>
/// <list type="bullet">
/// <item>every parameter (weights, biases, γ, β) finite;</item>
/// <item><c>[ZScore]</c>: every mean finite and every standard deviation finite and positive — or the whole block NaN,
/// which is an input scaling not fitted yet;</item>
/// <item><c>[MinMax]</c>: every minimum and maximum finite with <c>min ≤ max</c> and <c>max − min</c> finite in float — or the
/// whole block NaN (not fitted yet);</item>
/// <item>BatchNorm running statistics: every mean finite and every variance finite and ≥ 0.</item>
/// </list>
/// </remarks>
public static class StateValidator
{
    /// <summary>
    /// Throws unless <paramref name="state"/> is a valid whole state of <paramref name="architecture"/>; nothing is changed
    /// either way.
    /// </summary>
    /// <param name="architecture">The network's declaration as data.</param>
    /// <param name="state"><see cref="NetworkArchitecture.StateLength"/> values: parameters, then statistics.</param>
    /// <param name="source">Where the state comes from, for the message, e.g. <c>"RestoreState(source)"</c>.</param>
    /// <exception cref="ArgumentException">
    /// The length is wrong, or a value is out of its domain; the message names the value, the layer and the place in
    /// <paramref name="state"/>. The exception's parameter name is <c>source</c>, the name <c>RestoreState</c> gives its argument.
    /// </exception>
    public static void Validate(NetworkArchitecture architecture, ReadOnlySpan<float> state, string source)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        if (FindProblem(architecture, state) is { } problem)
        {
            throw new ArgumentException($"{architecture.Name}: {source} {problem}; nothing was changed.", nameof(source));
        }
    }

    /// <summary>
    /// The first thing wrong with <paramref name="state"/> as a whole state of <paramref name="architecture"/>, worded to
    /// follow the name of its origin ("holds … at …"), or <see langword="null"/> when it is valid.
    /// </summary>
    public static string? FindProblem(NetworkArchitecture architecture, ReadOnlySpan<float> state)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        if (state.Length != architecture.StateLength)
        {
            return $"holds {state.Length} values, but the state of {architecture.Name} has {architecture.StateLength} ({architecture.ParameterCount} parameters, then {architecture.StatisticsCount} statistics)";
        }
        ReadOnlySpan<float> parameters = state[..architecture.ParameterCount];
        if (!Kernels.Guard.AllFinite(parameters))
        {
            int index = 0;
            while (float.IsFinite(parameters[index])) index++;
            return $"holds {Show(parameters[index])} at {DescribeParameter(architecture, index)}, state offset {index}; every parameter must be finite";
        }
        ReadOnlySpan<float> statistics = state[architecture.ParameterCount..];
        return InputScalingProblem(architecture, statistics) ?? RunningStatisticsProblem(architecture, statistics, architecture.ParameterCount);
    }

    /// <summary>
    /// Names parameter <paramref name="index"/> of <paramref name="architecture"/> by its layer and place, e.g.
    /// <c>Dense2.Weights[1, 3]</c> (output 1, input 3), <c>Dense2.Bias[0]</c>, <c>BatchNorm1.Gamma[2]</c>.
    /// </summary>
    public static string DescribeParameter(NetworkArchitecture architecture, int index)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        foreach (LayerDescription layer in architecture.Layers)
        {
            if (layer.Type is LayerType.Dense or LayerType.Conv2D)
            {
                if (layer.WeightOffset >= 0 && index >= layer.WeightOffset && index < layer.WeightOffset + layer.WeightCount)
                {
                    int k = index - layer.WeightOffset;
                    return Invariant($"{layer.Name}.Weights[{k / layer.FanIn}, {k % layer.FanIn}]");
                }
                if (layer.BiasOffset >= 0 && index >= layer.BiasOffset && index < layer.BiasOffset + layer.Units)
                {
                    return Invariant($"{layer.Name}.Bias[{index - layer.BiasOffset}]");
                }
            }
            else if (layer.Type is LayerType.BatchNorm or LayerType.LayerNorm)
            {
                if (layer.WeightOffset >= 0 && index >= layer.WeightOffset && index < layer.WeightOffset + layer.Units)
                {
                    return Invariant($"{layer.Name}.Gamma[{index - layer.WeightOffset}]");
                }
                if (layer.BiasOffset >= 0 && index >= layer.BiasOffset && index < layer.BiasOffset + layer.Units)
                {
                    return Invariant($"{layer.Name}.Beta[{index - layer.BiasOffset}]");
                }
            }
        }
        return Invariant($"parameter {index}");
    }

    private static string? InputScalingProblem(NetworkArchitecture architecture, ReadOnlySpan<float> statistics)
    {
        if (architecture.Scaling is not { } kind) return null;
        int features = architecture.ScaledFeatures, offset = architecture.ParameterCount;
        string feature = architecture.IsImage ? "channel" : "feature";
        ReadOnlySpan<float> first = statistics[..features], second = statistics.Slice(features, features);
        if (AllNaN(statistics[..(2 * features)])) return null; // not fitted yet: Predict says so
        string row = kind == InputScalingKind.ZScore ? "[ZScore]" : "[MinMax]";
        string firstName = kind == InputScalingKind.ZScore ? "mean" : "minimum", secondName = kind == InputScalingKind.ZScore ? "standard deviation" : "maximum";
        for (int j = 0; j < features; j++)
        {
            float a = first[j], b = second[j];
            if (!float.IsFinite(a))
            {
                return Invariant($"holds {Show(a)} as the input {firstName} of {feature} {j} ({row}, state offset {offset + j}); fitted statistics must be finite");
            }
            if (!float.IsFinite(b))
            {
                return Invariant($"holds {Show(b)} as the input {secondName} of {feature} {j} ({row}, state offset {offset + features + j}); fitted statistics must be finite");
            }
            if (kind == InputScalingKind.ZScore && !(b > 0))
            {
                return Invariant($"holds {Show(b)} as the input standard deviation of {feature} {j} ({row}, state offset {offset + features + j}); it must be positive (a constant feature is fitted with 1)");
            }
            if (kind == InputScalingKind.MinMax && !(a <= b))
            {
                return Invariant($"holds minimum {Show(a)} above maximum {Show(b)} for input {feature} {j} ({row}, state offsets {offset + j} and {offset + features + j})");
            }
            if (kind == InputScalingKind.MinMax && !float.IsFinite(b - a))
            {
                return Invariant($"holds the range [{Show(a)}, {Show(b)}] for input {feature} {j} ({row}, state offsets {offset + j} and {offset + features + j}); its width overflows float, so every scaled value would be wrong");
            }
        }
        return null;
    }

    private static string? RunningStatisticsProblem(NetworkArchitecture architecture, ReadOnlySpan<float> statistics, int statisticsStart)
    {
        foreach (LayerDescription layer in architecture.Layers)
        {
            if (layer.Type != LayerType.BatchNorm || layer.StatisticsOffset < 0) continue;
            int features = layer.Units;
            ReadOnlySpan<float> mean = statistics.Slice(layer.StatisticsOffset, features), variance = statistics.Slice(layer.StatisticsOffset + features, features);
            for (int j = 0; j < features; j++)
            {
                if (!float.IsFinite(mean[j]))
                {
                    return Invariant($"holds {Show(mean[j])} at {layer.Name}.RunningMean[{j}], state offset {statisticsStart + layer.StatisticsOffset + j}; running means must be finite");
                }
                if (!float.IsFinite(variance[j]) || variance[j] < 0)
                {
                    return Invariant($"holds {Show(variance[j])} at {layer.Name}.RunningVariance[{j}], state offset {statisticsStart + layer.StatisticsOffset + features + j}; running variances must be finite and not negative");
                }
            }
        }
        return null;
    }

    private static bool AllNaN(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsNaN(v)) return false;
        }
        return true;
    }

    /// <summary>A value as the messages show it: round-trip digits, invariant culture.</summary>
    internal static string Show(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
