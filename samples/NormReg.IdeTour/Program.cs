using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using IdeTour;
using NormReg;

// NormReg.Gen from the IDE's side: where the generated code is, the well-declared network at work, and what the
// warnings of this build mean. README.md walks through it.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

string generated = typeof(MachineStateClassifier).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .Single(a => a.Key == "GeneratedFilesDirectory").Value!;
Console.WriteLine("1. The generated code, one file per network, written at build time (EmitCompilerGeneratedFiles) under");
Console.WriteLine($"   {generated}");
string[] files = Directory.Exists(generated) ? Directory.GetFiles(generated, "*.g.cs", SearchOption.AllDirectories) : [];
foreach (string file in files.Order(StringComparer.Ordinal))
{
    Console.WriteLine($"     {Path.GetRelativePath(generated, file)} ({File.ReadAllLines(file).Length} lines)");
}
Console.WriteLine("   Each opens with the network as a table; every block below it is headed by the row it implements.");

Console.WriteLine();
Console.WriteLine("2. The well-declared network, as its generated Architecture describes it:");
foreach (LayerDescription layer in MachineStateClassifier.Architecture.Layers)
{
    Console.WriteLine($"   {layer.Name,-10} {layer.Row,-38} {layer.Inputs,3} → {layer.Outputs}");
}
var (trainX, trainY) = MachineData.Generate(1200, seed: 1);
var (testX, testY) = MachineData.Generate(400, seed: 2);
var net = new MachineStateClassifier(maxBatchSize: 32, seed: 1);
// The input statistics come from the samples that train: Fit holds out the last 20 % for validation.
int trainCount = (int)Math.Floor(trainY.Length * (1 - 0.2));
net.FitNormalization(trainX.AsSpan(0, trainCount * MachineStateClassifier.InputSize));
History history = net.Fit(trainX, trainY, new Adam(1e-2), new FitOptions
{
    Epochs = 30,
    ValidationSplit = 0.2,
    EarlyStopping = new EarlyStopping { Patience = 5, RestoreBestWeights = true },
});
var (_, accuracy) = net.Evaluate(testX, testY);
Console.WriteLine($"   held-out accuracy {accuracy:P1} after {history.Epochs.Count} epochs (early stopping kept epoch {history.RestoredEpoch})");
int first = net.Classify(testX.AsSpan(0, MachineStateClassifier.InputSize));
Console.WriteLine($"   the first held-out machine is {MachineData.States[first]} (truly {MachineData.States[testY[0]]})");

Console.WriteLine();
Console.WriteLine("3. What no analyzer can see, the generated code refuses at run time, e.g. predicting before FitNormalization:");
try
{
    new MachineStateClassifier().Classify(testX.AsSpan(0, MachineStateClassifier.InputSize));
}
catch (InvalidOperationException e)
{
    Console.WriteLine($"   {e.GetType().Name}: {e.Message}");
}

Console.WriteLine();
Console.WriteLine("4. The warnings this build reported, and what they mean (help: docs/diagnostics/NRGxxx.md):");
(string Id, string Where, string Meaning)[] warnings =
[
    ("NRG100", "Misuse/TrainingMistakes.cs", "a training-mode Forward used to measure: dropout drawn, BatchNorm on batch statistics"),
    ("NRG101", "Networks/MisusedNetworks.cs", "dropout right before BatchNorm: its running variance is learned under dropout"),
    ("NRG102", "Networks/MisusedNetworks.cs", "a Dense bias right before BatchNorm, which subtracts it again"),
    ("NRG103", "Networks/MisusedNetworks.cs", "an L2 penalty on BatchNorm's γ instead of on weights"),
    ("NRG104", "Networks/MisusedNetworks.cs", "noise after the last Dense, on the outputs"),
    ("NRG105", "Networks/MisusedNetworks.cs", "[Softmax] before SoftmaxCrossEntropy, which applies softmax again"),
    ("NRG106", "Misuse/TrainingMistakes.cs", "BatchNorm trained with a batch of one sample"),
    ("NRG107", "Misuse/TrainingMistakes.cs", "L2 rows and AdamW's weight decay: the weights decay twice"),
    ("NRG108", "Misuse/TrainingMistakes.cs", "early stopping on val_loss without validation data"),
];
foreach (var (id, where, meaning) in warnings)
{
    Console.WriteLine($"   {id}  {where,-28} {meaning}");
}
Console.WriteLine("   Ctrl+. on NRG100, NRG101, NRG102 or NRG105 offers the fix. The structural errors NRG001–NRG013 are in");
Console.WriteLine("   Errors/StructuralErrors.cs: dotnet build -p:ShowErrors=true compiles it, and the build fails.");
