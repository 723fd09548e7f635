using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using NormReg.Generators.Model;

namespace NormReg.Generators.Parsing;

/// <summary>
/// The one list of the names the emitter declares in a network class, which every clash check reads: a layer,
/// the class, its type parameters, its own members and its base types' members may not take them. When the
/// emitter adds, renames or removes a member, change it here; <c>GeneratedMemberListTests</c> compiles generated
/// networks and fails when a declared name is missing.
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>Public and private methods, properties and constants every network may declare, whatever its layers.</summary>
    public static readonly ImmutableArray<string> Members = ImmutableArray.Create(
        "InputSize", "OutputSize", "ParameterCount", "MaxBatchSize", "MinimumTrainingBatch", "Parameters", "Gradients",
        "Architecture", "Predict", "Classify", "Forward", "Backward", "TrainStep", "ComputeLoss", "Update", "StateLength",
        "CopyState", "RestoreState", "Penalty", "FitNormalization", "BeginNormalizationFit", "PredictProbabilities", "PredictMonteCarlo",
        "InputStatistics", "GetDense", "GetNormalization", "InferencePrecision",
        "ForwardInference", "ForwardTraining", "ForwardSampling", "RefreshFolds", "RefreshReduced");

    /// <summary>
    /// Fields every network may declare, whatever its layers (the shared state is the runtime's, behind <c>_core</c>);
    /// a layer's own fields come from <see cref="Naming.Fields"/>.
    /// </summary>
    public static readonly ImmutableArray<string> Fields = ImmutableArray.Create("_core", "_folded", "_dInput");

    /// <summary>
    /// Names the emitter does not declare but a layer's view property must not take either: the runtime's extension
    /// methods on networks (a property would hide them) and <see cref="object"/>'s members.
    /// </summary>
    public static readonly ImmutableArray<string> HiddenByLayers = ImmutableArray.Create(
        "Save", "Load", "ExportOnnx", "Fit", "Evaluate", "Summary",
        "ToString", "Equals", "GetHashCode", "GetType", "MemberwiseClone", "ReferenceEquals", "Finalize");

    /// <summary>The parameter types of the generated constructor, <c>(int maxBatchSize = 1, int seed = 0)</c>: a constructor of the user's with these types duplicates it.</summary>
    public static readonly ImmutableArray<Microsoft.CodeAnalysis.SpecialType> ConstructorParameters =
        ImmutableArray.Create(Microsoft.CodeAnalysis.SpecialType.System_Int32, Microsoft.CodeAnalysis.SpecialType.System_Int32);

    private static readonly ImmutableHashSet<string> Fixed = Members.Concat(Fields).ToImmutableHashSet();

    /// <summary>Whether the emitter declares <paramref name="name"/> in every network (a member or a field).</summary>
    public static bool IsFixed(string name) => Fixed.Contains(name);

    /// <summary>Every name the emitter declares for <paramref name="layers"/>: each layer's view property and fields.</summary>
    public static IEnumerable<(string Name, LayerSpec Layer)> ForLayers(IEnumerable<LayerSpec> layers) =>
        layers.SelectMany(layer => Naming.Fields(layer).Prepend(layer.Name).Select(name => (name, layer)));
}
