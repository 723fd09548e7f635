using System;
using System.Linq;
using NormReg.Tests.Onnx;

namespace NormReg.Tests.Fuzzing;

/// <summary>Bad calls on Fit and Evaluate: they must refuse the whole call before the first step or the first Predict.</summary>
internal sealed partial class BadCalls
{
    private FuzzCase Fit()
    {
        int count = random.Next(Math.Max(TrainingMinimum, 2), 41), width = IsClassifier ? 1 : Out;
        float[] features = SampleNetworks.Features(random, count, In);
        int[] labels = Enumerable.Range(0, count).Select(_ => random.Next(Out)).ToArray();
        float[] targets = Values(Targets, count * Out);
        int batch = random.Next(TrainingMinimum, Max + 1);
        int epochs = random.Next(1, 3);
        float[]? validationFeatures = null;
        int[]? validationLabels = null;
        float[]? validationTargets = null;
        Optimizer? optimizer = null;
        string description;
        Type expected;
        string[] fragments;

        int fault = random.Next(IsClassifier ? 10 : 9);
        switch (fault)
        {
            case 0:
                int length = random.Next(3) == 0 ? 0 : count * In + random.Next(1, In + 1) * (random.Next(2) == 0 ? 1 : -1);
                if (length < 0 || length % In == 0) length = 0;
                features = SampleNetworks.Features(random, count + 1, In)[..length];
                description = $"features of {length} values";
                expected = typeof(ArgumentException);
                fragments = ["features", $"InputSize = {In}", $"got {length}"];
                break;
            case 1:
                int wrong = WrongLength(count * width, (count + 2) * width);
                if (IsClassifier) labels = Enumerable.Range(0, wrong).Select(_ => random.Next(Out)).ToArray();
                else targets = Values(Targets, wrong);
                description = $"{wrong} {(IsClassifier ? "labels" : "targets")} for {count} samples";
                expected = typeof(ArgumentException);
                fragments = [$"= {count * width} values", $"got {wrong}"];
                break;
            case 2:
            {
                int index = random.Next(features.Length);
                float bad = NonFinite[random.Next(NonFinite.Length)];
                features[index] = bad;
                description = $"features[{index}] = {bad} of {count} samples";
                expected = typeof(ArgumentException);
                fragments = [$"features[{index}] is {bad}"];
                break;
            }
            case 3:
                epochs = -random.Next(3);
                description = $"Epochs = {epochs}";
                expected = typeof(ArgumentOutOfRangeException);
                fragments = ["Epochs", "at least 1", $"got {epochs}"];
                break;
            case 4:
                batch = random.Next(3) switch { 0 => int.MinValue, 1 => -1, _ => Max + 1 }; // 0 is the automatic size
                description = $"BatchSize = {batch}";
                expected = typeof(ArgumentOutOfRangeException);
                fragments = ["BatchSize", $"{Max}", $"got {batch}"];
                break;
            case 5:
                optimizer = Foreign();
                description = $"an optimizer bound to {optimizer.BoundLength} parameters";
                expected = typeof(ArgumentException);
                fragments = ForeignFragments(optimizer);
                break;
            case 6:
            {
                validationFeatures = SampleNetworks.Features(random, random.Next(1, 10), In);
                int n = validationFeatures.Length / In;
                validationLabels = Enumerable.Range(0, n).Select(_ => random.Next(Out)).ToArray();
                validationTargets = Values(Targets, n * Out);
                int index = random.Next(validationFeatures.Length);
                float bad = NonFinite[random.Next(NonFinite.Length)];
                validationFeatures[index] = bad;
                description = $"ValidationFeatures[{index}] = {bad}";
                expected = typeof(ArgumentException);
                fragments = [$"ValidationFeatures[{index}] is {bad}"];
                break;
            }
            case 7 when TrainingMinimum == 2:
                batch = 1;
                description = "BatchSize = 1 under BatchNorm";
                expected = typeof(ArgumentOutOfRangeException);
                fragments = ["BatchSize", "MinimumTrainingBatch", "got 1"];
                break;
            case 7 or 8 when !IsClassifier:
            {
                int index = random.Next(targets.Length);
                float bad = NonFinite[random.Next(NonFinite.Length)];
                targets[index] = bad;
                description = $"targets[{index}] = {bad}";
                expected = typeof(ArgumentException);
                fragments = [$"targets[{index}] is {bad}"];
                break;
            }
            default:
            {
                int index = random.Next(labels.Length);
                int bad = random.Next(2) == 0 ? -1 - random.Next(5) : Out + random.Next(5);
                labels[index] = bad;
                description = $"labels[{index}] = {bad}";
                expected = typeof(ArgumentOutOfRangeException);
                fragments = [$"labels[{index}]", $"[0, {Out})", $"got {bad}"];
                break;
            }
        }

        var options = new FitOptions
        {
            Epochs = epochs,
            BatchSize = batch,
            Seed = random.Next(),
            ValidationFeatures = validationFeatures,
            ValidationLabels = validationLabels,
            ValidationTargets = validationTargets,
        };
        return new FuzzCase
        {
            Kind = "Fit",
            Description = $"{description}; {count} samples, {epochs} epochs of batches of {batch}",
            Call = side =>
            {
                if (side.Network is IClassifier classifier) classifier.Fit(features, labels, optimizer ?? side.Optimizer, options);
                else ((IRegressor)side.Network).Fit(features, targets, optimizer ?? side.Optimizer, options);
            },
            Expected = expected,
            Fragments = fragments,
            NamesNetwork = optimizer is null,
        };
    }

    private FuzzCase Evaluate()
    {
        // More samples than one batch, so a check made chunk by chunk would come after a Predict.
        int count = random.Next(1, 3 * Max);
        float[] features = SampleNetworks.Features(random, count, In);
        int[] labels = Enumerable.Range(0, count).Select(_ => random.Next(Out)).ToArray();
        string description;
        Type expected = typeof(ArgumentException);
        string[] fragments;
        switch (random.Next(3))
        {
            case 0:
                int wrong = WrongLength(count, count + 3);
                labels = Enumerable.Range(0, wrong).Select(_ => random.Next(Out)).ToArray();
                description = $"{wrong} labels for {count} samples";
                fragments = [$"= {count} values", $"got {wrong}"];
                break;
            case 1:
            {
                int index = random.Next(features.Length);
                float bad = NonFinite[random.Next(NonFinite.Length)];
                features[index] = bad;
                description = $"features[{index}] = {bad} of {count} samples";
                fragments = [$"features[{index}] is {bad}"];
                break;
            }
            default:
            {
                int index = random.Next(labels.Length);
                int bad = random.Next(2) == 0 ? -1 : Out + random.Next(3);
                labels[index] = bad;
                description = $"labels[{index}] = {bad} of {count}";
                expected = typeof(ArgumentOutOfRangeException);
                fragments = [$"labels[{index}]", $"[0, {Out})", $"got {bad}"];
                break;
            }
        }
        return new FuzzCase
        {
            Kind = "Evaluate",
            Description = description,
            Call = side => ((IClassifier)side.Network).Evaluate(features, labels),
            Expected = expected,
            Fragments = fragments,
        };
    }
}
