using System;
using System.Linq;
using MathNet.Numerics.Statistics;
using NormReg.Tests.Networks;

namespace NormReg.Tests.Regularization;

/// <summary>Dropout and Gaussian noise: their statistics, their gradients, inference as the identity, and reproducibility.</summary>
public sealed class DropoutAndNoiseTests
{
    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.3f)]
    [InlineData(0.5f)]
    public void Dropout_keeps_one_minus_p_within_half_a_percent_over_100000_draws(float rate)
    {
        var x = new float[100_000];
        x.AsSpan().Fill(1f);
        var y = new float[x.Length];
        var mask = new float[x.Length];
        var random = new SeededRandom(7);

        Kernels.Dropout.Forward(x, y, mask, rate, ref random);

        double kept = y.Count(v => v != 0) / (double)y.Length;
        Assert.InRange(kept, 1 - rate - 0.005, 1 - rate + 0.005);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1f / (1f - rate), v));
        Assert.Equal(y, mask);
    }

    [Fact]
    public void Dropout_drops_neighbouring_values_and_successive_masks_independently()
    {
        // p = 0.5 over 100,000 values: each pair is kept together with probability 0.25, with a standard deviation of 0.0014;
        // a counter hash with poor mixing keeps runs of neighbours (or the same positions call after call) together.
        var x = new float[100_000];
        x.AsSpan().Fill(1f);
        float[] first = new float[x.Length], second = new float[x.Length], mask = new float[x.Length];
        var random = new SeededRandom(11);
        Kernels.Dropout.Forward(x, first, mask, 0.5f, ref random);
        Kernels.Dropout.Forward(x, second, mask, 0.5f, ref random);

        foreach (int lag in new[] { 1, 2, 8, 16, 64 })
        {
            double together = Enumerable.Range(0, x.Length - lag).Count(i => first[i] != 0 && first[i + lag] != 0) / (double)(x.Length - lag);
            Assert.InRange(together, 0.25 - 0.007, 0.25 + 0.007);
        }
        double again = Enumerable.Range(0, x.Length).Count(i => first[i] != 0 && second[i] != 0) / (double)x.Length;
        Assert.InRange(again, 0.25 - 0.007, 0.25 + 0.007);
    }

    [Fact]
    public void Dropout_gives_each_value_the_documented_draw_of_its_index_on_the_vector_path_and_the_scalar_tail()
    {
        const float rate = 0.3f;
        var x = new float[1003]; // not a multiple of any vector width: the last values take the scalar tail
        for (int i = 0; i < x.Length; i++) x[i] = 1 + i % 7;
        float[] y = new float[x.Length], mask = new float[x.Length];
        var random = new SeededRandom(5);
        SeededRandom keys = random;
        uint key0 = keys.NextUInt32(), key1 = keys.NextUInt32();

        Kernels.Dropout.Forward(x, y, mask, rate, ref random);

        // The documented draw, written out here: lowbias32 of the index plus the first key, the second key xored in, lowbias32 again.
        static uint LowBias32(uint h)
        {
            h = (h ^ (h >> 16)) * 0x7FEB352Du;
            h = (h ^ (h >> 15)) * 0x846CA68Bu;
            return h ^ (h >> 16);
        }
        uint threshold = (uint)(rate * 4294967296.0);
        for (int i = 0; i < x.Length; i++)
        {
            float expected = LowBias32(LowBias32((uint)i + key0) ^ key1) >= threshold ? 1f / (1f - rate) : 0f;
            Assert.True(mask[i] == expected, $"mask[{i}] is {mask[i]}, expected {expected}");
            Assert.Equal(x[i] * expected, y[i]);
        }
        Assert.Equal(keys.NextUInt32(), random.NextUInt32()); // the call took exactly its two draws of key
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(500)]
    public void A_call_in_parts_from_their_first_values_gives_the_mask_of_one_call(int cut)
    {
        // A batch split by samples: each part starts at its first value's index under the call's key, and the parts together must
        // drop exactly the values one call drops, wherever the cut falls (on a vector boundary or not).
        var x = new float[1003];
        for (int i = 0; i < x.Length; i++) x[i] = 1 + i % 7;
        float[] whole = new float[x.Length], wholeMask = new float[x.Length], parts = new float[x.Length], partsMask = new float[x.Length];
        var random = new SeededRandom(9);
        SeededRandom again = random;
        Kernels.Dropout.Forward(x, whole, wholeMask, 0.4f, ref random);

        ulong key = Kernels.Dropout.Key(ref again);
        Kernels.Dropout.Forward(x.AsSpan(cut), parts.AsSpan(cut), partsMask.AsSpan(cut), 0.4f, key, cut);
        Kernels.Dropout.Forward(x.AsSpan(0, cut), parts.AsSpan(0, cut), partsMask.AsSpan(0, cut), 0.4f, key, 0);

        Assert.Equal(wholeMask, partsMask);
        Assert.Equal(whole, parts);
        Assert.Equal(random.NextUInt32(), again.NextUInt32()); // the key is the call's two draws
    }

    [Fact]
    public void Dropout_routes_the_gradient_through_the_mask_of_its_forward_pass()
    {
        const int batch = 64;
        var net = new DropoutProbe(batch, seed: 3);
        float[] x = Enumerable.Range(0, batch * 8).Select(i => 1f + i % 5).ToArray();
        var y = new float[x.Length];
        var dx = new float[x.Length];
        float[] dy = Enumerable.Range(0, x.Length).Select(i => 0.5f - i % 3).ToArray();

        net.Forward(x, y, batch, ForwardMode.Training);
        net.Backward(dy, dx, batch);

        for (int i = 0; i < x.Length; i++) Assert.Equal(dy[i] * (y[i] / x[i]), dx[i], 1e-6);
        Assert.Contains(y, v => v == 0);
    }

    [Fact]
    public void Gaussian_noise_has_mean_zero_and_standard_deviation_sigma_in_training_and_is_the_identity_at_inference()
    {
        const int batch = 12_500; // 100,000 draws
        var net = new NoiseProbe(batch, seed: 5);
        float[] x = Enumerable.Range(0, batch * 8).Select(i => (float)(i % 7)).ToArray();
        var y = new float[x.Length];
        var dx = new float[x.Length];

        net.Forward(x, y, batch, ForwardMode.Training);
        double[] noise = y.Select((v, i) => (double)v - x[i]).ToArray();
        net.Backward(Enumerable.Repeat(1f, x.Length).ToArray(), dx, batch);

        Assert.InRange(noise.Mean(), -0.01, 0.01);
        Assert.InRange(noise.StandardDeviation(), 0.5 * 0.99, 0.5 * 1.01);
        Assert.All(dx, v => Assert.Equal(1f, v));
        net.Predict(x, y, batch);
        Assert.Equal(x, y);
    }

    [Fact]
    public void Predict_is_deterministic_and_equals_the_same_weights_with_the_dropout_row_removed()
    {
        const int batch = 16;
        var random = new Random(4);
        float[] x = Enumerable.Range(0, batch * 6).Select(_ => (float)random.NextDouble()).ToArray();
        var net = new RegularizedClassifier(batch, seed: 8);
        net.FitNormalization(x);
        net.Fit(x, Enumerable.Range(0, batch).Select(i => i % 3).ToArray(), new Adam(0.01), new FitOptions { Epochs = 5, BatchSize = 8 });
        var twin = new RegularizedClassifierWithoutDropout(batch);
        var state = new float[net.StateLength];
        net.CopyState(state);
        twin.RestoreState(state);

        float[] first = Predict(net, x, batch), second = Predict(net, x, batch), without = Predict(twin, x, batch);

        Assert.Equal(first, second);
        Assert.Equal(first, without);
    }

    [Fact]
    public void One_seed_gives_bit_identical_weights_with_dropout_and_noise_on()
    {
        float[] a = TrainRegularized(networkSeed: 1, shuffleSeed: 2);
        float[] b = TrainRegularized(networkSeed: 1, shuffleSeed: 2);
        float[] c = TrainRegularized(networkSeed: 3, shuffleSeed: 2);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    private static float[] TrainRegularized(int networkSeed, int shuffleSeed)
    {
        var random = new Random(11);
        float[] x = Enumerable.Range(0, 96 * 6).Select(_ => (float)random.NextDouble()).ToArray();
        int[] y = Enumerable.Range(0, 96).Select(i => (int)(x[i * 6] * 3)).ToArray();
        var net = new RegularizedClassifier(16, networkSeed);
        net.FitNormalization(x);
        net.Fit(x, y, new Sgd(0.05, momentum: 0.9), new FitOptions { Epochs = 4, BatchSize = 16, Seed = shuffleSeed });
        var state = new float[net.StateLength];
        net.CopyState(state);
        return state;
    }

    private static float[] Predict(INetwork net, float[] x, int batch)
    {
        var outputs = new float[batch * net.OutputSize];
        net.Predict(x, outputs, batch);
        return outputs;
    }
}
