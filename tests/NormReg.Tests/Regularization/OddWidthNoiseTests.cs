using System;
using System.Linq;
using NormReg;

namespace NormReg.Tests.Regularization
{
    /// <summary>
    /// <c>[GaussianNoise]</c> on a row of odd width, trained through <c>TrainStep</c>: the kernel draws its noise in
    /// Box–Muller pairs, and the odd last value of a row is the one a pair loop can skip. Every other noise network of the
    /// tests is even-width.
    /// </summary>
    public sealed class OddWidthNoiseTests
    {
        private const int Width = 7;
        private const float Sigma = 0.5f;

        [Fact]
        public void TrainStep_adds_noise_to_every_input_element_of_an_odd_width_row()
        {
            // Zero inputs and one linear unit y = w·x̃ + b: SGD moves w_j by −lr·g·x̃_j and b by −lr·g, so
            // Δw_j / Δb is exactly the noisy input x̃_j, which for a zero input is the noise itself.
            const int steps = 400;
            var net = new OddWidthNoiseRegressor(1, seed: 11);
            var optimizer = new Sgd(0.1);
            var initial = new float[net.StateLength];
            net.CopyState(initial);
            LayerDescription dense = OddWidthNoiseRegressor.Architecture.Layers.Single(l => l.Type == LayerType.Dense);
            var noise = new double[steps, Width];
            for (int step = 0; step < steps; step++)
            {
                net.RestoreState(initial);

                net.TrainStep(new float[Width], [10f], 1, optimizer);

                double bias = (double)net.Parameters[dense.BiasOffset] - initial[dense.BiasOffset];
                Assert.True(bias != 0, $"step {step}: the bias did not move");
                for (int j = 0; j < Width; j++)
                {
                    noise[step, j] = ((double)net.Parameters[dense.WeightOffset + j] - initial[dense.WeightOffset + j]) / bias;
                    Assert.True(noise[step, j] != 0, $"step {step}: input element {j} of {Width} got no noise (its weight did not move)");
                }
            }

            // Each element's noise over 400 steps: mean within 5 standard errors, σ within 20 % (≈ 5.7 standard errors).
            for (int j = 0; j < Width; j++)
            {
                double[] z = Enumerable.Range(0, steps).Select(s => noise[s, j]).ToArray();
                double mean = z.Average(), deviation = Math.Sqrt(z.Average(v => v * v) - mean * mean);
                Assert.True(Math.Abs(mean) <= 5 * Sigma / Math.Sqrt(steps), $"input element {j}: the noise has mean {mean}");
                Assert.True(Math.Abs(deviation / Sigma - 1) <= 0.2, $"input element {j}: the noise has σ {deviation}, not {Sigma}");
            }
        }
    }

    /// <summary>Noise on seven inputs, then one linear unit whose update reads the noise back.</summary>
    [Network(Loss = Loss.MeanSquaredError)]
    [Input(7)]
    [GaussianNoise(0.5)]
    [Dense(1)]
    public partial class OddWidthNoiseRegressor;
}
