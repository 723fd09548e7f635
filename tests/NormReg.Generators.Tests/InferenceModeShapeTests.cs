using System.Linq;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>
/// NRG100 in the shapes real code takes: the mode through variables, fields, conditionals and parameters; the network
/// through interfaces and type parameters; reads in lambdas, queries, slices and calls; helpers one call deep; and the
/// validation pass left in training mode at the end of each epoch. Each fires at the marked span; near misses stay silent.
/// </summary>
public sealed class InferenceModeShapeTests
{
    private const string Networks = """
        using System;
        using System.Linq;
        using NormReg;
        namespace App;
        [Network] [Input(2)] [Dense(4)] [ReLU] [Dropout(0.5)] [Dense(2)] public partial class DropNet;
        [Network] [Input(2)] [Dense(4, UseBias = false)] [BatchNorm] [ReLU] [Dense(2)] public partial class NormNet;
        [Network] [Input(2)] [Dense(4)] [ReLU] [Dense(2)] public partial class PlainNet;

        """;

    [Theory]
    [InlineData("ModeInALocal", """
        public static class Use
        {
            public static float First(DropNet net, float[] x)
            {
                var y = new float[2];
                var mode = ForwardMode.Training;
                net.Forward(x, y, 1, {|NRG100:mode|});
                return y[0];
            }
        }
        """)]
    [InlineData("ModeInAField", """
        public static class Use
        {
            private static readonly ForwardMode Mode = ForwardMode.Training;
            public static float First(DropNet net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, {|NRG100:Mode|});
                return y[0];
            }
        }
        """)]
    [InlineData("ModeInAConditional", """
        public static class Use
        {
            public static float First(DropNet net, float[] x, bool mc)
            {
                var y = new float[2];
                net.Forward(x, y, 1, mc ? ForwardMode.Sampling : {|NRG100:ForwardMode.Training|});
                return y[0];
            }
        }
        """)]
    [InlineData("ModeFromTheCallersArgument", """
        public static class Use
        {
            private static float Run(DropNet net, float[] x, ForwardMode mode)
            {
                var y = new float[2];
                net.Forward(x, y, 1, mode);
                return y[0];
            }
            public static float Caller(DropNet net, float[] x) => Run(net, x, {|NRG100:ForwardMode.Training|});
        }
        """)]
    [InlineData("ModeParameterDefault", """
        public static class Use
        {
            public static float First(DropNet net, float[] x, ForwardMode mode = ForwardMode.Training)
            {
                var y = new float[2];
                net.Forward(x, y, 1, {|NRG100:mode|});
                return y[0];
            }
        }
        """)]
    [InlineData("ThroughINetwork", """
        public static class Use
        {
            public static float First(INetwork net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, {|NRG100:ForwardMode.Training|});
                return y[0];
            }
        }
        """)]
    [InlineData("ThroughIClassifier", """
        public static class Use
        {
            public static float First(IClassifier net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, {|NRG100:ForwardMode.Training|});
                return y[0];
            }
        }
        """)]
    [InlineData("ThroughIRegressor", """
        public static class Use
        {
            public static float First(IRegressor net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, {|NRG100:ForwardMode.Training|});
                return y[0];
            }
        }
        """)]
    [InlineData("ThroughAGenericParameter", """
        public static class Use
        {
            public static float First<T>(T net, float[] x) where T : INetwork
            {
                var y = new float[2];
                net.Forward(x, y, 1, {|NRG100:ForwardMode.Training|});
                return y[0];
            }
        }
        """)]
    [InlineData("HelperFillsTheBufferTheCallerReads", """
        public sealed class Scorer(DropNet net)
        {
            private readonly float[] _y = new float[2];
            private void Run(float[] x) => net.Forward(x, _y, 1, ForwardMode.Training);
            public float EvaluateFirst(float[] x)
            {
                {|NRG100:Run(x)|};
                return _y[0];
            }
        }
        """)]
    [InlineData("ReadInALambda", """
        public static class Use
        {
            public static float Best(DropNet net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, {|NRG100:ForwardMode.Training|});
                return Enumerable.Range(0, 2).Select(i => y[i]).Max();
            }
        }
        """)]
    [InlineData("ReadInAQuery", """
        public static class Use
        {
            public static float Sum(NormNet net, float[] x)
            {
                var y = new float[4];
                net.Forward(x, y, 2, {|NRG100:ForwardMode.Training|});
                return (from v in y where v > 0 select v).Sum();
            }
        }
        """)]
    [InlineData("PassedOnAsASlice", """
        public static class Use
        {
            public static float First(DropNet net, float[] x)
            {
                var y = new float[4];
                net.Forward(x, y.AsSpan(0, 2), 1, {|NRG100:ForwardMode.Training|});
                return Max(y[..2]);
            }
            private static float Max(float[] values) => values.Max();
        }
        """)]
    [InlineData("ValidationPassAtTheEndOfEachEpoch", """
        public static class Use
        {
            public static float Train(DropNet net, float[] x, float[] g, float[] vx, Optimizer optimizer)
            {
                var y = new float[2];
                var vy = new float[2];
                float accuracy = 0;
                for (int epoch = 0; epoch < 10; epoch++)
                {
                    for (int b = 0; b < 4; b++)
                    {
                        net.Forward(x, y, 1, ForwardMode.Training);
                        g[0] = y[0] - 1;
                        net.Backward(g, 1);
                        net.Update(optimizer);
                    }
                    net.Forward(vx, vy, 1, {|NRG100:ForwardMode.Training|});
                    accuracy = vy[0] > vy[1] ? 1 : 0;
                }
                return accuracy;
            }
        }
        """)]
    [InlineData("ValidationPassAfterAHelperThatTrains", """
        public static class Use
        {
            private static void TrainEpoch(DropNet net, float[] x, float[] g, Optimizer optimizer)
            {
                var y = new float[2];
                net.Forward(x, y, 1, ForwardMode.Training);
                g[0] = y[0] - 1;
                net.Backward(g, 1);
                net.Update(optimizer);
            }
            public static float Train(DropNet net, float[] x, float[] g, float[] vx, Optimizer optimizer)
            {
                var vy = new float[2];
                float accuracy = 0;
                for (int epoch = 0; epoch < 10; epoch++)
                {
                    TrainEpoch(net, x, g, optimizer);
                    net.Forward(vx, vy, 1, {|NRG100:ForwardMode.Training|});
                    accuracy += vy[0];
                }
                return accuracy;
            }
        }
        """)]
    public void Fires_at_the_marked_span(string name, string markup) => RuleAssert.Exactly(name, Networks + markup);

    [Theory]
    [InlineData("BackwardInAHelperCalledAfterForward", """
        public static class Use
        {
            private static void Apply(DropNet net, float[] g, Optimizer optimizer)
            {
                net.Backward(g, 1);
                net.Update(optimizer);
            }
            public static void Step(DropNet net, float[] x, float[] g, Optimizer optimizer)
            {
                var y = new float[2];
                net.Forward(x, y, 1, ForwardMode.Training);
                g[0] = y[0] - 1;
                Apply(net, g, optimizer);
            }
        }
        """)]
    [InlineData("BatchNormStatisticsRefresh", """
        public static class Use
        {
            public static void RefreshStatistics(NormNet net, float[] x)
            {
                var y = new float[4];
                for (int i = 0; i < 10; i++) net.Forward(x, y, 2, ForwardMode.Training);
            }
        }
        """)]
    [InlineData("EvaluationNamedStatisticsRefresh", """
        public static class Use
        {
            public static void PrepareForEvaluation(NormNet net, float[] x)
            {
                var y = new float[4];
                for (int i = 0; i < 10; i++) net.Forward(x, y, 2, ForwardMode.Training);
            }
        }
        """)]
    [InlineData("InterfaceHoldingANetworkWithoutTrainingBehaviour", """
        public static class Use
        {
            public static float First(float[] x)
            {
                INetwork net = new PlainNet(1, 0);
                var y = new float[2];
                net.Forward(x, y, 1, ForwardMode.Training);
                return y[0];
            }
        }
        """)]
    [InlineData("ModeInALocalThatIsInference", """
        public static class Use
        {
            public static float First(DropNet net, float[] x)
            {
                var y = new float[2];
                var mode = ForwardMode.Inference;
                net.Forward(x, y, 1, mode);
                return y[0];
            }
        }
        """)]
    [InlineData("ConditionalBetweenSamplingAndInference", """
        public static class Use
        {
            public static float First(DropNet net, float[] x, bool mc)
            {
                var y = new float[2];
                net.Forward(x, y, 1, mc ? ForwardMode.Sampling : ForwardMode.Inference);
                return y[0];
            }
        }
        """)]
    [InlineData("ModeParameterGivenInference", """
        public static class Use
        {
            private static float Run(DropNet net, float[] x, ForwardMode mode)
            {
                var y = new float[2];
                net.Forward(x, y, 1, mode);
                return y[0];
            }
            public static float Caller(DropNet net, float[] x) => Run(net, x, ForwardMode.Inference);
        }
        """)]
    [InlineData("HelperWhoseCallerRunsBackward", """
        public sealed class Trainer(DropNet net)
        {
            private readonly float[] _y = new float[2];
            private readonly float[] _g = new float[2];
            private void Run(float[] x) => net.Forward(x, _y, 1, ForwardMode.Training);
            public void Step(float[] x, Optimizer optimizer)
            {
                Run(x);
                _g[0] = _y[0] - 1;
                net.Backward(_g, 1);
                net.Update(optimizer);
            }
        }
        """)]
    [InlineData("TrainingLoopThroughAGenericParameter", """
        public static class Use
        {
            public static void Step<T>(T net, float[] x, float[] g, Optimizer optimizer) where T : INetwork
            {
                var y = new float[2];
                for (int i = 0; i < 3; i++)
                {
                    net.Forward(x, y, 1, ForwardMode.Training);
                    g[0] = y[0] - 1;
                    net.Backward(g, g.AsSpan(0, 0), 1);
                    net.Update(optimizer);
                }
            }
        }
        """)]
    public void Near_misses_stay_silent(string name, string source) => RuleAssert.Exactly(name, Networks + source);

    [Fact]
    public void An_implicit_this_receiver_is_named_as_written()
    {
        string source = Networks + """
            public partial class DropNet
            {
                public float First(float[] x)
                {
                    var y = new float[2];
                    Forward(x, y, 1, ForwardMode.Training);
                    return y[0];
                }
            }
            """;
        var diagnostic = Assert.Single(GeneratorHarness.NormRegDiagnostics(source), d => d.Id == "NRG100");
        Assert.StartsWith("'Forward' runs 'DropNet' in training mode (dropout drawn)", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
