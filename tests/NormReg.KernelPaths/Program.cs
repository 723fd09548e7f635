using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using NormReg;
using NormReg.KernelPaths;

// Writes to the file named by the first argument, as float bits: the initial parameters, Predict's outputs, TrainStep's loss, the
// parameters after that SGD step; then a small-batch network's parameters after three fused SGD steps, and 1 when they equal the
// unfused steps' bit for bit (KernelPathsRun.FusedSteps). Prints the kernel path this process runs (the width the kernels choose, and whether it has FMA).
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: NormReg.KernelPaths <output file>");
    return 2;
}
(float[] inputs, int[] labels) = KernelPathsRun.Data();
var net = new KernelPathsNet(maxBatchSize: KernelPathsRun.Batch, seed: KernelPathsRun.Seed);
float[] initial = net.Parameters.ToArray();
var predictions = new float[KernelPathsRun.Batch * KernelPathsNet.OutputSize];
net.Predict(inputs, predictions, KernelPathsRun.Batch);
float loss = net.TrainStep(inputs, labels, KernelPathsRun.Batch, new Sgd(KernelPathsRun.LearningRate));

using (FileStream file = File.Create(args[0]))
{
    file.Write(MemoryMarshal.AsBytes(initial.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(predictions.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(new[] { loss }.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(net.Parameters));
    (float[] fused, bool sameAsUnfused) = KernelPathsRun.FusedSteps();
    file.Write(MemoryMarshal.AsBytes(fused.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(new[] { sameAsUnfused ? 1f : 0f }.AsSpan()));
}
int width = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
Console.WriteLine($"width {width} fma {(Fma.IsSupported || AdvSimd.IsSupported ? "yes" : "no")}");
return 0;
