using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NormReg.Generators.Diagnostics;

/// <summary>Every descriptor NormReg.Gen reports, in one place. Each links to its page under <c>docs/diagnostics/</c>.</summary>
public static class DiagnosticCatalog
{
    private const string HelpBase = "https://github.com/NormReg/NormReg.Gen/blob/main/docs/diagnostics/";
    private const string Structure = "NormReg.Structure";

    public static readonly DiagnosticDescriptor InternalError = Error(
        DiagnosticIds.InternalError, "NormReg.Gen could not process a network",
        "NormReg.Gen failed on network '{0}': {1}",
        "The generator met a declaration it could not handle. No code was generated for this network; please report the declaration.");

    public static readonly DiagnosticDescriptor NoInput = Error(
        DiagnosticIds.NoInput, "Network has no [Input] row",
        "Network '{0}' has no [Input] row; add [Input(n)] as its first row",
        "Every network starts with exactly one [Input(n)] row giving the number of features per sample.");

    public static readonly DiagnosticDescriptor MultipleInputs = Error(
        DiagnosticIds.MultipleInputs, "Network has more than one [Input] row",
        "Network '{0}' already has an [Input] row; remove this one",
        "A network has exactly one [Input(n)] row, its first.");

    public static readonly DiagnosticDescriptor InputNotFirst = Error(
        DiagnosticIds.InputNotFirst, "[Input] is not the first row",
        "[Input] must be the first row of network '{0}', but '{1}' comes before it",
        "Rows are read top to bottom; the [Input(n)] row must come before every layer.");

    public static readonly DiagnosticDescriptor NotPartial = Error(
        DiagnosticIds.NotPartial, "Network class is not a non-static partial class",
        "'{0}' must be declared partial and not static, so the generator can add network '{1}' to it",
        "The generator adds the network's code to the class as another partial declaration; the class and every type that contains it must be partial, and the class cannot be static.");

    public static readonly DiagnosticDescriptor SplitDeclaration = Error(
        DiagnosticIds.SplitDeclaration, "Network rows are split over partial declarations",
        "Row '{0}' of network '{1}' is on another partial declaration; keep every row on the declaration that holds [Network]",
        "The order of rows is the order of the network, and the order of partial declarations is not defined; all rows must sit on the declaration that carries [Network].");

    public static readonly DiagnosticDescriptor RowOutsideNetwork = Error(
        DiagnosticIds.RowOutsideNetwork, "Network row outside a [Network] class",
        "'{0}' is a network row, but '{1}' has no [Network] attribute",
        "Layer and input rows only mean something on a class marked [Network]; add [Network] or remove the row.");

    public static readonly DiagnosticDescriptor NonPositiveSize = Error(
        DiagnosticIds.NonPositiveSize, "Size must be positive",
        "'{0}' needs a positive size; got {1}",
        "Input features and dense units must be at least 1.");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error(
        DiagnosticIds.DuplicateLayerName, "Layer name used twice",
        "Layer name '{0}' is used twice in network '{1}'",
        "Layer names become member names of the network class and must be unique (ignoring the case of the first letter); automatic names are the kind and a count, such as Dense1.");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        DiagnosticIds.InvalidLayerName, "Layer name is not usable",
        "Layer name '{0}' in network '{1}' cannot be used: {2}",
        "A layer name must be a C# identifier that is not a keyword and not the name of a member the generator emits.");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        DiagnosticIds.NoLayers, "Network has no layers",
        "Network '{0}' has no rows after [Input]; add at least one layer such as [Dense(n)]",
        "A network needs at least one layer after its input row.");

    public static readonly DiagnosticDescriptor InvalidArgument = Error(
        DiagnosticIds.InvalidArgument, "Argument out of range",
        "'{0}': {1}",
        "An attribute argument has a value the attribute does not accept.");

    public static readonly DiagnosticDescriptor MisplacedModifier = Error(
        DiagnosticIds.MisplacedModifier, "Modifier does not apply to the row before it",
        "'{0}' in network '{1}' {2}",
        "A modifier attaches to the row before it: input scaling ([ZScore], [MinMax]) to the [Input] row, penalties ([L1], [L2], [L1L2]) to a layer with weights (Dense, BatchNorm, LayerNorm), and [MaxNorm] to a Dense layer.");

    public static readonly DiagnosticDescriptor RepeatedModifier = Error(
        DiagnosticIds.RepeatedModifier, "Row already has such a modifier",
        "'{0}' repeats a modifier of the same family on '{1}' in network '{2}'; keep one",
        "A row takes at most one input scaling, one penalty ([L1], [L2] or [L1L2]; combine them with [L1L2]) and one [MaxNorm].");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        InternalError, NoInput, MultipleInputs, InputNotFirst, NotPartial, SplitDeclaration,
        RowOutsideNetwork, NonPositiveSize, DuplicateLayerName, InvalidLayerName, NoLayers, InvalidArgument,
        MisplacedModifier, RepeatedModifier);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor Get(string id) => ById[id];

    private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
        new(id, title, message, Structure, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpBase + id + ".md");
}
