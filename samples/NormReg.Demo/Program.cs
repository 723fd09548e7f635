using System;
using NormReg;
using NormReg.Demo;
using NormReg.Demo.Data;

// Three interleaved spirals, generated here: 200 training points per arm, and 100 held-out points per arm
// drawn with another seed. No straight line separates them.
const int Classes = 3, BatchSize = 32, Epochs = 150;
(float[] trainX, int[] trainY) = Spirals.Generate(perClass: 200, classes: Classes, noise: 0.2, seed: 1);
(float[] testX, int[] testY) = Spirals.Generate(perClass: 100, classes: Classes, noise: 0.2, seed: 2);
Console.WriteLine($"NormReg.Gen demo: {Classes} spirals, {trainY.Length} training and {testY.Length} held-out points.");

var options = new FitOptions
{
    Epochs = Epochs,
    BatchSize = BatchSize,
    Seed = 3,
    ValidationFeatures = testX,
    ValidationLabels = testY,
    OnEpochEnd = Report,
};

Console.WriteLine();
Console.WriteLine($"LinearBaseline ({LinearBaseline.ParameterCount} parameters): 2 → 3");
History linear = new LinearBaseline(BatchSize, seed: 4).Fit(trainX, trainY, new Adam(0.01), options);

Console.WriteLine();
Console.WriteLine($"SpiralClassifier ({SpiralClassifier.ParameterCount} parameters): 2 → 64 ReLU → 64 ReLU → 3");
var network = new SpiralClassifier(BatchSize, seed: 4);
History deep = network.Fit(trainX, trainY, new Adam(0.01), options);

Console.WriteLine();
Console.WriteLine($"{"network",-18} {"train acc",10} {"held-out acc",13}");
Console.WriteLine($"{"LinearBaseline",-18} {linear.Last.Accuracy,10:P1} {linear.Last.ValidationAccuracy,13:P1}");
Console.WriteLine($"{"SpiralClassifier",-18} {deep.Last.Accuracy,10:P1} {deep.Last.ValidationAccuracy,13:P1}");
Console.WriteLine();
Console.WriteLine($"Final held-out accuracy: {deep.Last.ValidationAccuracy:P1} (SpiralClassifier, {Epochs} epochs, {deep.Last.Elapsed.TotalSeconds:F1} s)");

const int Point = 250;
Console.WriteLine($"Classify one held-out point ({testX[2 * Point]:F3}, {testX[2 * Point + 1]:F3}): class {network.Classify(testX.AsSpan(2 * Point, 2))}, true class {testY[Point]}.");

static void Report(EpochResult e)
{
    if (e.Epoch == 1 || e.Epoch % 25 == 0 || e.Epoch == e.Epochs)
    {
        Console.WriteLine($"  epoch {e.Epoch,3}/{e.Epochs}  loss {e.Loss:F4}  train {e.Accuracy,6:P1}  held-out {e.ValidationAccuracy,6:P1}  {e.Elapsed.TotalSeconds,5:F1} s");
    }
}
