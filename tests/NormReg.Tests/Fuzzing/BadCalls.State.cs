using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NormReg.Tests.Onnx;

namespace NormReg.Tests.Fuzzing;

/// <summary>Bad calls on updates, the whole state, input-scaling fits and model files.</summary>
internal sealed partial class BadCalls
{
    private FuzzCase Update()
    {
        // Finite gradients from a Backward first, so the optimizer is the one fault.
        int batch = random.Next(TrainingMinimum, Max + 1);
        float[] outputGradients = Enumerable.Range(0, batch * Out).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        Action<FuzzedNetwork> backward = side => side.Network.Backward(outputGradients, default, batch);
        if (random.Next(2) == 0)
        {
            return new FuzzCase
            {
                Kind = "Update",
                Description = "optimizer null",
                Pending = Pending.Required,
                PendingBatch = batch,
                Prepare = backward,
                Call = side => side.Network.Update(null!),
                Expected = typeof(ArgumentNullException),
                Fragments = ["optimizer"],
                NamesNetwork = false,
            };
        }
        Optimizer foreign = Foreign();
        return new FuzzCase
        {
            Kind = "Update",
            Description = $"an optimizer bound to {foreign.BoundLength} parameters",
            Pending = Pending.Required,
            PendingBatch = batch,
            Prepare = backward,
            Call = side => side.Network.Update(foreign),
            Expected = typeof(ArgumentException),
            Fragments = ForeignFragments(foreign),
            NamesNetwork = false,
        };
    }

    private FuzzCase UpdateNonFiniteGradients()
    {
        // A custom loop: training Forward, a Backward of huge (finite) output gradients, then Update. Where the
        // gradients overflow, Update must refuse them as TrainStep does.
        int batch = random.Next(TrainingMinimum, Max + 1);
        float magnitude = random.Next(2) == 0 ? float.MaxValue : 1e36f;
        float[] outputGradients = Enumerable.Range(0, batch * Out).Select(_ => random.Next(2) == 0 ? magnitude : -magnitude).ToArray();
        return new FuzzCase
        {
            Kind = "Update (non-finite gradients)",
            Description = $"after Backward of output gradients ±{magnitude}, batchSize {batch}",
            Pending = Pending.Required,
            PendingBatch = batch,
            Prepare = side => side.Network.Backward(outputGradients, default, batch),
            MustFail = side => !side.Network.Gradients.ToArray().All(float.IsFinite),
            Call = side => side.Network.Update(side.Optimizer),
            // The network refuses non-finite gradients; the optimizer refuses an update that would overflow its state or the weights.
            Fragments = ["unchanged"],
            AnyOf = ["gradient is not finite", "update was refused"],
        };
    }

    private FuzzCase CopyState()
    {
        int length = WrongLength(net.Network.StateLength, 2 * net.Network.StateLength + 3);
        return new FuzzCase
        {
            Kind = "CopyState",
            Description = $"destination of {length} values, state of {net.Network.StateLength}",
            Call = side => side.Network.CopyState(new float[length]),
            Expected = typeof(ArgumentException),
            Fragments = ["destination must hold", $"StateLength = {net.Network.StateLength} values", $"got {length}."],
        };
    }

    private FuzzCase RestoreState()
    {
        int length = WrongLength(net.Network.StateLength, 2 * net.Network.StateLength + 3);
        float[] source = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
        return new FuzzCase
        {
            Kind = "RestoreState",
            Description = $"source of {length} values, state of {net.Network.StateLength}",
            Call = side => side.Network.RestoreState(source),
            Expected = typeof(ArgumentException),
            Fragments = ["source must hold", $"StateLength = {net.Network.StateLength} values", $"got {length}."],
        };
    }

    private FuzzCase FitNormalization()
    {
        int rows = random.Next(1, 30);
        float[] features = SampleNetworks.Features(random, rows, In);
        switch (random.Next(3))
        {
            case 0:
                int index = random.Next(features.Length);
                float bad = NonFinite[random.Next(NonFinite.Length)];
                features[index] = bad;
                return new FuzzCase
                {
                    Kind = "FitNormalization",
                    Description = $"features[{index}] = {bad} of {rows} rows",
                    Call = side => side.FitNormalization!(features),
                    Expected = typeof(ArgumentException),
                    Fragments = ["must be finite", $"[{index}] is {bad}"],
                };
            case 1:
                int length = rows * In + random.Next(1, In);
                float[] ragged = SampleNetworks.Features(random, rows + 1, In)[..length];
                return new FuzzCase
                {
                    Kind = "FitNormalization",
                    Description = $"{length} values, not whole rows of {In}",
                    Call = side => side.FitNormalization!(ragged),
                    Expected = typeof(ArgumentException),
                    Fragments = [$"whole rows of {In} features", $"got {length} values"],
                };
            default:
                return new FuzzCase
                {
                    Kind = "FitNormalization",
                    Description = "no features",
                    Call = side => side.FitNormalization!([]),
                    Expected = typeof(InvalidOperationException),
                    Fragments = ["at least one sample"],
                };
        }
    }

    private FuzzCase NormalizationFitInChunks()
    {
        int rows = random.Next(1, 20);
        float[] good = SampleNetworks.Features(random, rows, In, widen: 3);
        var fits = new Dictionary<FuzzedNetwork, NormalizationFit>();
        switch (random.Next(3))
        {
            case 0:
            {
                // A bad chunk after a good one: it is not counted, and completing gives the good chunk's statistics.
                float[] bad = SampleNetworks.Features(random, random.Next(1, 5), In);
                int index = random.Next(bad.Length);
                bad[index] = NonFinite[random.Next(NonFinite.Length)];
                return new FuzzCase
                {
                    Kind = "BeginNormalizationFit",
                    Description = $"Add({rows} good rows), then Add(a chunk with [{index}] = {bad[index]}), then Complete",
                    Call = side =>
                    {
                        NormalizationFit fit = fits[side] = side.BeginNormalizationFit();
                        fit.Add(good);
                        fit.Add(bad);
                    },
                    Expected = typeof(ArgumentException),
                    Fragments = ["must be finite", $"[{index}] is {bad[index]}"],
                    ThenFuzzed = side =>
                    {
                        Assert.Equal(rows, fits[side].Count);
                        fits[side].Complete();
                    },
                    ThenTwin = side => side.FitNormalization!(good),
                };
            }
            case 1:
                return new FuzzCase
                {
                    Kind = "BeginNormalizationFit",
                    Description = $"Add({rows} rows) after Complete",
                    Prepare = side =>
                    {
                        NormalizationFit fit = fits[side] = side.BeginNormalizationFit();
                        fit.Add(good);
                        fit.Complete();
                    },
                    Call = side => fits[side].Add(good),
                    Expected = typeof(InvalidOperationException),
                    Fragments = ["already completed"],
                };
            default:
                return new FuzzCase
                {
                    Kind = "BeginNormalizationFit",
                    Description = "Complete with no samples",
                    Call = side => side.BeginNormalizationFit().Complete(),
                    Expected = typeof(InvalidOperationException),
                    Fragments = ["at least one sample"],
                };
        }
    }

    private FuzzCase Load()
    {
        var stream = new MemoryStream();
        switch (random.Next(4))
        {
            case 0:
            {
                net.Network.Save(stream, net.Optimizer);
                byte[] bytes = stream.ToArray();
                int index = random.Next(bytes.Length), bit = random.Next(8);
                bytes[index] ^= (byte)(1 << bit);
                // Any reason will do: the checksum covers everything after the header.
                return LoadCase($"bit {bit} of byte {index} of {bytes.Length} flipped", bytes, null, []);
            }
            case 1:
            {
                net.Network.Save(stream, net.Optimizer);
                byte[] bytes = stream.ToArray();
                int length = random.Next(bytes.Length);
                return LoadCase($"cut to {length} of {bytes.Length} bytes", bytes[..length], [ModelFileReason.Truncated, ModelFileReason.NotAModelFile], []);
            }
            case 2:
            {
                Type[] others = SampleNetworks.Types().Where(t => t != net.Network.GetType()).ToArray();
                INetwork other = SampleNetworks.Create(others[random.Next(others.Length)].FullName!);
                other.Save(stream);
                return LoadCase($"a file of {other.Architecture.Name}", stream.ToArray(), [ModelFileReason.ArchitectureMismatch],
                    [$"'{other.Architecture.Name}'", $"'{Name}'"], fingerprintsDiffer: other.Architecture.Fingerprint != net.Network.Architecture.Fingerprint, withOptimizer: false);
            }
            default:
            {
                // The same network saved with another update rule's state.
                int count = net.Network.Parameters.Length;
                Optimizer saved = net.Optimizer is Sgd ? new Adam(1e-3) : new Sgd(0.1, momentum: 0.9);
                if (count > 0) saved.Step(new float[count], new float[count]);
                net.Network.Save(stream, saved);
                return LoadCase($"a file with {saved.GetType().Name} state, loaded with {net.Optimizer.GetType().Name}", stream.ToArray(),
                    [ModelFileReason.OptimizerMismatch], [saved.GetType().Name, net.Optimizer.GetType().Name]);
            }
        }
    }

    private static FuzzCase LoadCase(string description, byte[] bytes, ModelFileReason[]? reasons, string[] fragments, bool fingerprintsDiffer = true, bool withOptimizer = true) => new()
    {
        Kind = "Load",
        Description = description,
        Call = side => side.Network.Load(new MemoryStream(bytes), withOptimizer ? side.Optimizer : null),
        // Two declarations can share a fingerprint (names and training-only rows are left out); such a file is valid.
        Expected = fingerprintsDiffer ? typeof(ModelFileException) : null,
        Reasons = reasons,
        Fragments = fragments,
        NamesNetwork = false,
    };

    /// <summary>A call that needs fitted input scaling, on a network whose scaling was never fitted.</summary>
    public FuzzCase Unfitted()
    {
        int batch = random.Next(TrainingMinimum, Max + 1);
        Args a = Build([InputsSlot, Targets], batch);
        float[] outputs = new float[batch * Out];
        (string what, Action<FuzzedNetwork> call) = random.Next(6) switch
        {
            0 => ("Predict (batched)", side => side.Network.Predict(a[0], outputs, batch)),
            1 => ("Predict (single)", side => side.Predict(a[0].AsSpan(0, In), outputs.AsSpan(0, Out))),
            2 => ("Forward (Inference)", side => side.Network.Forward(a[0], outputs, batch, ForwardMode.Inference)),
            3 => ("Forward (Training)", side => side.Network.Forward(a[0], outputs, batch, ForwardMode.Training)),
            4 => ("Forward (Sampling)", side => side.Network.Forward(a[0], outputs, batch, ForwardMode.Sampling)),
            _ => ("TrainStep", (Action<FuzzedNetwork>)(side => Train(side, a, side.Optimizer))),
        };
        return new FuzzCase
        {
            Kind = $"{what} before FitNormalization",
            Description = $"batchSize {batch}, input scaling never fitted",
            Call = call,
            Expected = typeof(InvalidOperationException),
            Fragments = ["input scaling has not been fitted", "FitNormalization"],
        };
    }
}
