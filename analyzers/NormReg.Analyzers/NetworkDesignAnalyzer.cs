using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NormReg.Generators.Diagnostics;
using NormReg.Generators.Model;
using NormReg.Generators.Parsing;

namespace NormReg.Analyzers;

/// <summary>
/// Rules on the rows of a valid network: dropout before BatchNorm, directly or across activations (NRG101), a bias before BatchNorm (NRG102),
/// penalties on normalization parameters (NRG103), dropout after the last weight layer (NRG104), an output
/// activation the loss applies again, also when dropout or noise follows it (NRG105), and augmentation after a weight layer (NRG112).
/// Spatial dropout counts as dropout and Conv2D as a weight layer throughout.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkDesignAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property of an NRG101 diagnostic: where the moved row goes (after this position).</summary>
    public const string InsertAfterProperty = "InsertAfter";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticCatalog.DropoutBeforeBatchNorm, DiagnosticCatalog.BiasBeforeBatchNorm, DiagnosticCatalog.PenaltyOnNormalization,
        DiagnosticCatalog.DropoutAfterLastWeights, DiagnosticCatalog.DoubleActivation, DiagnosticCatalog.AugmentationAfterWeights);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        if (NetworkRows.Read((INamedTypeSymbol)context.Symbol, context.CancellationToken) is not { } network) return;
        IReadOnlyList<LayerRows> layers = network.Layers;
        int firstWeights = -1, lastWeights = -1;
        for (int i = 0; i < layers.Count; i++)
        {
            if (!layers[i].Layer.IsWeightLayer) continue;
            if (firstWeights < 0) firstWeights = i;
            lastWeights = i;
        }

        for (int i = 0; i < layers.Count; i++)
        {
            LayerRows layer = layers[i];
            LayerRows? next = i + 1 < layers.Count ? layers[i + 1] : null;
            // Dropout(0) draws nothing and changes nothing.
            bool stochastic = layer.Layer.Kind == LayerKind.GaussianNoise || layer.Layer is { Kind: LayerKind.Dropout or LayerKind.SpatialDropout, Rate: > 0 };

            // Activations between them do not change the shift: [Dropout][ReLU][BatchNorm] has it too.
            LayerRows? batchNormAfter = next;
            for (int j = i + 1; j < layers.Count && IsActivation(layers[j].Layer.Kind); j++) batchNormAfter = j + 1 < layers.Count ? layers[j + 1] : null;
            if (stochastic && batchNormAfter?.Layer.Kind == LayerKind.BatchNorm)
            {
                LayerRows target = batchNormAfter;
                Row last = target.Modifiers.Count > 0 ? target.Modifiers[target.Modifiers.Count - 1] : target.Row;
                var properties = ImmutableDictionary<string, string?>.Empty.Add(InsertAfterProperty, last.Syntax.SpanStart.ToString(CultureInfo.InvariantCulture));
                Report(context, DiagnosticCatalog.DropoutBeforeBatchNorm, layer.Row, properties, layer.Row.Text, target.Row.Text);
            }
            if (layer.Layer.IsWeightLayer && layer.Layer.UseBias && next?.Layer.Kind == LayerKind.BatchNorm)
            {
                Report(context, DiagnosticCatalog.BiasBeforeBatchNorm, layer.Row, null, layer.Row.Text, next.Row.Text);
            }
            if (layer.Layer.Kind is LayerKind.BatchNorm or LayerKind.LayerNorm)
            {
                foreach (Row modifier in layer.Modifiers)
                {
                    if (modifier.Modifier is ModifierKind.L1 or ModifierKind.L2 or ModifierKind.L1L2)
                    {
                        Report(context, DiagnosticCatalog.PenaltyOnNormalization, modifier, null, modifier.Text, layer.Layer.Name);
                    }
                }
            }
            if (stochastic && i > lastWeights)
            {
                Report(context, DiagnosticCatalog.DropoutAfterLastWeights, layer.Row, null, layer.Row.Text, network.Spec.Identifier);
            }
            if (layer.Layer.IsAugmentation && firstWeights >= 0 && i > firstWeights)
            {
                Report(context, DiagnosticCatalog.AugmentationAfterWeights, layer.Row, null, layer.Row.Text, layers[firstWeights].Row.Text);
            }
        }

        // The output activation is the last row but trailing dropout or noise ([Softmax][Dropout]: NRG104 reports the dropout).
        int outputIndex = layers.Count - 1;
        while (outputIndex > 0 && layers[outputIndex].Layer.IsTrainingOnly) outputIndex--;
        LayerRows output = layers[outputIndex];
        (LayerKind activation, string applied) = network.Spec.Loss switch
        {
            LossKind.SoftmaxCrossEntropy => (LayerKind.Softmax, "softmax"),
            LossKind.BinaryCrossEntropy => (LayerKind.Sigmoid, "the sigmoid"),
            _ => ((LayerKind)(-1), ""),
        };
        if (output.Layer.Kind == activation)
        {
            Report(context, DiagnosticCatalog.DoubleActivation, output.Row, null, output.Row.Text, network.Spec.Identifier, network.Spec.Loss.ToString(), applied);
        }
    }

    private static bool IsActivation(LayerKind kind) => kind is LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.Tanh or LayerKind.Sigmoid or LayerKind.GELU;

    private static void Report(SymbolAnalysisContext context, DiagnosticDescriptor descriptor, Row row, ImmutableDictionary<string, string?>? properties, params object[] arguments) =>
        context.ReportDiagnostic(Diagnostic.Create(descriptor, row.Location, properties, arguments));
}
