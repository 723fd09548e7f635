using System;
using System.Linq;
using NormReg.Kernels;
using static NormReg.Tests.KernelTests.ThreadCountTests;

namespace NormReg.Tests.KernelTests;

/// <summary>
/// <see cref="Conv2DBatch.BackwardParameters"/> split by the weight gradient's columns: the same bits at one, two and three threads,
/// gradients that match a direct double-precision sum, and nothing allocated per call on any thread. The shapes take the paths that
/// compute ranges of columns, at batches above the size from which they are split, with a last part shorter than the others.
/// </summary>
[Collection(nameof(ParallelKernelTests))]
public sealed class ConvGradientSplitTests
{
    public static TheoryData<int, int, int, int, int, int, bool> Shapes => new()
    {
        // n, C, H, W, F, K, same
        { 16, 1, 28, 28, 6, 5, false },   // LeNet's first convolution: the dot-product kernel, 25 patch rows (13 + 12 at two parts)
        { 8, 6, 12, 12, 16, 5, false },   // LeNet's second: the input rows, 30 row groups in tiles of 2 (16 + 14 groups at 512 bits)
        { 2, 15, 16, 16, 32, 3, true },   // 3 × 3 "same" through the padded window: 45 row groups in tiles of 4 (24 + 21 at 512 bits)
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_split_gives_the_same_bits_at_one_two_and_three_threads_and_matches_the_double_sum(int n, int c, int h, int w, int f, int k, bool same)
    {
        ConvGeometry g = ConvGeometry.Create(c, h, w, f, k, 1, same);
        float[] x = Random(n * g.InputLength, 1), dy = Random(n * g.OutputLength, 2), weights = Random(f * g.PatchSize, 3);
        Assert.Equal(2, AtThreads(2, () => Conv2DBatch.GradientParts(n, g)));
        Assert.Equal(3, AtThreads(3, () => Conv2DBatch.GradientParts(n, g)));

        (float[] Dw, float[] Db) Gradients(int threads) => AtThreads(threads, () =>
        {
            float[] dw = new float[weights.Length], db = new float[f], scratch = new float[g.ScratchLength(n)];
            dw.AsSpan().Fill(float.NaN); // every element must be written
            db.AsSpan().Fill(float.NaN);
            Assert.True(Conv2DBatch.BackwardParameters(x, dy, dw, db, scratch, n, g, weights, 1e-3f, 1e-2f));
            return (dw, db);
        });

        (float[] dw1, float[] db1) = Gradients(1);
        for (int threads = 2; threads <= 3; threads++)
        {
            (float[] dw, float[] db) = Gradients(threads);
            Assert.True(dw1.AsSpan().SequenceEqual(dw), $"dW differs between one and {threads} threads.");
            Assert.True(db1.AsSpan().SequenceEqual(db), $"db differs between one and {threads} threads.");
        }

        (double[] dwRef, double[] dbRef) = Reference(x, dy, weights, n, g, 1e-3, 1e-2);
        for (int i = 0; i < dwRef.Length; i++) Assert.True(Math.Abs(dw1[i] - dwRef[i]) <= 1e-4 * (1 + Math.Abs(dwRef[i])), $"dW[{i}] = {dw1[i]}, expected {dwRef[i]}.");
        for (int i = 0; i < dbRef.Length; i++) Assert.True(Math.Abs(db1[i] - dbRef[i]) <= 1e-4 * (1 + Math.Abs(dbRef[i])), $"db[{i}] = {db1[i]}, expected {dbRef[i]}.");
    }

    [Fact]
    public void A_part_that_turns_infinite_is_reported()
    {
        ConvGeometry g = ConvGeometry.Create(6, 12, 12, 16, 5, 1, same: false);
        const int n = 8;
        float[] x = Random(n * g.InputLength, 4), dy = Random(n * g.OutputLength, 5);
        x[g.InputLength - 1] = float.PositiveInfinity; // read by the last patch row only, which the last part computes
        Assert.False(AtThreads(2, () => Conv2DBatch.BackwardParameters(x, dy, new float[16 * g.PatchSize], default, new float[g.ScratchLength(n)], n, g)));
    }

    [Fact]
    public void A_split_weight_gradient_allocates_nothing_on_any_thread()
    {
        ConvGeometry g = ConvGeometry.Create(6, 12, 12, 16, 5, 1, same: false);
        const int n = 32;
        float[] x = Random(n * g.InputLength, 6), dy = Random(n * g.OutputLength, 7), dw = new float[16 * g.PatchSize], db = new float[16], scratch = new float[g.ScratchLength(n)];
        long bytes = AtThreads(2, () =>
        {
            Assert.Equal(2, Conv2DBatch.GradientParts(n, g));
            void Calls()
            {
                for (int i = 0; i < 20; i++) Conv2DBatch.BackwardParameters(x, dy, dw, db, scratch, n, g);
            }
            Calls(); // starts the worker, grows its scratch, tiers the code up
            Calls();
            // The least of three rounds, counted on every thread (the collection runs alone): one-off runtime work may allocate during a round.
            long least = long.MaxValue;
            for (int round = 0; round < 3; round++)
            {
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                Calls();
                least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - allocated);
            }
            return least;
        });
        Assert.True(bytes < 24 * 20, $"20 split weight gradients allocated {bytes} bytes.");
    }

    /// <summary>dW and db summed directly in double precision, with the penalty l1·sign(w) + 2·l2·w.</summary>
    private static (double[] Dw, double[] Db) Reference(float[] x, float[] dy, float[] w, int n, ConvGeometry g, double l1, double l2)
    {
        int k = g.Kernel;
        double[] dw = new double[g.Filters * g.PatchSize], db = new double[g.Filters];
        for (int s = 0; s < n; s++)
        {
            for (int f = 0; f < g.Filters; f++)
            {
                for (int i = 0; i < g.OutHeight; i++)
                {
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        double d = dy[s * g.OutputLength + (f * g.OutHeight + i) * g.OutWidth + j];
                        db[f] += d;
                        for (int c = 0; c < g.Channels; c++)
                        {
                            for (int ki = 0; ki < k; ki++)
                            {
                                int row = i + ki - g.PadTop;
                                if (row < 0 || row >= g.Height) continue;
                                for (int kj = 0; kj < k; kj++)
                                {
                                    int column = j + kj - g.PadLeft;
                                    if (column < 0 || column >= g.Width) continue;
                                    dw[f * g.PatchSize + (c * k + ki) * k + kj] += d * x[s * g.InputLength + (c * g.Height + row) * g.Width + column];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < dw.Length; i++) dw[i] += l1 * Math.Sign(w[i]) + 2 * l2 * w[i];
        return (dw, db);
    }
}
