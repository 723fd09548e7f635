using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using NormReg;
using NormReg.KernelPaths;

// Writes to the file named by the first argument, as float bits: the initial parameters, Predict's outputs, Predict's outputs with
// the weights in bfloat16 (WeightPrecision.BFloat16), TrainStep's loss, the parameters after that SGD step, of KernelPathsNet; then
// the initial parameters, Predict's outputs, TrainStep's loss and the parameters after it of KernelPathsCnn; then KernelPathsRows'
// losses, parameters and outputs (KernelPathsRowsRun.Run); then KernelPathsForward's parameters and outputs at once, split and in
// bfloat16 (KernelPathsForwardRun.Run); then a small-batch
// network's parameters after three fused SGD steps, and 1 when they equal the unfused steps' bit for bit (KernelPathsRun.FusedSteps);
// then 1 when KernelPathsNet's Predict of its first KernelPathsRun.FewSamples samples alone gives the bits of the whole batch's.
// Prints the kernel path this process runs (the width the kernels choose, and whether it has FMA).
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: NormReg.KernelPaths <output file>");
    return 2;
}
(float[] inputs, int[] labels) = KernelPathsRun.Data();
var net = new KernelPathsNet(maxBatchSize: KernelPathsRun.Batch, seed: KernelPathsRun.Seed);
float[] initial = net.Parameters.ToArray();
// The few samples first: the whole batch's Predict, the second since the weights were drawn, reads them packed where the packed kernel runs.
var few = new float[KernelPathsRun.FewSamples * KernelPathsNet.OutputSize];
net.Predict(inputs.AsSpan(0, KernelPathsRun.FewSamples * KernelPathsNet.InputSize), few, KernelPathsRun.FewSamples);
var predictions = new float[KernelPathsRun.Batch * KernelPathsNet.OutputSize];
net.Predict(inputs, predictions, KernelPathsRun.Batch);
bool fewAsInBatch = MemoryMarshal.AsBytes(few.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(predictions.AsSpan(0, few.Length)));
var reduced = new float[predictions.Length];
net.InferencePrecision = WeightPrecision.BFloat16;
net.Predict(inputs, reduced, KernelPathsRun.Batch);
net.InferencePrecision = WeightPrecision.Float32;
float loss = net.TrainStep(inputs, labels, KernelPathsRun.Batch, new Sgd(KernelPathsRun.LearningRate));

(float[] images, int[] imageLabels) = KernelPathsCnnRun.Data();
var cnn = new KernelPathsCnn(maxBatchSize: KernelPathsCnnRun.Batch, seed: KernelPathsRun.Seed);
float[] cnnInitial = cnn.Parameters.ToArray();
var cnnPredictions = new float[KernelPathsCnnRun.Batch * KernelPathsCnn.OutputSize];
cnn.Predict(images, cnnPredictions, KernelPathsCnnRun.Batch);
float cnnLoss = cnn.TrainStep(images, imageLabels, KernelPathsCnnRun.Batch, new Sgd(KernelPathsRun.LearningRate));

using (FileStream file = File.Create(args[0]))
{
    file.Write(MemoryMarshal.AsBytes(initial.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(predictions.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(reduced.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(new[] { loss }.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(net.Parameters));
    file.Write(MemoryMarshal.AsBytes(cnnInitial.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(cnnPredictions.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(new[] { cnnLoss }.AsSpan()));
    file.Write(MemoryMarshal.AsBytes(cnn.Parameters));
    file.Write(MemoryMarshal.AsBytes(KernelPathsRowsRun.Run().AsSpan()));
    file.Write(MemoryMarshal.AsBytes(KernelPathsForwardRun.Run().AsSpan()));
    foreach (bool nesterov in new[] { true, false })
    {
        (float[] fused, bool sameAsUnfused) = KernelPathsRun.FusedSteps(nesterov);
        file.Write(MemoryMarshal.AsBytes(fused.AsSpan()));
        file.Write(MemoryMarshal.AsBytes(new[] { sameAsUnfused ? 1f : 0f }.AsSpan()));
    }
    file.Write(MemoryMarshal.AsBytes(new[] { fewAsInBatch ? 1f : 0f }.AsSpan()));
}
int width = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
Console.WriteLine($"width {width} fma {(Fma.IsSupported || AdvSimd.IsSupported ? "yes" : "no")}");
return 0;
