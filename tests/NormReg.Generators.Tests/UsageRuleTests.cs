using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>The rules on how networks are called (NRG100, NRG106–NRG108): each fires at the marked span, near misses stay silent.</summary>
public sealed class UsageRuleTests
{
    private const string Networks = """
        using NormReg;
        namespace App;
        [Network] [Input(2)] [Dense(4)] [ReLU] [Dropout(0.5)] [Dense(2)] public partial class DropNet;
        [Network] [Input(2)] [Dense(4, UseBias = false)] [BatchNorm] [ReLU] [Dense(2)] public partial class NormNet;
        [Network] [Input(2)] [Dense(4), L2(1e-4)] [ReLU] [Dense(2)] public partial class DecayNet;
        [Network] [Input(2)] [Dense(4)] [ReLU] [Dense(2)] public partial class PlainNet;

        """;

    [Theory]
    [InlineData("OutputsUsedWithoutBackward", """
        public static class Use
        {
            public static bool FirstWins(DropNet net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, {|NRG100:ForwardMode.Training|});
                return y[0] > y[1];
            }
        }
        """)]
    [InlineData("InsideAnEvaluationMethod", """
        public static class Use
        {
            public static int EvaluateAccuracy(NormNet net, float[] x, float[] y)
            {
                net.Forward(x, y, 4, {|NRG100:ForwardMode.Training|});
                return 0;
            }
        }
        """)]
    [InlineData("BackwardOnlyOnAnotherBranchBefore", """
        public static class Use
        {
            public static float Last(DropNet net, float[] x, float[] g, bool train)
            {
                var y = new float[2];
                if (train) net.Backward(g, 1);
                net.Forward(x, y, 1, {|NRG100:NormReg.ForwardMode.Training|});
                return y[1];
            }
        }
        """)]
    [InlineData("InsideALocalFunction", """
        public static class Use
        {
            public static float Run(DropNet net, float[] x)
            {
                return EvaluateFirst();

                float EvaluateFirst()
                {
                    var y = new float[2];
                    net.Forward(x, y, 1, {|NRG100:ForwardMode.Training|});
                    return y[0];
                }
            }
        }
        """)]
    [InlineData("InsideALambda", """
        public static class Use
        {
            public static System.Func<float> Scorer(DropNet net, float[] x) => () =>
            {
                var y = new float[2];
                net.Forward(x, y, 1, {|NRG100:ForwardMode.Training|});
                return y[0] + y[1];
            };
        }
        """)]
    [InlineData("BatchNormWithBatchOfOne", """
        public static class Use
        {
            public static float Step(NormNet net, float[] x, int[] labels, Optimizer optimizer) => net.TrainStep(x, labels, {|NRG106:1|}, optimizer);
        }
        """)]
    [InlineData("BatchNormFitWithBatchOfOne", """
        public static class Use
        {
            public static History Train(NormNet net, float[] x, int[] y) => net.Fit(x, y, new Sgd(0.1), new FitOptions { BatchSize = {|NRG106:1|} });
        }
        """)]
    [InlineData("BatchNormWithBatchOfTwoIsInformation", """
        public static class Use
        {
            public static float Step(NormNet net, float[] x, int[] labels, Optimizer optimizer) => net.TrainStep(x, labels, {|NRG111:2|}, optimizer);
        }
        """)]
    [InlineData("L2WithAdamW", """
        public static class Use
        {
            public static float Step(DecayNet net, float[] x, int[] labels) => net.TrainStep(x, labels, 8, {|NRG107:new AdamW(1e-3)|});
        }
        """)]
    [InlineData("L2WithAdamWVariable", """
        public static class Use
        {
            public static History Train(DecayNet net, float[] x, int[] y)
            {
                var optimizer = new AdamW();
                return net.Fit(x, y, {|NRG107:optimizer|});
            }
        }
        """)]
    [InlineData("EarlyStoppingWithoutValidation", """
        public static class Use
        {
            public static FitOptions Options() => new() { Epochs = 50, {|NRG108:EarlyStopping = new EarlyStopping { Patience = 3 }|} };
        }
        """)]
    public void Fires_at_the_marked_expression(string name, string markup) => RuleAssert.Exactly(name, Networks + markup);

    [Theory]
    [InlineData("BackwardFollows", """
        public static class Use
        {
            public static void Step(DropNet net, float[] x, float[] y, float[] g, Optimizer optimizer)
            {
                for (int i = 0; i < 3; i++)
                {
                    net.Forward(x, y, 1, ForwardMode.Training);
                    g[0] = y[0] - 1;
                    net.Backward(g, 1);
                    net.Update(optimizer);
                }
            }
        }
        """)]
    [InlineData("EvaluationNamedGradientComputation", """
        public static class Use
        {
            public static void EvaluateLossAndGradient(NormNet net, float[] x, float[] y, float[] g)
            {
                net.Forward(x, y, 4, ForwardMode.Training);
                net.Backward(g, 4);
            }
        }
        """)]
    [InlineData("MonteCarloSampling", """
        public static class Use
        {
            public static float PredictUncertainty(DropNet net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, ForwardMode.Sampling);
                return y[0];
            }
        }
        """)]
    [InlineData("InferenceMode", """
        public static class Use
        {
            public static float Evaluate(NormNet net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, ForwardMode.Inference);
                return y[0];
            }
        }
        """)]
    [InlineData("NetworkWithoutTrainingBehaviour", """
        public static class Use
        {
            public static float Evaluate(PlainNet net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, ForwardMode.Training);
                return y[0];
            }
        }
        """)]
    [InlineData("BatchOfOneWithoutBatchNorm", """
        public static class Use
        {
            public static float Step(DropNet net, float[] x, int[] labels, Optimizer optimizer) => net.TrainStep(x, labels, 1, optimizer);
        }
        """)]
    [InlineData("PredictBatchOfOne", """
        public static class Use
        {
            public static void Serve(NormNet net, float[] x, float[] y) => net.Predict(x, y, 1);
        }
        """)]
    [InlineData("AdamWithL2", """
        public static class Use
        {
            public static float Step(DecayNet net, float[] x, int[] labels) => net.TrainStep(x, labels, 8, new Adam(1e-3));
        }
        """)]
    [InlineData("AdamWWithoutDecay", """
        public static class Use
        {
            public static float Step(DecayNet net, float[] x, int[] labels) => net.TrainStep(x, labels, 8, new AdamW(1e-3, weightDecay: 0));
        }
        """)]
    [InlineData("AdamWWithoutL2", """
        public static class Use
        {
            public static float Step(PlainNet net, float[] x, int[] labels) => net.TrainStep(x, labels, 8, new AdamW(1e-3));
        }
        """)]
    [InlineData("EarlyStoppingWithSplit", """
        public static class Use
        {
            public static FitOptions Options() => new() { ValidationSplit = 0.2, EarlyStopping = new EarlyStopping { Patience = 3 } };
        }
        """)]
    [InlineData("EarlyStoppingOnTrainingLoss", """
        public static class Use
        {
            public static FitOptions Options() => new() { EarlyStopping = new EarlyStopping { Monitor = Metric.Loss } };
        }
        """)]
    public void Near_misses_stay_silent(string name, string source) => RuleAssert.Exactly(name, Networks + source);
}
