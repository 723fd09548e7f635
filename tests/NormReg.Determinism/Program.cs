using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using NormReg;
using NormReg.Determinism;

// Trains DeterminismNet on data generated from a fixed seed, with Adam then SGD, and prints the runtime and SHA-256 hashes
// of the state bytes (parameters, fitted and running statistics) and of the predictions. No argument: the seed is 7.
int seed = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7;
const int Samples = 600, Batch = 32;

// Three classes around three centres, in columns of different scales; SeededRandom gives the same draws everywhere.
var random = new SeededRandom((ulong)seed);
var features = new float[Samples * DeterminismNet.InputSize];
var labels = new int[Samples];
for (int n = 0; n < Samples; n++)
{
    int label = random.NextInt(DeterminismNet.OutputSize);
    labels[n] = label;
    for (int j = 0; j < DeterminismNet.InputSize; j++)
    {
        float scale = 1 + 10 * j;
        features[n * DeterminismNet.InputSize + j] = scale * ((label + j) % 3 + 2 * random.NextSingle() - 1) + 100 * (j % 4);
    }
}

var net = new DeterminismNet(maxBatchSize: Batch, seed: seed);
net.FitNormalization(features.AsSpan(0, (int)Math.Floor(Samples * 0.8) * DeterminismNet.InputSize)); // the part Fit trains on
net.Fit(features, labels, new Adam(3e-3), new FitOptions { Epochs = 6, BatchSize = Batch, Seed = seed, ValidationSplit = 0.2 });
net.Fit(features, labels, new Sgd(0.05, momentum: 0.9, nesterov: true), new FitOptions { Epochs = 4, BatchSize = 30, Seed = seed + 1 });

var state = new float[net.StateLength];
net.CopyState(state);
var predictions = new float[Samples * DeterminismNet.OutputSize];
for (int start = 0; start < Samples; start += Batch)
{
    int n = Math.Min(Batch, Samples - start);
    net.Predict(features.AsSpan(start * DeterminismNet.InputSize, n * DeterminismNet.InputSize), predictions.AsSpan(start * DeterminismNet.OutputSize, n * DeterminismNet.OutputSize), n);
}

(double loss, double accuracy) = net.Evaluate(features, labels);
if (!Array.TrueForAll(state, float.IsFinite) || !(accuracy > 0.5))
{
    Console.Error.WriteLine($"Training went wrong: loss {loss}, accuracy {accuracy}.");
    return 1;
}

Console.WriteLine($"runtime {Environment.Version}");
Console.WriteLine(FormattableString.Invariant($"accuracy {accuracy:F4}"));
Console.WriteLine($"state {Hash(state)}");
Console.WriteLine($"predictions {Hash(predictions)}");
return 0;

static string Hash(float[] values) => Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
