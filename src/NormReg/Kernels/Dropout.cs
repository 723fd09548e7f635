using System.ComponentModel;
using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace NormReg.Kernels;

/// <summary>Inverted dropout and additive Gaussian noise, drawn from a <see cref="SeededRandom"/>.</summary>
/// <remarks>For generated code and the runtime; hidden from completion lists. Users call the generated network's members.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dropout
{
    /// <summary>
    /// Keeps each value with probability <c>1 − rate</c> and scales it by <c>1/(1 − rate)</c>; <paramref name="mask"/>
    /// receives the factor applied to each value (0 or the scale), for the backward pass. Takes the call's key from
    /// <paramref name="random"/> (<see cref="Key"/>), then as the overload with a key from value 0.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, ref SeededRandom random) =>
        Forward(x, y, mask, rate, Key(ref random), 0);

    /// <summary>The key of one dropout call: two draws from <paramref name="random"/>, the first in the low half.</summary>
    public static ulong Key(ref SeededRandom random)
    {
        uint key0 = random.NextUInt32();
        return key0 | (ulong)random.NextUInt32() << 32;
    }

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, Span{float}, Span{float}, float, ref SeededRandom)"/> under a drawn <paramref name="key"/>,
    /// on values <paramref name="first"/> onwards of the call: the part of a batch split by samples that starts at that value.
    /// </summary>
    /// <remarks>
    /// Counter-based: value <c>i</c> of the call is dropped when <see cref="Draw(uint, uint, uint)"/>(i, key) is below <c>⌊rate·2³²⌋</c>.
    /// So each value's fate depends on its index alone, never on the order the values are visited: every vector width (and the
    /// scalar tail) and every split of the batch give the same mask, a vector of hashes at a time instead of a generator's serial
    /// chain (a 128 × 256 batch: 97 → 18 µs).
    /// </remarks>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, ulong key, int first)
    {
        Lengths.AtLeast(x.Length, y.Length, nameof(x));
        Lengths.AtLeast(mask.Length, y.Length, nameof(mask));
        uint threshold = (uint)(rate * 4294967296.0);
        float scale = 1f / (1f - rate);
        uint key0 = (uint)key + (uint)first, key1 = (uint)(key >> 32); // value i of this part is value first + i of the call
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<uint> lanes = Lanes;
            var limit = new Vector<uint>(threshold);
            var kept = new Vector<float>(scale);
            for (; i + Vector<uint>.Count <= y.Length; i += Vector<uint>.Count)
            {
                Vector<uint> h = Draw(lanes + new Vector<uint>((uint)i), key0, key1);
                Vector<float> m = Vector.ConditionalSelect(Vector.AsVectorSingle(Vector.GreaterThanOrEqual(h, limit)), kept, Vector<float>.Zero);
                m.CopyTo(mask.Slice(i));
                (new Vector<float>(x.Slice(i)) * m).CopyTo(y.Slice(i));
            }
        }
        for (; i < y.Length; i++)
        {
            float m = Draw((uint)i, key0, key1) >= threshold ? scale : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    /// <summary>0, 1, 2, … in the lanes of a vector.</summary>
    private static readonly Vector<uint> Lanes = CreateLanes();

    private static Vector<uint> CreateLanes()
    {
        Span<uint> lanes = stackalloc uint[Vector<uint>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = (uint)i;
        return new Vector<uint>(lanes);
    }

    /// <summary>
    /// The 32-bit draw of value <paramref name="index"/> under the key (<paramref name="key0"/>, <paramref name="key1"/>): the index
    /// offset by the first key, mixed, the second key mixed in. The mixer is Chris Wellons' "lowbias32" integer hash, a bijection
    /// whose output bits each flip with probability within 0.2 % of one half when any input bit flips.
    /// </summary>
    private static uint Draw(uint index, uint key0, uint key1) => Mix(Mix(index + key0) ^ key1);

    private static Vector<uint> Draw(Vector<uint> index, uint key0, uint key1) => Mix(Mix(index + new Vector<uint>(key0)) ^ new Vector<uint>(key1));

    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x7FEB352D;
        h ^= h >> 15;
        h *= 0x846CA68B;
        return h ^ (h >> 16);
    }

    private static Vector<uint> Mix(Vector<uint> h)
    {
        h ^= Vector.ShiftRightLogical(h, 16);
        h *= new Vector<uint>(0x7FEB352D);
        h ^= Vector.ShiftRightLogical(h, 15);
        h *= new Vector<uint>(0x846CA68B);
        return h ^ Vector.ShiftRightLogical(h, 16);
    }

    /// <summary>Routes the gradient through the same mask: <c>dx = dy ⊙ mask</c>.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx) => TensorPrimitives.Multiply(dy, mask, dx);

    /// <summary>
    /// Spatial dropout, PyTorch's <c>nn.Dropout2d(p)</c> and Keras' <c>SpatialDropout2D(rate)</c>: each of the <paramref name="n"/>·<paramref name="channels"/>
    /// feature maps of <paramref name="spatial"/> values is kept whole with probability <c>1 − rate</c> and scaled by <c>1/(1 − rate)</c>, or
    /// zeroed whole. <paramref name="mask"/> [n·C] receives each map's factor (0 or the scale), for <see cref="SpatialBackward"/>.
    /// </summary>
    public static void SpatialForward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, ref SeededRandom random, int n, int channels, int spatial)
    {
        int maps = n * channels;
        Lengths.AtLeast(x.Length, maps * spatial, nameof(x));
        Lengths.AtLeast(y.Length, maps * spatial, nameof(y));
        Lengths.AtLeast(mask.Length, maps, nameof(mask));
        uint threshold = (uint)(rate * 4294967296.0);
        float scale = 1f / (1f - rate);
        for (int p = 0; p < maps; p++)
        {
            float m = random.NextUInt32() >= threshold ? scale : 0f;
            mask[p] = m;
            TensorPrimitives.Multiply(x.Slice(p * spatial, spatial), m, y.Slice(p * spatial, spatial));
        }
    }

    /// <summary>Routes the gradient through the same maps: <c>dx[s, c, ·] = dy[s, c, ·]·mask[s·C + c]</c>.</summary>
    public static void SpatialBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx, int n, int channels, int spatial)
    {
        int maps = n * channels;
        Lengths.AtLeast(dy.Length, maps * spatial, nameof(dy));
        Lengths.AtLeast(dx.Length, maps * spatial, nameof(dx));
        Lengths.AtLeast(mask.Length, maps, nameof(mask));
        for (int p = 0; p < maps; p++) TensorPrimitives.Multiply(dy.Slice(p * spatial, spatial), mask[p], dx.Slice(p * spatial, spatial));
    }

    /// <summary><c>y = x + σ·z</c> with <c>z</c> standard normal (Box–Muller). Its gradient is the identity.</summary>
    public static void GaussianNoise(ReadOnlySpan<float> x, Span<float> y, float standardDeviation, ref SeededRandom random)
    {
        for (int i = 0; i < y.Length; i += 2)
        {
            float radius = standardDeviation * MathF.Sqrt(-2f * MathF.Log(1f - random.NextSingle()));
            (float sin, float cos) = MathF.SinCos(2f * MathF.PI * random.NextSingle());
            y[i] = x[i] + radius * cos;
            if (i + 1 < y.Length) y[i + 1] = x[i + 1] + radius * sin;
        }
    }
}
