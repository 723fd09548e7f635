using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NormReg.Runtime;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Model;

/// <summary>
/// The buffers the kernels stream (parameters, gradients, optimizer state) start on a 64-byte boundary, whatever the collector's
/// placement before them and after compacting collections.
/// </summary>
public sealed class AlignmentTests
{
    /// <summary>The address of the first value, modulo 64.</summary>
    private static long Line(ReadOnlySpan<float> values) =>
        (long)Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetReference(values)) % 64;

    [Fact]
    public void Buffers_start_on_a_cache_line_at_every_length_and_stay_there_through_compacting_collections()
    {
        var buffers = new List<AlignedFloats>();
        var garbage = new List<object>();
        int onLines = 0, arrays = 0;
        foreach (int length in new[] { 1, 2, 3, 5, 7, 15, 16, 17, 31, 100, 1_000, 21_845, 235_530 })
        {
            for (int shift = 0; shift < 8; shift++)
            {
                garbage.Add(new byte[1 + shift * 8]); // moves where the collector puts the next object
                garbage.Add(new float[length]);
                arrays++;
                onLines += Line((float[])garbage[^1]) == 0 ? 1 : 0;
                var buffer = new AlignedFloats(length);
                Assert.Equal(length, buffer.Length);
                Assert.Equal(length, buffer.AsSpan().Length);
                Assert.Equal(0, Line(buffer));
                Assert.True(buffer.AsSpan().IndexOfAnyExcept(0f) < 0, "a new buffer holds zeros");
                buffer.AsSpan().Fill(length);
                buffers.Add(buffer);
            }
        }
        Assert.True(onLines < arrays, "the ordinary arrays beside them landed on cache lines every time: the test shows nothing");
        garbage.Clear();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        foreach (AlignedFloats buffer in buffers)
        {
            Assert.Equal(0, Line(buffer));
            Assert.True(buffer.AsSpan().IndexOfAnyExcept((float)buffer.Length) < 0, "values survive the collections");
        }
        Assert.Equal(0, new AlignedFloats(0).AsSpan().Length);
        Assert.Equal(0, default(AlignedFloats).AsSpan().Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedFloats(-1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_network_parameters_gradients_and_optimizer_state_start_on_a_cache_line(int rule)
    {
        var random = new Random(3);
        for (int trial = 0; trial < 8; trial++)
        {
            _ = new byte[1 + random.Next(64)];
            var net = new FusedRegressor(maxBatchSize: 4, seed: trial);
            Optimizer optimizer = rule == 0 ? new Sgd(0.01, momentum: 0.9) : new Adam(1e-3);
            float[] inputs = new float[4 * FusedRegressor.InputSize], targets = new float[4 * FusedRegressor.OutputSize];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
            net.TrainStep(inputs, targets, 4, optimizer);
            var core = (NetworkCore)typeof(FusedRegressor).GetField("_core", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(net)!;
            Assert.Equal(0, Line(net.Parameters));
            Assert.Equal(0, Line(core.Gradients));
            Assert.True(optimizer.StateBufferCount > 0);
            for (int b = 0; b < optimizer.StateBufferCount; b++) Assert.Equal(0, Line(optimizer.StateBuffer(b)));
            net.TrainStep(inputs, targets, 4, optimizer); // the rules swap their state buffers each step
            for (int b = 0; b < optimizer.StateBufferCount; b++) Assert.Equal(0, Line(optimizer.StateBuffer(b)));
        }
    }
}
