using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>The rules on a network's rows (NRG101–NRG105): each fires at the marked span, and near misses stay silent.</summary>
public sealed class DesignRuleTests
{
    private const string Usings = "using NormReg;\nnamespace App;\n";

    [Theory]
    [InlineData("DropoutBeforeBatchNorm", "[Network] [Input(4)] [Dense(8)] [ReLU] [{|NRG101:Dropout(0.5)|}] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("NoiseBeforeBatchNorm", "[Network] [Input(4)] [{|NRG101:GaussianNoise(0.1)|}] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("BiasBeforeBatchNorm", "[Network] [Input(4)] [{|NRG102:Dense(8)|}] [BatchNorm] [ReLU] [Dense(3)] public partial class Net;")]
    [InlineData("ExplicitBiasBeforeBatchNorm", "[Network] [Input(4)] [{|NRG102:Dense(8, UseBias = true)|}, L2(1e-4)] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("L2OnBatchNorm", "[Network] [Input(4)] [Dense(8, UseBias = false)] [BatchNorm, {|NRG103:L2(1e-4)|}] [Dense(3)] public partial class Net;")]
    [InlineData("L1OnLayerNorm", "[Network] [Input(4)] [Dense(8)] [LayerNorm, {|NRG103:L1(1e-4)|}] [Dense(3)] public partial class Net;")]
    [InlineData("DropoutOnLogits", "[Network] [Input(4)] [Dense(8)] [ReLU] [Dense(3)] [{|NRG104:Dropout(0.2)|}] public partial class Net;")]
    [InlineData("NoiseOnOutputs", "[Network(Loss = Loss.MeanSquaredError)] [Input(4)] [Dense(3)] [{|NRG104:GaussianNoise(0.1)|}] [Tanh] public partial class Net;")]
    [InlineData("DoubleSoftmax", "[Network(Loss = Loss.SoftmaxCrossEntropy)] [Input(4)] [Dense(3)] [{|NRG105:Softmax|}] public partial class Net;")]
    [InlineData("DoubleSigmoid", "[Network(Loss = Loss.BinaryCrossEntropy)] [Input(4)] [Dense(1)] [{|NRG105:Sigmoid|}] public partial class Net;")]
    [InlineData("DropoutActivationBatchNorm", "[Network] [Input(4)] [Dense(8)] [{|NRG101:Dropout(0.5)|}] [ReLU] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("NoiseTwoActivationsBatchNorm", "[Network] [Input(4)] [{|NRG101:GaussianNoise(0.1)|}] [Tanh] [GELU] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("SoftmaxThenDropoutAtTheEnd", "[Network(Loss = Loss.SoftmaxCrossEntropy)] [Input(4)] [Dense(3)] [{|NRG105:Softmax|}] [{|NRG104:Dropout(0.2)|}] public partial class Net;")]
    [InlineData("SpatialDropoutBeforeBatchNorm", "[Network] [Input(1, 8, 8)] [Conv2D(4, 3, UseBias = false)] [{|NRG101:SpatialDropout(0.2)|}] [BatchNorm] [Flatten] [Dense(3)] public partial class Net;")]
    [InlineData("ConvBiasBeforeBatchNorm", "[Network] [Input(1, 8, 8)] [{|NRG102:Conv2D(4, 3)|}] [BatchNorm] [ReLU] [Flatten] [Dense(3)] public partial class Net;")]
    [InlineData("SpatialDropoutAfterLastConv", "[Network(Loss = Loss.MeanSquaredError)] [Input(1, 8, 8)] [Conv2D(2, 3)] [{|NRG104:SpatialDropout(0.2)|}] public partial class Net;")]
    [InlineData("FlipAfterConv", "[Network] [Input(1, 8, 8)] [Conv2D(4, 3)] [{|NRG112:RandomFlip|}] [Flatten] [Dense(3)] public partial class Net;")]
    [InlineData("RotationAfterDenseStack", "[Network(Loss = Loss.MeanSquaredError)] [Input(1, 8, 8)] [RandomFlip] [Conv2D(2, 3)] [ReLU] [{|NRG112:RandomRotation(0.1)|}] [{|NRG112:RandomTranslation(0.1, 0.1)|}] [Conv2D(1, 1)] public partial class Net;")]
    public void Fires_at_the_marked_row(string name, string markup) => RuleAssert.Exactly(name, Usings + markup);

    [Theory]
    [InlineData("DropoutAfterBatchNorm", "[Network] [Input(4)] [Dense(8, UseBias = false)] [BatchNorm] [ReLU] [Dropout(0.5)] [Dense(3)] public partial class Net;")]
    [InlineData("DropoutOfZeroBeforeBatchNorm", "[Network] [Input(4)] [Dense(8, UseBias = false)] [ReLU] [Dropout(0)] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("DropoutBeforeLayerNorm", "[Network] [Input(4)] [Dense(8)] [Dropout(0.5)] [LayerNorm] [Dense(3)] public partial class Net;")]
    [InlineData("NoBiasBeforeBatchNorm", "[Network] [Input(4)] [Dense(8, UseBias = false)] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("ActivationBetweenDenseAndBatchNorm", "[Network] [Input(4)] [Dense(8)] [ReLU] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("BiasBeforeLayerNorm", "[Network] [Input(4)] [Dense(8)] [LayerNorm] [Dense(3)] public partial class Net;")]
    [InlineData("L2OnDenseBeforeBatchNorm", "[Network] [Input(4)] [Dense(8, UseBias = false), L2(1e-4)] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("L2OnDenseAfterBatchNorm", "[Network] [Input(4)] [BatchNorm] [Dense(3), L2(1e-4)] public partial class Net;")]
    [InlineData("NoiseOnTheInputs", "[Network] [Input(4)] [GaussianNoise(0.1)] [Dense(3)] public partial class Net;")]
    [InlineData("DropoutBeforeLastDense", "[Network] [Input(4)] [Dropout(0.2)] [Dense(8)] [ReLU] [Dropout(0.5)] [Dense(3)] public partial class Net;")]
    [InlineData("SoftmaxWithSquaredError", "[Network(Loss = Loss.MeanSquaredError)] [Input(4)] [Dense(3)] [Softmax] public partial class Net;")]
    [InlineData("SoftmaxInTheMiddle", "[Network] [Input(4)] [Dense(3)] [Softmax] [Dense(3)] public partial class Net;")]
    [InlineData("SigmoidWithCrossEntropy", "[Network(Loss = Loss.SoftmaxCrossEntropy)] [Input(4)] [Dense(3)] [Sigmoid] public partial class Net;")]
    [InlineData("DropoutActivationLayerNorm", "[Network] [Input(4)] [Dense(8)] [Dropout(0.5)] [ReLU] [LayerNorm] [Dense(3)] public partial class Net;")]
    [InlineData("AugmentationBeforeTheFirstConv", "[Network] [Input(1, 8, 8)] [RandomFlip] [RandomRotation(0.05)] [RandomTranslation(0.1, 0.1)] [Conv2D(4, 3)] [ReLU] [Flatten] [Dense(3)] public partial class Net;")]
    [InlineData("SpatialDropoutAfterBatchNormBeforeConv", "[Network] [Input(1, 8, 8)] [Conv2D(4, 3, UseBias = false)] [BatchNorm] [ReLU] [SpatialDropout(0.2)] [Conv2D(2, 3)] [Flatten] [Dense(3)] public partial class Net;")]
    [InlineData("DropoutActivationDenseBatchNorm", "[Network] [Input(4)] [Dense(8)] [Dropout(0.5)] [ReLU] [Dense(8, UseBias = false)] [BatchNorm] [Dense(3)] public partial class Net;")]
    [InlineData("SoftmaxDropoutDense", "[Network(Loss = Loss.SoftmaxCrossEntropy)] [Input(4)] [Dense(3)] [Softmax] [Dropout(0.2)] [Dense(3)] public partial class Net;")]
    public void Near_misses_stay_silent(string name, string source) => RuleAssert.Exactly(name, Usings + source);
}
