// Written by tests/fixtures/pytorch/make_cnn_zoo.py (seed 20261205), with cnn_zoo.json beside it; do not edit: change the
// script and run it again (/usr/bin/python3 tests/fixtures/pytorch/make_cnn_zoo.py). Not marked auto-generated, so that
// the analyzers read these declarations as they read any user's.
using NormReg;

namespace NormReg.Tests.PyTorch;

/// <summary>
/// The seeded zoo of random convolutional networks that <see cref="CnnZooFixtureTests"/> trains against PyTorch: each
/// network is its own class, nested here by name (Zoo01, Zoo02, …).
/// </summary>
public static partial class CnnZoo
{
    /// <summary>1×10×8 → 5, SoftmaxCrossEntropy, 2 steps of 5 by sgd, lr 0.02.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(1, 10, 8), MinMax(-1.0, 1.0, Clip = true)]
    [Conv2D(5, 5, UseBias = false)]
    [GlobalAvgPool]
    public partial class Zoo01;

    /// <summary>2×8×16 → 2, MeanSquaredError, 3 steps of 5 by sgd, lr 0.1.</summary>
    [Network(Loss = Loss.MeanSquaredError)]
    [Input(2, 8, 16), ZScore]
    [AvgPool2D(2, Stride = 1)]
    [Conv2D(6, 3, Padding = Padding.Same)]
    [ReLU]
    [AvgPool2D(3, Stride = 2)]
    [Conv2D(16, 3, Padding = Padding.Same, UseBias = false)]
    [LayerNorm(Epsilon = 0.001)]
    [GELU]
    [Conv2D(2, 1, Stride = 2, Padding = Padding.Same, UseBias = false), MaxNorm(0.75)]
    [GlobalAvgPool]
    public partial class Zoo02;

    /// <summary>4×10×9 → 1, MeanSquaredError, 2 steps of 6 by adam, lr 0.01.</summary>
    [Network(Loss = Loss.MeanSquaredError)]
    [Input(4, 10, 9), MinMax(-1.0, 1.0)]
    [Conv2D(4, 2, Padding = Padding.Same, UseBias = false)]
    [BatchNorm]
    [GELU]
    [Conv2D(2, 3, Stride = 2, UseBias = false)]
    [ReLU]
    [Flatten]
    [Dense(3)]
    [GELU]
    [Dense(1)]
    public partial class Zoo03;

#pragma warning disable NRG102 // a bias before BatchNorm on purpose: the zoo covers it
    /// <summary>1×9×6 → 2, SoftmaxCrossEntropy, 2 steps of 12 by sgd, lr 0.05.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, LabelSmoothing = 0.1)]
    [Input(1, 9, 6), MinMax(-1.0, 1.0, Clip = true)]
    [Conv2D(5, 3, Stride = 2)]
    [BatchNorm(Momentum = 0.3, Epsilon = 0.001)]
    [GELU]
    [Flatten]
    [Dense(5), MaxNorm(0.81)]
    [BatchNorm(Momentum = 0.3)]
    [GELU]
    [Dense(2)]
    public partial class Zoo04;
#pragma warning restore NRG102

#pragma warning disable NRG105 // softmax before the loss's own on purpose: the zoo covers it
    /// <summary>2×5×8 → 2, SoftmaxCrossEntropy, 2 steps of 6 by sgd, lr 0.1.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, LabelSmoothing = 0.1)]
    [Input(2, 5, 8), MinMax(-1.0, 1.0, Clip = true)]
    [MaxPool2D(2)]
    [Conv2D(5, 3, Padding = Padding.Same), MaxNorm(0.87)]
    [GELU]
    [MaxPool2D(2)]
    [GlobalAvgPool]
    [Dense(6, UseBias = false)]
    [GELU]
    [Dense(2)]
    [Softmax]
    public partial class Zoo05;
#pragma warning restore NRG105

#pragma warning disable NRG103 // a penalty on γ on purpose: the zoo covers it
    /// <summary>2×12×11 → 2, MeanSquaredError, 2 steps of 4 by adam, lr 0.003.</summary>
    [Network(Loss = Loss.MeanSquaredError)]
    [Input(2, 12, 11), ZScore]
    [Conv2D(6, 3, Padding = Padding.Same)]
    [Tanh]
    [Conv2D(6, 5, Stride = 2, UseBias = false)]
    [LayerNorm, L1(0.001)]
    [Sigmoid]
    [Flatten]
    [Dense(10, UseBias = false), L2(0.01)]
    [LeakyReLU(0.1)]
    [Dense(4)]
    [ReLU]
    [Dense(2), L2(0.01)]
    public partial class Zoo06;
#pragma warning restore NRG103

    /// <summary>1×6×5 → 5, SoftmaxCrossEntropy, 2 steps of 6 by sgd, lr 0.1.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(1, 6, 5)]
    [Conv2D(4, 1, Stride = 2, Padding = Padding.Same), MaxNorm(0.35)]
    [Sigmoid]
    [MaxPool2D(2, Stride = 1)]
    [Conv2D(5, 3, Stride = 2, Padding = Padding.Same, UseBias = false)]
    [GlobalAvgPool]
    public partial class Zoo07;

    /// <summary>2×5×7 → 1, BinaryCrossEntropy, 2 steps of 4 by sgd, lr 0.1.</summary>
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(2, 5, 7), MinMax(Clip = true)]
    [BatchNorm]
    [Conv2D(6, 1, Padding = Padding.Same)]
    [GELU]
    [Conv2D(4, 2, Padding = Padding.Same, UseBias = false)]
    [BatchNorm(Momentum = 0.3)]
    [ReLU]
    [MaxPool2D(2, Stride = 1)]
    [Flatten]
    [Dense(6)]
    [ReLU]
    [Dense(1), L2(0.01)]
    public partial class Zoo08;

    /// <summary>1×7×10 → 3, SoftmaxCrossEntropy, 2 steps of 12 by adam, lr 0.01.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, LabelSmoothing = 0.1)]
    [Input(1, 7, 10)]
    [Conv2D(3, 2)]
    [GELU]
    [MaxPool2D(3)]
    [Flatten]
    [Dense(4, UseBias = false), MaxNorm(0.78)]
    [BatchNorm]
    [ReLU]
    [Dense(3), L2(0.003, IncludeBias = true)]
    public partial class Zoo09;

    /// <summary>1×8×8 → 4, SoftmaxCrossEntropy, 2 steps of 4 by sgd, lr 0.1.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(1, 8, 8)]
    [Conv2D(8, 3, Padding = Padding.Same), L1(0.003)]
    [MaxPool2D(3)]
    [Conv2D(6, 5, Padding = Padding.Same, UseBias = false), L1(0.003)]
    [BatchNorm(Epsilon = 0.001)]
    [ReLU]
    [MaxPool2D(2)]
    [Conv2D(6, 4, Padding = Padding.Same, UseBias = false), L2(0.001)]
    [BatchNorm(Momentum = 0.3, Epsilon = 0.001)]
    [GELU]
    [Flatten]
    [Dense(7), L1(0.01, IncludeBias = true), MaxNorm(0.85)]
    [GELU]
    [Dense(4)]
    public partial class Zoo10;

    /// <summary>4×5×8 → 3, SoftmaxCrossEntropy, 2 steps of 6 by sgd, lr 0.05.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(4, 5, 8), MinMax(-1.0, 1.0)]
    [Conv2D(6, 3, Padding = Padding.Same, UseBias = false), L2(0.01), MaxNorm(0.81)]
    [Tanh]
    [MaxPool2D(3, Stride = 1)]
    [Conv2D(2, 3)]
    [GELU]
    [Flatten]
    [Dense(6)]
    [GELU]
    [Dense(3), L1L2(0.003, 0.01)]
    public partial class Zoo11;

    /// <summary>4×9×6 → 5, SoftmaxCrossEntropy, 3 steps of 5 by adam, lr 0.01.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(4, 9, 6)]
    [Conv2D(4, 1, Stride = 2)]
    [LayerNorm]
    [ReLU]
    [Conv2D(6, 2, Stride = 2)]
    [LayerNorm(Epsilon = 0.001)]
    [Sigmoid]
    [Conv2D(2, 5, Padding = Padding.Same)]
    [GELU]
    [Flatten]
    [Dense(5, UseBias = false)]
    [LayerNorm(Epsilon = 0.001)]
    [GELU]
    [Dense(5), MaxNorm(0.81)]
    public partial class Zoo12;

#pragma warning disable NRG105 // softmax before the loss's own on purpose: the zoo covers it
    /// <summary>3×5×7 → 3, SoftmaxCrossEntropy, 2 steps of 4 by sgd, lr 0.05.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(3, 5, 7), MinMax(-1.0, 1.0, Clip = true)]
    [Conv2D(5, 3, Stride = 2, UseBias = false)]
    [BatchNorm(Momentum = 0.3)]
    [Sigmoid]
    [MaxPool2D(2, Stride = 1)]
    [Conv2D(3, 3, Stride = 2, Padding = Padding.Same), MaxNorm(0.79)]
    [ReLU]
    [Conv2D(4, 3, Stride = 2, Padding = Padding.Same), L1(0.01)]
    [LeakyReLU(0.3)]
    [GlobalAvgPool]
    [Dense(8, UseBias = false)]
    [LayerNorm]
    [LeakyReLU(0.1)]
    [Dense(3)]
    [Softmax]
    public partial class Zoo13;
#pragma warning restore NRG105

#pragma warning disable NRG102 // a bias before BatchNorm on purpose: the zoo covers it
    /// <summary>2×15×16 → 2, MeanSquaredError, 3 steps of 8 by sgd, lr 0.02.</summary>
    [Network(Loss = Loss.MeanSquaredError)]
    [Input(2, 15, 16)]
    [Conv2D(6, 3, Padding = Padding.Same, UseBias = false), L1(0.001)]
    [BatchNorm]
    [ReLU]
    [MaxPool2D(3, Stride = 3)]
    [Conv2D(16, 1, Stride = 2, Padding = Padding.Same, UseBias = false)]
    [LayerNorm]
    [Tanh]
    [GlobalAvgPool]
    [Dense(10)]
    [BatchNorm(Momentum = 0.3)]
    [LeakyReLU(0.01)]
    [Dense(8, UseBias = false)]
    [LayerNorm]
    [ReLU]
    [Dense(2)]
    public partial class Zoo14;
#pragma warning restore NRG102

    /// <summary>3×8×5 → 5, SoftmaxCrossEntropy, 2 steps of 5 by adam, lr 0.01.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, LabelSmoothing = 0.1)]
    [Input(3, 8, 5), ZScore]
    [Conv2D(3, 4, UseBias = false)]
    [GELU]
    [Flatten]
    [Dense(5)]
    public partial class Zoo15;

    /// <summary>4×7×8 → 3, MeanSquaredError, 3 steps of 6 by sgd, lr 0.05.</summary>
    [Network(Loss = Loss.MeanSquaredError)]
    [Input(4, 7, 8), ZScore]
    [BatchNorm]
    [Conv2D(4, 1, Stride = 2, Padding = Padding.Same)]
    [ReLU]
    [MaxPool2D(3, Stride = 3)]
    [Conv2D(4, 3, Stride = 2, Padding = Padding.Same, UseBias = false), L1L2(0.003, 0.001)]
    [BatchNorm]
    [ReLU]
    [Conv2D(4, 1), L2(0.01), MaxNorm(0.8)]
    [Sigmoid]
    [Flatten]
    [Dense(9)]
    [Tanh]
    [Dense(3), L2(0.001)]
    public partial class Zoo16;

#pragma warning disable NRG103 // a penalty on γ on purpose: the zoo covers it
    /// <summary>1×5×6 → 2, SoftmaxCrossEntropy, 2 steps of 4 by sgd, lr 0.05.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(1, 5, 6)]
    [Conv2D(2, 5, Padding = Padding.Same, UseBias = false), MaxNorm(0.65)]
    [BatchNorm]
    [Sigmoid]
    [Conv2D(4, 2, Stride = 2, Padding = Padding.Same)]
    [GELU]
    [MaxPool2D(2, Stride = 2)]
    [Flatten]
    [Dense(9), MaxNorm(0.84)]
    [LayerNorm, L2(0.003)]
    [Tanh]
    [Dense(10, UseBias = false)]
    [GELU]
    [Dense(2, UseBias = false)]
    public partial class Zoo17;
#pragma warning restore NRG103

    /// <summary>1×13×16 → 4, SoftmaxCrossEntropy, 3 steps of 5 by adam, lr 0.01.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(1, 13, 16), MinMax]
    [Conv2D(6, 3, UseBias = false), L1L2(0.003, 0.003)]
    [GELU]
    [Conv2D(4, 3)]
    [GlobalAvgPool]
    public partial class Zoo18;

    /// <summary>3×9×5 → 4, SoftmaxCrossEntropy, 3 steps of 4 by sgd, lr 0.1.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy, LabelSmoothing = 0.1)]
    [Input(3, 9, 5)]
    [LeakyReLU(0.1)]
    [Conv2D(4, 1, Padding = Padding.Same, UseBias = false)]
    [LayerNorm(Epsilon = 0.001)]
    [ReLU]
    [Conv2D(3, 1, Stride = 2, Padding = Padding.Same), MaxNorm(0.78)]
    [Sigmoid]
    [Conv2D(4, 2, Padding = Padding.Same, UseBias = false)]
    [GlobalAvgPool]
    public partial class Zoo19;

#pragma warning disable NRG103 // a penalty on γ on purpose: the zoo covers it
    /// <summary>1×5×7 → 5, SoftmaxCrossEntropy, 2 steps of 5 by sgd, lr 0.02.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(1, 5, 7), MinMax(-1.0, 1.0, Clip = true)]
    [LayerNorm, L2(0.01, IncludeBias = true)]
    [Conv2D(5, 1, Stride = 2, Padding = Padding.Same)]
    [Tanh]
    [MaxPool2D(2)]
    [Conv2D(2, 3, Stride = 2, Padding = Padding.Same, UseBias = false), L1L2(0.001, 0.003)]
    [BatchNorm]
    [ReLU]
    [Conv2D(5, 5, Padding = Padding.Same, UseBias = false), L1(0.01), MaxNorm(0.83)]
    [BatchNorm]
    [LeakyReLU(0.01)]
    [Flatten]
    [Dense(10), L2(0.01)]
    [ReLU]
    [Dense(5, UseBias = false)]
    public partial class Zoo20;
#pragma warning restore NRG103

    /// <summary>1×7×9 → 1, MeanSquaredError, 2 steps of 4 by adam, lr 0.003.</summary>
    [Network(Loss = Loss.MeanSquaredError)]
    [Input(1, 7, 9), ZScore]
    [Conv2D(1, 5, Stride = 2, Padding = Padding.Same), L2(0.001), MaxNorm(0.88)]
    [GlobalAvgPool]
    public partial class Zoo21;

#pragma warning disable NRG102 // a bias before BatchNorm on purpose: the zoo covers it
#pragma warning disable NRG103 // a penalty on γ on purpose: the zoo covers it
    /// <summary>1×8×8 → 1, BinaryCrossEntropy, 2 steps of 6 by sgd, lr 0.05.</summary>
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(1, 8, 8), ZScore]
    [Conv2D(8, 3), L1L2(0.01, 0.003)]
    [BatchNorm(Epsilon = 0.001), L2(0.01)]
    [LeakyReLU(0.3)]
    [GlobalAvgPool]
    [Dense(9, UseBias = false), L2(0.003)]
    [LayerNorm]
    [GELU]
    [Dense(1)]
    public partial class Zoo22;
#pragma warning restore NRG102
#pragma warning restore NRG103

    /// <summary>2×10×5 → 3, BinaryCrossEntropy, 3 steps of 4 by sgd, lr 0.05.</summary>
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(2, 10, 5), MinMax(-1.0, 1.0, Clip = true)]
    [Conv2D(2, 3), L1(0.01, IncludeBias = true)]
    [LayerNorm]
    [LeakyReLU(0.3)]
    [MaxPool2D(2, Stride = 1)]
    [Conv2D(6, 3, Padding = Padding.Same, UseBias = false)]
    [BatchNorm(Momentum = 0.3, Epsilon = 0.001)]
    [LeakyReLU(0.1)]
    [Flatten]
    [Dense(6), L2(0.001, IncludeBias = true)]
    [LeakyReLU(0.1)]
    [Dense(4)]
    [Tanh]
    [Dense(3, UseBias = false)]
    public partial class Zoo23;

    /// <summary>3×8×8 → 3, SoftmaxCrossEntropy, 2 steps of 4 by adam, lr 0.003.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(3, 8, 8), ZScore]
    [Conv2D(3, 3, Stride = 2), L1L2(0.01, 0.001)]
    [GlobalAvgPool]
    public partial class Zoo24;

    /// <summary>2×7×6 → 2, MeanSquaredError, 3 steps of 5 by sgd, lr 0.02.</summary>
    [Network(Loss = Loss.MeanSquaredError)]
    [Input(2, 7, 6), MinMax(-1.0, 1.0, Clip = true)]
    [Conv2D(3, 3, Padding = Padding.Same, UseBias = false), MaxNorm(0.84)]
    [GELU]
    [Conv2D(3, 3, Stride = 2)]
    [Tanh]
    [AvgPool2D(2, Stride = 2)]
    [Flatten]
    [Dense(8, UseBias = false)]
    [LeakyReLU(0.3)]
    [Dense(2)]
    public partial class Zoo25;

    /// <summary>1×16×16 → 5, SoftmaxCrossEntropy, 2 steps of 6 by sgd, lr 0.02.</summary>
    [Network(Loss = Loss.SoftmaxCrossEntropy)]
    [Input(1, 16, 16), ZScore]
    [Conv2D(16, 3, Padding = Padding.Same)]
    [LeakyReLU(0.3)]
    [MaxPool2D(2)]
    [Conv2D(8, 1, Padding = Padding.Same, UseBias = false), L2(0.003)]
    [ReLU]
    [GlobalAvgPool]
    [Dense(5), L2(0.001)]
    [Softmax]
    [Dense(5)]
    public partial class Zoo26;
}
