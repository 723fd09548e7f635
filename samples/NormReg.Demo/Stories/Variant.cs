using System;
using NormReg;
using NormReg.Demo.Data;

namespace NormReg.Demo.Stories;

/// <summary>One row of a story: a network, built fresh for its run, and whether the run stops early.</summary>
/// <param name="Name">The name in progress output, tables and plot legends.</param>
/// <param name="CreateNetwork">Builds the network for a training set (a network with <c>[ZScore]</c> fits its statistics on it).</param>
/// <param name="CreateEarlyStopping">Builds the early-stopping rule of the run; <see langword="null"/> to run every epoch.</param>
public sealed record Variant(string Name, Func<Dataset, IClassifier> CreateNetwork, Func<EarlyStopping>? CreateEarlyStopping = null);
