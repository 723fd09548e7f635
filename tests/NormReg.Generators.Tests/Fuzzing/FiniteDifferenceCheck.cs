using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace NormReg.Generators.Tests.Fuzzing;

/// <summary>The spot check's verdict: whether it ran, the coordinates compared and left undecided, and what was wrong.</summary>
internal sealed record SpotCheck(bool Ran, int Compared, int Inconclusive, double WorstError, IReadOnlyList<string> Failures)
{
    public static SpotCheck Skipped { get; } = new(false, 0, 0, 0, []);
}

/// <summary>
/// Loads an accepted network into a collectible load context and compares a few of its parameter and input
/// gradients (Forward in training mode, ComputeLoss, Backward) with central differences of the loss, computed
/// here in double precision from the outputs (plus the network's Penalty). Each evaluation runs on a fresh network
/// built with the same seed and given the same state, so dropout masks and noise are drawn identically in every
/// pass and the loss is a deterministic function of the state. A coordinate whose differences with steps h and h/2
/// disagree sits near a kink (ReLU, L1 at 0, clipping) and is counted as inconclusive rather than compared; one whose
/// differences agree with each other but not with the gradient is compared again at steps h/10 and h/20, since a kink
/// just inside both steps bends them alike (seed 9002's declaration #72: a LeakyReLU after a global average pool).
/// </summary>
internal static class FiniteDifferenceCheck
{
    public const int Batch = 4;
    public const double Step = 1e-3;
    public const double AbsoluteTolerance = 2e-3;
    public const double RelativeTolerance = 2e-2;
    private const int ParametersCompared = 6;
    private const int InputsCompared = 2;

    /// <param name="distortion">Scales the analytic gradients before the comparison; 1 but in the test that the check can fail.</param>
    public static SpotCheck Run(Compilation output, INamedTypeSymbol network, int seed, double distortion = 1)
    {
        // Huge declarations compile, but a spot check would allocate gigabytes.
        if (Constant(network, "ParameterCount") > 100_000 || Constant(network, "InputSize") > 1000 || Constant(network, "OutputSize") > 1000) return SpotCheck.Skipped;
        using var stream = new MemoryStream();
        EmitResult emitted = output.Emit(stream);
        if (!emitted.Success) return Failed("emit failed: " + string.Join("; ", emitted.Diagnostics.Take(3)));
        stream.Position = 0;
        // Nothing but the user's assembly is loaded here: NormReg resolves to the copy the tests already loaded.
        var context = new AssemblyLoadContext("fuzz-" + seed, isCollectible: true);
        try
        {
            Type type = context.LoadFromStream(stream).GetType(MetadataName(network), throwOnError: true)!;
            if (type.IsGenericTypeDefinition) type = type.MakeGenericType([.. TypeArguments(network)]);
            return type.IsAbstract ? SpotCheck.Skipped : new Probe(type, seed, distortion).Check();
        }
        catch (Exception e) when (e is TargetInvocationException or ArgumentException or InvalidOperationException or ArithmeticException or IndexOutOfRangeException)
        {
            return Failed("the network threw " + (e.InnerException ?? e));
        }
        finally
        {
            context.Unload();
        }
    }

    private static int Constant(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault()?.ConstantValue is int value ? value : 0;

    private static SpotCheck Failed(string failure) => new(true, 0, 0, 0, [failure]);

    /// <summary>The reflection name: <c>Ns.Outer`1+Net</c>.</summary>
    private static string MetadataName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType) parts.Insert(0, t.MetadataName);
        string name = string.Join("+", parts);
        // Metadata names, unescaped: namespace @class is "class".
        for (INamespaceSymbol ns = type.ContainingNamespace; !ns.IsGlobalNamespace; ns = ns.ContainingNamespace) name = ns.Name + "." + name;
        return name;
    }

    /// <summary>Arguments for every type parameter from the outermost type in: <c>string</c> where a class is required, <c>int</c> otherwise.</summary>
    private static IEnumerable<Type> TypeArguments(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType) chain.Insert(0, t);
        return chain.SelectMany(t => t.TypeParameters).Select(p => p.HasReferenceTypeConstraint ? typeof(string) : typeof(int));
    }

    private sealed class Probe(Type type, int seed, double distortion)
    {
        private readonly Random _random = new(seed);
        private readonly List<string> _failures = [];
        private float[] _inputs = [];
        private float[] _targets = [];
        private int[] _labels = [];

        private INetwork Create() => (INetwork)Activator.CreateInstance(type, Batch, seed)!;

        public SpotCheck Check()
        {
            INetwork network = Create();
            int inputSize = network.InputSize, outputSize = network.OutputSize;
            _inputs = Uniform(Batch * inputSize, -1, 1, i => 0.25 * (i % inputSize));
            if (type.GetMethod("BeginNormalizationFit", Type.EmptyTypes)?.Invoke(network, null) is NormalizationFit fit)
            {
                // A wider sample than the batch, so no input sits on a MinMax clipping bound.
                fit.Add(Uniform(32 * inputSize, -2, 2, i => 0.25 * (i % inputSize)));
                fit.Complete();
            }
            // Biases start at zero and γ at one; offsets move them off L1's kink and make the check cover them.
            foreach (ref float p in network.Parameters) p += (float)(0.2 * _random.NextDouble() - 0.1);
            var state = new float[network.StateLength];
            network.CopyState(state);
            _labels = [.. Enumerable.Range(0, Batch).Select(_ => _random.Next(outputSize))];
            _targets = network is IClassifier ? [] : Uniform(Batch * outputSize, network.Architecture.Loss == Loss.BinaryCrossEntropy ? 0 : -1, 1, _ => 0);

            // Analytic gradients.
            INetwork analytic = Create();
            analytic.RestoreState(state);
            var outputs = new float[Batch * outputSize];
            analytic.Forward(_inputs, outputs, Batch, ForwardMode.Training);
            var outputGradients = new float[outputs.Length];
            float loss = network is IClassifier
                ? ((IClassifier)analytic).ComputeLoss(outputs, _labels, Batch, outputGradients)
                : ((IRegressor)analytic).ComputeLoss(outputs, _targets, Batch, outputGradients);
            double expectedLoss = DataLoss(outputs, analytic);
            if (!(Math.Abs(loss - expectedLoss) <= 1e-5 + 1e-4 * Math.Abs(expectedLoss))) _failures.Add($"ComputeLoss gives {loss:G9}, the outputs' loss is {expectedLoss:G9}");
            var inputGradients = new float[_inputs.Length];
            analytic.Backward(outputGradients, inputGradients, Batch);
            float[] gradients = analytic.Gradients.ToArray();
            var predictions = new float[outputs.Length];
            analytic.Predict(_inputs, predictions, Batch);
            if (!outputs.All(float.IsFinite) || !predictions.All(float.IsFinite)) _failures.Add("finite inputs and parameters gave non-finite outputs");
            if (_failures.Count > 0) return new SpotCheck(true, 0, 0, 0, _failures);

            int compared = 0, inconclusive = 0;
            double worst = 0;
            void Compare(string what, double expected, Func<float, double> objective, float at)
            {
                double wide = Central(objective, at, Step), narrow = Central(objective, at, Step / 2);
                if (!Close(wide, narrow, 0, out _))
                {
                    inconclusive++;
                    return;
                }
                compared++;
                expected *= distortion;
                // The two differences' disagreement estimates the numeric side's own error (float noise amplified by a
                // BatchNorm over a nearly constant feature); it widens the tolerance.
                if (!Close(expected, narrow, Math.Abs(wide - narrow), out double error))
                {
                    // A kink a little inside both steps bends the two differences alike: a real error persists at steps ten times smaller.
                    double fine = Central(objective, at, Step / 10), finer = Central(objective, at, Step / 20);
                    if (!Close(expected, finer, Math.Abs(fine - finer), out error)) _failures.Add($"{what}: analytic {expected:G7}, central difference {narrow:G7} ({finer:G7} at a step of {Step / 20:G2})");
                }
                worst = Math.Max(worst, error);
            }

            foreach (int i in Pick(gradients.Length, ParametersCompared))
            {
                Compare($"parameter[{i}] of {gradients.Length}", gradients[i], v => Objective(With(state, i, v), _inputs), state[i]);
            }
            foreach (int i in Pick(_inputs.Length, InputsCompared))
            {
                Compare($"input[{i}]", inputGradients[i], v => Objective(state, With(_inputs, i, v)), _inputs[i]);
            }
            return new SpotCheck(true, compared, inconclusive, worst, _failures);
        }

        /// <summary>The training-mode data loss plus the penalty, for a fresh network in <paramref name="state"/>.</summary>
        private double Objective(float[] state, float[] inputs)
        {
            INetwork network = Create();
            network.RestoreState(state);
            var outputs = new float[Batch * network.OutputSize];
            network.Forward(inputs, outputs, Batch, ForwardMode.Training);
            return DataLoss(outputs, network) + network.Penalty;
        }

        /// <summary>The mean loss in double precision, written from the losses' definitions.</summary>
        private double DataLoss(float[] outputs, INetwork network)
        {
            int width = network.OutputSize;
            switch (network.Architecture.Loss)
            {
                case Loss.SoftmaxCrossEntropy:
                    double total = 0;
                    for (int n = 0; n < Batch; n++)
                    {
                        double[] row = [.. outputs.Skip(n * width).Take(width).Select(v => (double)v)];
                        double max = row.Max();
                        total += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[_labels[n]];
                    }
                    return total / Batch;
                case Loss.BinaryCrossEntropy:
                    return outputs.Select((z, i) => Math.Max(z, 0) - (double)z * _targets[i] + Math.Log(1 + Math.Exp(-Math.Abs((double)z)))).Average();
                default:
                    return outputs.Select((y, i) => ((double)y - _targets[i]) * ((double)y - _targets[i])).Average();
            }
        }

        /// <summary>(f(x + h) − f(x − h)) / (2h), with h the step the float actually took.</summary>
        private static double Central(Func<float, double> f, float at, double h)
        {
            float plus = (float)(at + h), minus = (float)(at - h);
            return (f(plus) - f(minus)) / ((double)plus - minus);
        }

        private static bool Close(double a, double b, double slack, out double error)
        {
            error = Math.Abs(a - b) / (AbsoluteTolerance + RelativeTolerance * Math.Max(Math.Abs(a), Math.Abs(b)) + slack);
            return error <= 1;
        }

        private static float[] With(float[] values, int index, float value)
        {
            float[] copy = (float[])values.Clone();
            copy[index] = value;
            return copy;
        }

        private IEnumerable<int> Pick(int count, int wanted) =>
            Enumerable.Range(0, count).OrderBy(_ => _random.Next()).Take(wanted).ToArray();

        private float[] Uniform(int count, double low, double high, Func<int, double> offset) =>
            [.. Enumerable.Range(0, count).Select(i => (float)(low + (high - low) * _random.NextDouble() + offset(i)))];
    }
}
