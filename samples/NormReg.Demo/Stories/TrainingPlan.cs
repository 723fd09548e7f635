using System;
using NormReg;

namespace NormReg.Demo.Stories;

/// <summary>What every variant of a story shares: epochs, batch size, seed and the optimizer.</summary>
/// <param name="Epochs">Epochs to run, unless early stopping ends a run sooner.</param>
/// <param name="BatchSize">Samples per training step.</param>
/// <param name="Seed">Seed of the weights and of the shuffling.</param>
/// <param name="OptimizerName">The optimizer as a reader would write it, e.g. <c>SGD(lr 1e-4, momentum 0.9)</c>.</param>
/// <param name="CreateOptimizer">A fresh optimizer per run: an optimizer keeps state for one network.</param>
public sealed record TrainingPlan(int Epochs, int BatchSize, int Seed, string OptimizerName, Func<Optimizer> CreateOptimizer);
