using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;

namespace NormReg.Tests.Fuzzing;

/// <summary>
/// Everything a rejected call must leave as it was, as bytes: the network's whole state (<c>CopyState</c>: parameters,
/// fitted input statistics, BatchNorm running statistics), its gradients, and the optimizer's step count, learning rate,
/// binding and per-parameter buffers (read through the internals model files use).
/// </summary>
internal sealed class StateSnapshot
{
    private readonly float[] _state;
    private readonly float[] _gradients;
    private readonly string _optimizer;
    private readonly float[][] _buffers;

    public StateSnapshot(FuzzedNetwork side)
    {
        INetwork net = side.Network;
        Optimizer opt = side.Optimizer;
        _state = new float[net.StateLength];
        net.CopyState(_state);
        _gradients = net.Gradients.ToArray();
        _optimizer = $"steps {opt.Steps}, learning rate {opt.LearningRate:R}, bound to {opt.BoundLength}, last norm {opt.LastGradientNorm:R}";
        _buffers = Enumerable.Range(0, opt.StateBufferCount).Select(i => opt.StateBuffer(i).ToArray()).ToArray();
    }

    /// <summary>What differs from <paramref name="other"/>, bit for bit; empty when nothing does.</summary>
    public List<string> Differences(StateSnapshot other, bool includeGradients = true)
    {
        var found = new List<string>();
        Compare("state", _state, other._state, found);
        if (includeGradients) Compare("gradients", _gradients, other._gradients, found);
        if (_optimizer != other._optimizer) found.Add($"optimizer: {_optimizer} became {other._optimizer}");
        for (int i = 0; i < _buffers.Length; i++) Compare($"optimizer buffer {i}", _buffers[i], other._buffers[i], found);
        return found;
    }

    private static void Compare(string what, float[] before, float[] after, List<string> found)
    {
        ReadOnlySpan<int> a = MemoryMarshal.Cast<float, int>(before), b = MemoryMarshal.Cast<float, int>(after);
        if (a.Length != b.Length)
        {
            found.Add($"{what}: {a.Length} values became {b.Length}");
            return;
        }
        int first = -1, count = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i]) continue;
            if (first < 0) first = i;
            count++;
        }
        if (count > 0) found.Add($"{what}: {count} of {a.Length} values changed, first [{first}] {before[first]:R} → {after[first]:R}");
    }
}
