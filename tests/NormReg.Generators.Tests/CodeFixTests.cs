using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using NormReg.CodeFixes;
using NormReg.Generators.Tests.Infrastructure;

namespace NormReg.Generators.Tests;

/// <summary>Each code fix gives the expected source, which compiles with the generator and no longer has the diagnostic; Fix All fixes every one.</summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task Flatten_is_inserted_before_a_dense_row_on_an_image() => AssertFix(new RowCodeFixes(), "NRG017",
        """
        using NormReg;
        [Network]
        [Input(1, 8, 8)]
        [Conv2D(4, 3)]
        [ReLU]
        // the classifier
        [Dense(3), L2(1e-4)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network]
        [Input(1, 8, 8)]
        [Conv2D(4, 3)]
        [ReLU]
        // the classifier
        [Flatten]
        [Dense(3), L2(1e-4)]
        public partial class Net;
        """);

    [Fact]
    public Task Flatten_joins_rows_written_on_one_line() => AssertFix(new RowCodeFixes(), "NRG017",
        """
        using NormReg;
        [Network] [Input(1, 8, 8)] [Conv2D(4, 3)] [Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network] [Input(1, 8, 8)] [Conv2D(4, 3)] [Flatten] [Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task Flatten_goes_inside_a_shared_attribute_list() => AssertFix(new RowCodeFixes(), "NRG017",
        """
        using NormReg;
        [Network, Input(1, 8, 8), Conv2D(4, 3), Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network, Input(1, 8, 8), Conv2D(4, 3), Flatten, Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task Bias_before_batch_norm_gets_UseBias_false() => AssertFix(new RowCodeFixes(), "NRG102",
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8)]
        [BatchNorm]
        [Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false)]
        [BatchNorm]
        [Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task An_explicit_UseBias_true_becomes_false() => AssertFix(new RowCodeFixes(), "NRG102",
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = true, Name = "Hidden"), L2(1e-4)]
        [BatchNorm]
        [Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false, Name = "Hidden"), L2(1e-4)]
        [BatchNorm]
        [Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task Dropout_moves_after_the_batch_norm_and_its_modifiers() => AssertFix(new RowCodeFixes(), "NRG101",
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false)]
        [Dropout(0.5)]
        [BatchNorm(Momentum = 0.01)]
        [ReLU]
        [Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false)]
        [BatchNorm(Momentum = 0.01)]
        [Dropout(0.5)]
        [ReLU]
        [Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task Dropout_sharing_a_list_moves_out_of_it() => AssertFix(new RowCodeFixes(), "NRG101",
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false), GaussianNoise(0.1)]
        [BatchNorm]
        [Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false)]
        [BatchNorm]
        [GaussianNoise(0.1)]
        [Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task Dropout_leaves_its_region_line_in_place() => AssertFix(new RowCodeFixes(), "NRG101",
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false)]
        #region regularization
        [Dropout(0.5)]
        #endregion
        [BatchNorm]
        [Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false)]
        #region regularization
        #endregion
        [BatchNorm]
        [Dropout(0.5)]
        [Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task Dropout_takes_its_trailing_comment_along_once() => AssertFix(new RowCodeFixes(), "NRG101",
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false)]
        [Dropout(0.5)]  // regularize
        [ReLU]
        [BatchNorm]     // normalize
        [Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network]
        [Input(4)]
        [Dense(8, UseBias = false)]
        [ReLU]
        [BatchNorm]     // normalize
        [Dropout(0.5)]  // regularize
        [Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task In_a_network_written_as_one_list_dropout_moves_inside_it() => AssertFix(new RowCodeFixes(), "NRG101",
        """
        using NormReg;
        [Network, Input(4), Dense(8, UseBias = false), Dropout(0.5), BatchNorm, Dense(3)] // one line
        public partial class Net;
        """,
        """
        using NormReg;
        [Network, Input(4), Dense(8, UseBias = false), BatchNorm, Dropout(0.5), Dense(3)] // one line
        public partial class Net;
        """);

    [Fact]
    public Task A_double_softmax_inside_a_region_keeps_the_region() => AssertFix(new RowCodeFixes(), "NRG105",
        """
        using NormReg;
        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        [Dense(3)]
        #region output
        [Softmax]
        #endregion
        public partial class Net;
        """,
        """
        using NormReg;
        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        [Dense(3)]

        #region output
        #endregion
        public partial class Net;
        """);

    [Fact]
    public Task Fix_all_moves_every_dropout_of_a_network_written_as_one_list() => AssertFix(new RowCodeFixes(), "NRG101",
        """
        using NormReg;
        [Network, Input(4), Dense(8, UseBias = false), Dropout(0.5), BatchNorm, Dense(8, UseBias = false), GaussianNoise(0.1), ReLU, BatchNorm, Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network, Input(4), Dense(8, UseBias = false), BatchNorm, Dropout(0.5), Dense(8, UseBias = false), ReLU, BatchNorm, GaussianNoise(0.1), Dense(3)]
        public partial class Net;
        """,
        fixAll: true);

    [Fact]
    public Task Dropout_behind_a_row_leaves_that_row_its_line_end_before_an_endif() => AssertFix(new RowCodeFixes(), "NRG101",
        """
        using NormReg;
        [Network]
        [Input(4)]
        #if !NO_DROPOUT
        [Dense(8, UseBias = false)] [Dropout(0.5)]  // regularize
        #endif
        [BatchNorm]
        [Dense(3)]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network]
        [Input(4)]
        #if !NO_DROPOUT
        [Dense(8, UseBias = false)]
        #endif
        [BatchNorm]
        [Dropout(0.5)]  // regularize
        [Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task A_double_softmax_behind_the_output_row_leaves_the_endregion_on_its_line() => AssertFix(new RowCodeFixes(), "NRG105",
        """
        using NormReg;
        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        #region output
        [Dense(3)] [Softmax]    // probabilities
        #endregion
        public partial class Net;
        """,
        """
        using NormReg;
        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        #region output
        [Dense(3)]
        #endregion
        public partial class Net;
        """);

    [Fact]
    public Task A_double_sigmoid_behind_the_output_row_keeps_the_declaration_on_its_own_line() => AssertFix(new RowCodeFixes(), "NRG105",
        """
        using NormReg;
        [Network(Loss = Loss.BinaryCrossEntropy)]
        [Input(4)]
        [Dense(1)] [Sigmoid]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network(Loss = Loss.BinaryCrossEntropy)]
        [Input(4)]
        [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public Task A_double_softmax_row_is_removed() => AssertFix(new RowCodeFixes(), "NRG105",
        """
        using NormReg;
        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        [Dense(3)]
        [Softmax]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        [Dense(3)]
        public partial class Net;
        """);

    [Fact]
    public Task A_double_sigmoid_in_a_shared_list_is_removed_from_it() => AssertFix(new RowCodeFixes(), "NRG105",
        """
        using NormReg;
        [Network(Loss = Loss.BinaryCrossEntropy)]
        [Input(4)]
        [Dense(1), Sigmoid]
        public partial class Net;
        """,
        """
        using NormReg;
        [Network(Loss = Loss.BinaryCrossEntropy)]
        [Input(4)]
        [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public Task A_training_forward_used_for_inference_becomes_an_inference_forward() => AssertFix(new InferenceModeCodeFix(), "NRG100",
        """
        using NormReg;
        [Network] [Input(2)] [Dense(4)] [Dropout(0.5)] [Dense(2)] public partial class Net;
        public static class Use
        {
            public static float Score(Net net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, ForwardMode.Training);
                return y[0];
            }
        }
        """,
        """
        using NormReg;
        [Network] [Input(2)] [Dense(4)] [Dropout(0.5)] [Dense(2)] public partial class Net;
        public static class Use
        {
            public static float Score(Net net, float[] x)
            {
                var y = new float[2];
                net.Forward(x, y, 1, ForwardMode.Inference);
                return y[0];
            }
        }
        """);

    [Fact]
    public Task Fix_all_fixes_every_bias_in_the_document() => AssertFix(new RowCodeFixes(), "NRG102",
        """
        using NormReg;
        [Network] [Input(4)] [Dense(8)] [BatchNorm] [Dense(3)] public partial class First;
        [Network] [Input(4)] [Dense(8)] [BatchNorm] [ReLU] [Dense(6)] [BatchNorm] [Dense(3)] public partial class Second;
        """,
        """
        using NormReg;
        [Network] [Input(4)] [Dense(8, UseBias = false)] [BatchNorm] [Dense(3)] public partial class First;
        [Network] [Input(4)] [Dense(8, UseBias = false)] [BatchNorm] [ReLU] [Dense(6, UseBias = false)] [BatchNorm] [Dense(3)] public partial class Second;
        """,
        fixAll: true);

    [Fact]
    public Task Fix_all_fixes_every_training_forward_in_the_document() => AssertFix(new InferenceModeCodeFix(), "NRG100",
        """
        using NormReg;
        [Network] [Input(2)] [BatchNorm] [Dense(2)] public partial class Net;
        public static class Use
        {
            public static float Test(Net net, float[] x, float[] y)
            {
                net.Forward(x, y, 2, ForwardMode.Training);
                float first = y[0];
                net.Forward(x, y, 2, NormReg.ForwardMode.Training);
                return first + y[0];
            }
        }
        """,
        """
        using NormReg;
        [Network] [Input(2)] [BatchNorm] [Dense(2)] public partial class Net;
        public static class Use
        {
            public static float Test(Net net, float[] x, float[] y)
            {
                net.Forward(x, y, 2, ForwardMode.Inference);
                float first = y[0];
                net.Forward(x, y, 2, NormReg.ForwardMode.Inference);
                return first + y[0];
            }
        }
        """,
        fixAll: true);

    private static async Task AssertFix(CodeFixProvider fixer, string id, string source, string expected, bool fixAll = false)
    {
        string fixedSource = await CodeFixHarness.ApplyAsync(fixer, source, id, fixAll);

        Assert.Equal(expected.ReplaceLineEndings("\n"), fixedSource.ReplaceLineEndings("\n"));
        (_, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(fixedSource));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        Assert.DoesNotContain(GeneratorHarness.NormRegDiagnostics(fixedSource), d => d.Id == id);
    }
}
