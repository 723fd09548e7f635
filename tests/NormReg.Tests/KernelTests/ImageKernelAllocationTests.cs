using System;
using System.Collections.Generic;
using NormReg.Kernels;
using static NormReg.Tests.KernelTests.ImageGradients;

namespace NormReg.Tests.KernelTests;

/// <summary>Every image kernel allocates nothing per call once warm (the scratch is the caller's), as AllocationTests asks of whole networks.</summary>
public sealed class ImageKernelAllocationTests
{
    private const int N = 4;
    private static readonly ConvGeometry Conv = ConvGeometry.Create(3, 8, 8, 8, 3, 1, same: true);
    private static readonly ConvGeometry Pointwise = ConvGeometry.Create(4, 16, 16, 4, 1, 1, same: false);
    private static readonly PoolGeometry Pool = PoolGeometry.Create(3, 8, 8, 2, 2);

    public static TheoryData<string> Kernels => new(Calls().Keys);

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Allocates_nothing_per_call(string kernel)
    {
        Action call = Calls()[kernel];
        for (int i = 0; i < 200; i++) call(); // JIT and tier-up

        // A per-call allocation shows in every round (100 calls, at least 2.4 KB); runtime bookkeeping while a method is
        // recompiled in the middle of a round shows once, so the fewest bytes of three rounds is what the kernel allocates.
        long fewest = long.MaxValue;
        for (int round = 0; round < 3 && fewest > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) call();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
    }

    private static Dictionary<string, Action> Calls()
    {
        int pixels = Conv.Height * Conv.Width;
        float[] x = Random(N * 4 * 16 * 16, 1), y = new float[N * 8 * 16 * 16], dx = new float[x.Length], dy = Random(y.Length, 2);
        float[] w = Random(8 * 4 * 9, 3), b = Random(8, 4), dw = new float[w.Length], db = new float[b.Length];
        float[] scratch = new float[Math.Max(Conv.ScratchLength(N), Pointwise.ScratchLength(N))];
        float[] statistics = Random(8, 5), variance = new float[8], inverseStd = new float[8], normalized = new float[y.Length], drawn = new float[2 * N], mask = new float[N * 8];
        Array.Fill(variance, 1f);
        int[] argmax = new int[N * Pool.OutputLength];
        var random = new SeededRandom(1);
        return new()
        {
            ["Conv2D.Forward"] = () => Conv2D.Forward(x, w, b, y, scratch, N, Conv),
            ["Conv2D.Forward 1×1"] = () => Conv2D.Forward(x, w, b, y, scratch, N, Pointwise),
            ["Conv2D.BackwardParameters"] = () => Conv2D.BackwardParameters(x, dy, dw, db, scratch, N, Conv, w, 0.01f, 0.01f),
            ["Conv2D.BackwardInput"] = () => Conv2D.BackwardInput(dy, w, dx, scratch, N, Conv),
            ["Pooling.Max"] = () =>
            {
                Pooling.MaxForward(x, y, argmax, N, Pool);
                Pooling.MaxBackward(dy, argmax, dx, N, Pool);
            },
            ["Pooling.Average"] = () =>
            {
                Pooling.AverageForward(x, y, N, Pool);
                Pooling.AverageBackward(dy, dx, N, Pool);
            },
            ["Pooling.GlobalAverage"] = () =>
            {
                Pooling.GlobalAverageForward(x, y, N, 3, pixels);
                Pooling.GlobalAverageBackward(dy, dx, N, 3, pixels);
            },
            ["BatchNorm spatial"] = () =>
            {
                BatchNorm.ForwardTrainingSpatial(x, statistics, statistics, y, normalized, inverseStd, db, variance, N, 8, pixels, 0.1f, 1e-5f);
                BatchNorm.BackwardSpatial(dy, normalized, inverseStd, statistics, dx, dw, dw.AsSpan(8), N, 8, pixels);
                BatchNorm.ForwardInferenceSpatial(x, statistics, statistics, db, variance, y, N, 8, pixels, 1e-5f);
            },
            ["Dropout spatial"] = () =>
            {
                Dropout.SpatialForward(x, y, mask, 0.3f, ref random, N, 8, pixels);
                Dropout.SpatialBackward(dy, mask, dx, N, 8, pixels);
            },
            ["Augmentation.RandomFlip"] = () =>
            {
                Augmentation.RandomFlip(x, y, drawn, true, true, ref random, N, 3, 8, 8);
                Augmentation.RandomFlipBackward(dy, drawn, dx, N, 3, 8, 8);
            },
            ["Augmentation.RandomRotation"] = () =>
            {
                Augmentation.RandomRotation(x, y, drawn, 0.1f, ref random, N, 3, 8, 8);
                Augmentation.RandomRotationBackward(dy, drawn, dx, N, 3, 8, 8);
            },
            ["Augmentation.RandomTranslation"] = () =>
            {
                Augmentation.RandomTranslation(x, y, drawn, 0.2f, 0.2f, ref random, N, 3, 8, 8);
                Augmentation.RandomTranslationBackward(dy, drawn, dx, N, 3, 8, 8);
            },
        };
    }
}
