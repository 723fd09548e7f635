namespace NormReg.Generators.Diagnostics;

/// <summary>Stable diagnostic IDs, for code fixes, tests and <c>.editorconfig</c>.</summary>
internal static class DiagnosticIds
{
    public const string InternalError = "NRG000";
    public const string NoInput = "NRG001";
    public const string MultipleInputs = "NRG002";
    public const string InputNotFirst = "NRG003";
    public const string NotPartial = "NRG004";
    public const string SplitDeclaration = "NRG005";
    public const string RowOutsideNetwork = "NRG006";
    public const string NonPositiveSize = "NRG007";
    public const string DuplicateLayerName = "NRG008";
    public const string InvalidLayerName = "NRG009";
    public const string NoLayers = "NRG010";
    public const string InvalidArgument = "NRG011";
    public const string MisplacedModifier = "NRG012";
    public const string RepeatedModifier = "NRG013";
    public const string UnusableClass = "NRG014";
    public const string ShapeDoesNotFit = "NRG015";
    public const string ImageRowOnVector = "NRG016";
    public const string VectorRowOnImage = "NRG017";

    public const string TrainingModeAtInference = "NRG100";
    public const string DropoutBeforeBatchNorm = "NRG101";
    public const string BiasBeforeBatchNorm = "NRG102";
    public const string PenaltyOnNormalization = "NRG103";
    public const string DropoutAfterLastWeights = "NRG104";
    public const string DoubleActivation = "NRG105";
    public const string BatchNormBatchOfOne = "NRG106";
    public const string L2WithAdamW = "NRG107";
    public const string EarlyStoppingWithoutValidation = "NRG108";
    public const string NormalizationOnHeldOutData = "NRG109";
    public const string ValidationSplitMissesClasses = "NRG110";
    public const string BatchNormSmallBatch = "NRG111";
    public const string AugmentationAfterWeights = "NRG112";
}
