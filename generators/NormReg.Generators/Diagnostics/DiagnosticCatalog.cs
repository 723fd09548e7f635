using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NormReg.Generators.Diagnostics;

/// <summary>Every descriptor NormReg.Gen reports, in one place. Each links to its page under <c>docs/diagnostics/</c>.</summary>
internal static class DiagnosticCatalog
{
    private const string HelpBase = "https://github.com/NormReg/NormReg.Gen/blob/main/docs/diagnostics/";
    private const string Structure = "NormReg.Structure";
    private const string Inference = "NormReg.Inference";
    private const string Design = "NormReg.Design";
    private const string Training = "NormReg.Training";

    public static readonly DiagnosticDescriptor InternalError = Error(
        DiagnosticIds.InternalError, "NormReg.Gen could not process a network",
        "NormReg.Gen failed on network '{0}': {1}",
        "The generator met a declaration it could not handle. No code was generated for this network, and every other network was; please report the declaration.");

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
        "Input features, image channels, height and width, dense units, convolution filters and kernel sizes, and pooling windows must be at least 1.");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error(
        DiagnosticIds.DuplicateLayerName, "Layer name used twice",
        "Layer name '{0}' is used twice in network '{1}'",
        "Layer names become member names of the network class and must be unique (ignoring the case of the first letter); automatic names are the kind and a count, such as Dense1.");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        DiagnosticIds.InvalidLayerName, "Layer name is not usable",
        "Layer name '{0}' in network '{1}' cannot be used: {2}",
        "A layer name must be a C# identifier that is not a keyword, has no invisible formatting character (C# ignores those in identifiers), and is not the name of a member the generator emits.");

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
        "A modifier attaches to the row before it: input scaling ([ZScore], [MinMax]) to the [Input] row, penalties ([L1], [L2], [L1L2]) to a layer with weights (Dense, Conv2D, BatchNorm, LayerNorm), and [MaxNorm] to a Dense or Conv2D layer.");

    public static readonly DiagnosticDescriptor RepeatedModifier = Error(
        DiagnosticIds.RepeatedModifier, "Row already has such a modifier",
        "'{0}' repeats a modifier of the same family on '{1}' in network '{2}'; keep one",
        "A row takes at most one input scaling, one penalty ([L1], [L2] or [L1L2]; combine them with [L1L2]) and one [MaxNorm].");

    public static readonly DiagnosticDescriptor UnusableClass = Error(
        DiagnosticIds.UnusableClass, "Class cannot hold the generated network",
        "'{0}' cannot hold network '{1}': {2}",
        "The generator adds members, fields and a constructor to the network class, in a file of its own: the class may not have the name of one of those members, may not have a primary constructor (the generated constructor could not call it), may not be a record (copies would share its buffers), and neither it nor a type around it may be file-local. Its own members may not take a generated name, its own constructors must call the generated one through this(…), and its base class must have an accessible constructor without arguments, no visible member with a generated name, and must not be a network.");

    public static readonly DiagnosticDescriptor ShapeDoesNotFit = Error(
        DiagnosticIds.ShapeDoesNotFit, "Kernel or window does not fit its input",
        "'{0}': {1}",
        "Every shape is computed at compile time from the [Input(channels, height, width)] row down. A convolution kernel without padding, or a pooling window, larger than the image it reads leaves no output; pool less, pad the convolution (Padding = Padding.Same) or start from a larger image.");

    public static readonly DiagnosticDescriptor ImageRowOnVector = Error(
        DiagnosticIds.ImageRowOnVector, "Image row on a vector",
        "'{0}' {1}; declare the input as [Input(channels, height, width)] or move the row before [Flatten] or [GlobalAvgPool]",
        "Convolution, pooling, spatial dropout and the augmentation rows (flip, rotation, translation) read images: channels of height × width pixels. A vector input, [Flatten], [GlobalAvgPool] and [Dense] leave a vector, on which they have nothing to slide over.");

    public static readonly DiagnosticDescriptor VectorRowOnImage = Error(
        DiagnosticIds.VectorRowOnImage, "Vector row on an image without [Flatten]",
        "'{0}' {1}; insert [Flatten] (or [GlobalAvgPool]) before it",
        "[Dense] and [Softmax] read vectors. On an image PyTorch's nn.Linear and Keras' Dense act on the last axis only, which is rarely what was meant; say how the image becomes a vector: [Flatten] keeps every value, [GlobalAvgPool] averages each channel.");

    public static readonly DiagnosticDescriptor TrainingModeAtInference = Warning(
        DiagnosticIds.TrainingModeAtInference, Inference, "Training-mode forward pass used for inference",
        "'{0}' runs '{1}' in training mode ({2}) {3}; use Predict or ForwardMode.Inference, or ForwardMode.Sampling for Monte-Carlo dropout",
        "In training mode dropout and noise are drawn and BatchNorm normalizes with the batch's statistics (and updates its running ones), so outputs are random and depend on the rest of the batch. A training-mode Forward whose outputs are used without a Backward, or one inside a method that evaluates, predicts or tests, is almost always the classic bug of model.train() left on at evaluation.");

    public static readonly DiagnosticDescriptor DropoutBeforeBatchNorm = Warning(
        DiagnosticIds.DropoutBeforeBatchNorm, Design, "Dropout or noise directly before BatchNorm",
        "'{0}' comes directly before '{1}': it shifts the variance BatchNorm sees in training away from the one it sees at inference; move it after the BatchNorm",
        "BatchNorm's running variance is accumulated under dropout, spatial dropout or noise in training, but applied without it at inference: the variance shift of Li et al., 'Understanding the Disharmony between Dropout and Batch Normalization' (CVPR 2019). Put dropout after the normalization.");

    public static readonly DiagnosticDescriptor BiasBeforeBatchNorm = Warning(
        DiagnosticIds.BiasBeforeBatchNorm, Design, "Dense or Conv2D bias before BatchNorm is redundant",
        "'{0}' has a bias, but '{1}' right after it subtracts the batch mean, which cancels it; set UseBias = false",
        "BatchNorm subtracts the mean of each feature (of each channel, after a convolution), so a constant added by the Dense or Conv2D layer before it has no effect on the output; its β plays the role of the bias. Ioffe and Szegedy (2015) drop it.");

    public static readonly DiagnosticDescriptor PenaltyOnNormalization = Warning(
        DiagnosticIds.PenaltyOnNormalization, Design, "Penalty on normalization parameters",
        "'{0}' penalizes the γ of '{1}'; normalization parameters are usually left unregularized",
        "BatchNorm makes the layer before it scale-invariant, and decaying γ or β mostly changes the effective learning rate rather than constraining the model; common practice (and PyTorch parameter groups in reference implementations) excludes them from weight decay.");

    public static readonly DiagnosticDescriptor DropoutAfterLastWeights = Warning(
        DiagnosticIds.DropoutAfterLastWeights, Design, "Dropout or noise after the last weight layer",
        "'{0}' comes after the last weight layer of network '{1}' and perturbs its outputs directly; move it before the last Dense or Conv2D",
        "Dropout, spatial dropout or noise after the final Dense (or Conv2D) layer acts on the outputs: it zeroes or jitters predictions instead of regularizing learned features, and no weight can adapt to it.");

    public static readonly DiagnosticDescriptor DoubleActivation = Warning(
        DiagnosticIds.DoubleActivation, Design, "Output activation repeated by the loss",
        "'{0}' ends network '{1}', whose loss {2} already applies {3}; remove the row",
        "SoftmaxCrossEntropy applies softmax to the outputs and BinaryCrossEntropy applies the sigmoid; a [Softmax] or [Sigmoid] row before them applies it twice, which flattens the gradients and slows or stalls training.");

    public static readonly DiagnosticDescriptor BatchNormBatchOfOne = Warning(
        DiagnosticIds.BatchNormBatchOfOne, Training, "BatchNorm trained with batches of one",
        "This trains '{0}' with a batch size of 1, but '{1}' needs at least 2 samples per training batch",
        "BatchNorm normalizes with the statistics of the batch; one sample has no variance. PyTorch raises 'Expected more than 1 value per channel when training', and so does the generated code at run time.");

    public static readonly DiagnosticDescriptor L2WithAdamW = Warning(
        DiagnosticIds.L2WithAdamW, Training, "L2 rows and AdamW weight decay together",
        "'{0}' has L2 rows ({1}) and is trained with {2}, which decays the weights again; keep the L2 rows with an optimizer without weight decay, or the weight decay without the L2 rows",
        "An [L2] row adds λ·Σw² to the loss. AdamW also shrinks every weight by lr·λ each step (decoupled decay), and Adam or Sgd given a weightDecay add λ·w to every gradient (coupled decay, the same as a second L2 penalty). Together they penalize the weights twice, which is rarely intended (Loshchilov and Hutter, 2019).");

    public static readonly DiagnosticDescriptor EarlyStoppingWithoutValidation = Warning(
        DiagnosticIds.EarlyStoppingWithoutValidation, Training, "Early stopping without validation data",
        "Early stopping monitors {0}, but these FitOptions give no validation data; set ValidationFeatures or ValidationSplit, or monitor a training metric",
        "Early stopping on a validation metric needs a validation set: without one there is nothing to monitor. Fit rejects such options before the first epoch; Keras only warns and never stops early.");

    public static readonly DiagnosticDescriptor NormalizationOnHeldOutData = Warning(
        DiagnosticIds.NormalizationOnHeldOutData, Training, "Input statistics fitted on validation or test data",
        "'{0}' fits the input statistics of '{1}' on '{2}', which {3}; fit them on the training part only",
        "FitNormalization computes the means and deviations (or minima and maxima) the network scales its inputs with. Fitted on data that also serves to validate or test, the held-out samples leak into the model and the validation or test score is optimistic. ValidationSplit holds out the last part of the array given to Fit, so statistics fitted on that whole array include the validation samples: fit them on the first part (features.AsSpan(0, trainCount * InputSize)) or split the data yourself. scikit-learn's rule: fit the scaler inside the training fold.");

    public static readonly DiagnosticDescriptor ValidationSplitMissesClasses = Warning(
        DiagnosticIds.ValidationSplitMissesClasses, Training, "Validation split cannot represent the classes",
        "ValidationSplit = {0} holds out the last {1} of {2} samples, whose labels {3}; shuffle the samples before Fit, or pass ValidationFeatures and ValidationLabels",
        "ValidationSplit takes the last fraction of the arrays before any shuffling (Keras semantics). On data sorted by class, that fraction holds one class, or misses classes that training has, and every validation metric is meaningless. Fit refuses such a split at run time; this rule reports it where the labels are constants the compiler can see.");

    public static readonly DiagnosticDescriptor BatchNormSmallBatch = Info(
        DiagnosticIds.BatchNormSmallBatch, Training, "BatchNorm trained with a small batch",
        "This trains '{0}' with a constant batch size of {1}; '{2}' estimates its statistics from so few samples that they are noisy, and training and inference disagree",
        "BatchNorm normalizes each training batch with its own mean and variance. Below about 8 samples these estimates are noisy: Wu and He (Group Normalization, 2018) report ImageNet error rising steeply as the per-device batch drops from 32 to 2, and Ioffe (Batch Renormalization, 2017) shows the same for small batches. Use a batch of at least 8, or LayerNorm, which does not depend on the batch.");

    public static readonly DiagnosticDescriptor AugmentationAfterWeights = Warning(
        DiagnosticIds.AugmentationAfterWeights, Design, "Augmentation after a weight layer",
        "'{0}' augments what '{1}' computed, not the images; move it right after the [Input] row",
        "Flips, rotations and translations regularize by showing the network modified versions of the data (the images). After a convolution they transform feature maps the network has learned, which is not data augmentation and rarely helps; Keras and torchvision apply them to the input.");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        InternalError, NoInput, MultipleInputs, InputNotFirst, NotPartial, SplitDeclaration,
        RowOutsideNetwork, NonPositiveSize, DuplicateLayerName, InvalidLayerName, NoLayers, InvalidArgument,
        MisplacedModifier, RepeatedModifier, UnusableClass, ShapeDoesNotFit, ImageRowOnVector, VectorRowOnImage, TrainingModeAtInference, DropoutBeforeBatchNorm, BiasBeforeBatchNorm,
        PenaltyOnNormalization, DropoutAfterLastWeights, DoubleActivation, BatchNormBatchOfOne, L2WithAdamW, EarlyStoppingWithoutValidation,
        NormalizationOnHeldOutData, ValidationSplitMissesClasses, BatchNormSmallBatch, AugmentationAfterWeights);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor Get(string id) => ById[id];

    private static DiagnosticDescriptor Warning(string id, string category, string title, string message, string description) =>
        new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description, HelpBase + id + ".md");

    private static DiagnosticDescriptor Info(string id, string category, string title, string message, string description) =>
        new(id, title, message, category, DiagnosticSeverity.Info, isEnabledByDefault: true, description, HelpBase + id + ".md");

    private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
        new(id, title, message, Structure, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpBase + id + ".md");
}
