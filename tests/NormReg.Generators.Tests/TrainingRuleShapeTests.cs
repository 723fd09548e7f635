using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// NRG106–NRG111 on values that flow through locals, fields, properties and factory methods, and on networks held
/// through interfaces. Each fires at the marked span; near misses stay silent.
/// </summary>
public sealed class TrainingRuleShapeTests
{
    private const string Networks = """
        using NormReg;
        namespace App;
        [Network] [Input(2), ZScore] [Dense(4, UseBias = false)] [BatchNorm] [ReLU] [Dense(2)] public partial class NormNet;
        [Network] [Input(2)] [Dense(4), L2(1e-4)] [ReLU] [Dense(2)] public partial class DecayNet;
        [Network] [Input(2)] [Dense(4)] [ReLU] [Dense(2)] public partial class PlainNet;

        """;

    [Theory]
    [InlineData("BatchOfOneInALocalOptions", """
        public static class Use
        {
            public static History Train(NormNet net, float[] x, int[] y)
            {
                var options = new FitOptions { Epochs = 3, BatchSize = 1 };
                return net.Fit(x, y, new Sgd(0.1), {|NRG106:options|});
            }
        }
        """)]
    [InlineData("BatchOfOneInAStaticField", """
        public static class Use
        {
            private static readonly FitOptions Options = new() { BatchSize = 1 };
            public static History Train(NormNet net, float[] x, int[] y) => net.Fit(x, y, new Sgd(0.1), {|NRG106:Options|});
        }
        """)]
    [InlineData("BatchOfOneFromAFactory", """
        public static class Use
        {
            private static FitOptions Online() => new() { BatchSize = 1 };
            public static History Train(NormNet net, float[] x, int[] y) => net.Fit(x, y, new Sgd(0.1), {|NRG106:Online()|});
        }
        """)]
    [InlineData("BatchSizeInAStaticReadonlyInt", """
        public static class Use
        {
            private static readonly int Batch = 1;
            public static float Step(NormNet net, float[] x, int[] labels, Optimizer optimizer) => net.TrainStep(x, labels, {|NRG106:Batch|}, optimizer);
        }
        """)]
    [InlineData("FitThroughAnInterfaceVariable", """
        public static class Use
        {
            public static History Train(NormNet net, float[] x, int[] y)
            {
                IClassifier model = net;
                return model.Fit(x, y, new Sgd(0.1), new FitOptions { BatchSize = {|NRG106:1|} });
            }
        }
        """)]
    [InlineData("AdamWTypedAsOptimizer", """
        public static class Use
        {
            public static float Step(DecayNet net, float[] x, int[] labels)
            {
                Optimizer optimizer = new AdamW(1e-3);
                return net.TrainStep(x, labels, 8, {|NRG107:optimizer|});
            }
        }
        """)]
    [InlineData("AdamWithCoupledDecay", """
        public static class Use
        {
            public static float Step(DecayNet net, float[] x, int[] labels) => net.TrainStep(x, labels, 8, {|NRG107:new Adam(weightDecay: 1e-4)|});
        }
        """)]
    [InlineData("SgdWithCoupledDecayInAField", """
        public static class Use
        {
            private static readonly Optimizer Sgd = new Sgd(0.1, weightDecay: 5e-4);
            public static History Train(DecayNet net, float[] x, int[] y) => net.Fit(x, y, {|NRG107:Sgd|});
        }
        """)]
    [InlineData("EarlyStoppingWithAZeroSplit", """
        public static class Use
        {
            public static FitOptions Options() => new() { ValidationSplit = 0, {|NRG108:EarlyStopping = new EarlyStopping { Patience = 3 }|} };
        }
        """)]
    [InlineData("EarlyStoppingFromAVariable", """
        public static class Use
        {
            public static FitOptions Options()
            {
                var stopping = new EarlyStopping { Monitor = Metric.ValidationAccuracy };
                return new() { {|NRG108:EarlyStopping = stopping|} };
            }
        }
        """)]
    [InlineData("NormalizationOnDataFitSplits", """
        public static class Use
        {
            public static History Train(NormNet net, float[] x, int[] y)
            {
                net.FitNormalization({|NRG109:x|});
                return net.Fit(x, y, new Adam(), new FitOptions { ValidationSplit = 0.2 });
            }
        }
        """)]
    [InlineData("NormalizationOnValidationFeatures", """
        public static class Use
        {
            public static History Train(NormNet net, float[] x, int[] y, float[] vx, int[] vy)
            {
                net.FitNormalization({|NRG109:vx|});
                return net.Fit(x, y, new Adam(), new FitOptions { ValidationFeatures = vx, ValidationLabels = vy });
            }
        }
        """)]
    [InlineData("NormalizationOnTestFeatures", """
        public static class Use
        {
            public static double Train(NormNet net, float[] x, int[] y, float[] tx, int[] ty)
            {
                net.FitNormalization({|NRG109:tx|});
                net.Fit(x, y, new Adam());
                return net.Evaluate(tx, ty).Accuracy;
            }
        }
        """)]
    [InlineData("ValidationSplitOfSortedLabels", """
        public static class Use
        {
            private static readonly int[] Labels = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
            public static History Train(PlainNet net, float[] x)
            {
                int[] labels = new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
                return net.Fit(x, {|NRG110:labels|}, new Adam(), new FitOptions { ValidationSplit = 0.3 });
            }
        }
        """)]
    [InlineData("BatchNormWithASmallConstantBatch", """
        public static class Use
        {
            public static float Step(NormNet net, float[] x, int[] labels, Optimizer optimizer) => net.TrainStep(x, labels, {|NRG111:4|}, optimizer);
        }
        """)]
    [InlineData("BatchNormFitWithASmallBatchInAField", """
        public static class Use
        {
            private const int Batch = 2;
            public static History Train(NormNet net, float[] x, int[] y) => net.Fit(x, y, new Sgd(0.1), new FitOptions { BatchSize = {|NRG111:Batch|} });
        }
        """)]
    public void Fires_at_the_marked_span(string name, string markup) => RuleAssert.Exactly(name, Networks + markup);

    [Theory]
    [InlineData("BatchOfEightInALocalOptions", """
        public static class Use
        {
            public static History Train(NormNet net, float[] x, int[] y)
            {
                var options = new FitOptions { BatchSize = 8 };
                return net.Fit(x, y, new Sgd(0.1), options);
            }
        }
        """)]
    [InlineData("BatchOfOneOnAPlainNetworkThroughAnInterface", """
        public static class Use
        {
            public static History Train(PlainNet net, float[] x, int[] y)
            {
                IClassifier model = net;
                return model.Fit(x, y, new Sgd(0.1), new FitOptions { BatchSize = 1 });
            }
        }
        """)]
    [InlineData("ZeroWeightDecayInAVariable", """
        public static class Use
        {
            public static float Step(DecayNet net, float[] x, int[] labels)
            {
                const double decay = 0;
                var optimizer = new AdamW(1e-3, weightDecay: decay);
                return net.TrainStep(x, labels, 8, optimizer);
            }
        }
        """)]
    [InlineData("AdamWithoutDecayOnL2Rows", """
        public static class Use
        {
            public static float Step(DecayNet net, float[] x, int[] labels) => net.TrainStep(x, labels, 8, new Adam(weightDecay: 0));
        }
        """)]
    [InlineData("EarlyStoppingVariableOnTrainingLoss", """
        public static class Use
        {
            public static FitOptions Options()
            {
                var stopping = new EarlyStopping { Monitor = Metric.Loss, Patience = 2 };
                return new() { EarlyStopping = stopping };
            }
        }
        """)]
    [InlineData("EarlyStoppingWithASplitInAField", """
        public static class Use
        {
            private static readonly double Split = 0.2;
            public static FitOptions Options() => new() { ValidationSplit = Split, EarlyStopping = new EarlyStopping() };
        }
        """)]
    [InlineData("NormalizationOnTheTrainingPart", """
        public static class Use
        {
            public static History Train(NormNet net, float[] x, int[] y)
            {
                net.FitNormalization(x.AsSpan(0, x.Length * 8 / 10));
                return net.Fit(x, y, new Adam(), new FitOptions { ValidationSplit = 0.2 });
            }
        }
        """)]
    [InlineData("NormalizationOnTrainingDataWithoutSplit", """
        public static class Use
        {
            public static double Train(NormNet net, float[] x, int[] y)
            {
                net.FitNormalization(x);
                net.Fit(x, y, new Adam());
                return net.Evaluate(x, y).Loss;
            }
        }
        """)]
    [InlineData("ValidationSplitOfShuffledLabels", """
        public static class Use
        {
            public static History Train(PlainNet net, float[] x) =>
                net.Fit(x, new[] { 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0 }, new Adam(), new FitOptions { ValidationSplit = 0.3 });
        }
        """)]
    [InlineData("BatchNormWithABatchOfEight", """
        public static class Use
        {
            public static float Step(NormNet net, float[] x, int[] labels, Optimizer optimizer) => net.TrainStep(x, labels, 8, optimizer);
        }
        """)]
    [InlineData("SmallBatchWithoutBatchNorm", """
        public static class Use
        {
            public static float Step(PlainNet net, float[] x, int[] labels, Optimizer optimizer) => net.TrainStep(x, labels, 4, optimizer);
        }
        """)]
    public void Near_misses_stay_silent(string name, string source) => RuleAssert.Exactly(name, Networks + source);
}
