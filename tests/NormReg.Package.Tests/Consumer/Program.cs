using System.Globalization;
using NormReg;
using PackageConsumer;

const int SampleCount = 512;
const int BatchSize = 32;
const int Steps = 600;

// Train and test sets come from the same distribution with different seeds.
var (trainInputs, trainLabels) = SampleXor(SampleCount, seed: 1);
var (testInputs, testLabels) = SampleXor(SampleCount, seed: 2);

var net = new XorNet(maxBatchSize: BatchSize, seed: 42);
var optimizer = new Sgd(learningRate: 0.05, momentum: 0.9);
float firstLoss = 0, loss = 0;
for (int step = 0; step < Steps; step++)
{
    int start = step * BatchSize % SampleCount;
    loss = net.TrainStep(
        trainInputs.AsSpan(start * XorNet.InputSize, BatchSize * XorNet.InputSize),
        trainLabels.AsSpan(start, BatchSize),
        BatchSize,
        optimizer);
    if (step == 0)
    {
        firstLoss = loss;
    }
}

int correct = 0;
for (int i = 0; i < SampleCount; i++)
{
    if (net.Classify(testInputs.AsSpan(i * XorNet.InputSize, XorNet.InputSize)) == testLabels[i])
    {
        correct++;
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss {firstLoss:0.000} -> {loss:0.000}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy {(double)correct / SampleCount:0.000}"));
Console.WriteLine($"parameters {XorNet.ParameterCount}");

// ONNX export, which runs on the package's protobuf dependency.
using var onnx = new MemoryStream();
net.ExportOnnx(onnx);
Console.WriteLine($"onnx bytes {onnx.Length}");

// Points around the four corners (±1, ±1) with Gaussian noise; the label is 1 when the signs differ.
static (float[] Inputs, int[] Labels) SampleXor(int count, int seed)
{
    var random = new Random(seed);
    var inputs = new float[count * XorNet.InputSize];
    var labels = new int[count];
    for (int i = 0; i < count; i++)
    {
        int a = random.Next(2), b = random.Next(2);
        inputs[2 * i] = (a == 0 ? -1 : 1) + 0.3f * Gaussian(random);
        inputs[2 * i + 1] = (b == 0 ? -1 : 1) + 0.3f * Gaussian(random);
        labels[i] = a ^ b;
    }
    return (inputs, labels);
}

// Box–Muller: a standard normal sample.
static float Gaussian(Random random) =>
    (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
