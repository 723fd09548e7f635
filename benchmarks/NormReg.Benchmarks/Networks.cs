using NormReg;

namespace NormReg.Benchmarks;

// The four networks of the benchmark, declared with the DSL. benchmarks/peers/pytorch_bench.py builds the same
// four in PyTorch (same layer order, same loss), exports them to ONNX and writes their weights in the
// layout of each generated file's parameter block, so all three runtimes compute the same function.

/// <summary>The product's reference network: 784-256-128-10 with BatchNorm, dropout 0.2 and L2 1e-4 (PyTorch: SGD weight_decay 2e-4 on those weights).</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(784)]
[Dense(256, UseBias = false), L2(1e-4)]
[BatchNorm]
[ReLU]
[Dropout(0.2)]
[Dense(128, UseBias = false), L2(1e-4)]
[BatchNorm]
[ReLU]
[Dropout(0.2)]
[Dense(10)]
public partial class MnistMlp;

/// <summary>A small tabular regressor: 16-32-32-4 with ReLU, mean squared error.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(16)]
[Dense(32)]
[ReLU]
[Dense(32)]
[ReLU]
[Dense(4)]
public partial class TabularMlp;

/// <summary>A wide classifier: 1024-1024-1024-10 with ReLU, softmax cross-entropy.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1024)]
[Dense(1024)]
[ReLU]
[Dense(1024)]
[ReLU]
[Dense(10)]
public partial class WideMlp;

/// <summary>
/// A LeNet-5-class CNN on 1 × 28 × 28 images: two 5 × 5 convolutions (6 and 16 filters) each with BatchNorm2d, ReLU and
/// 2 × 2 max pooling, then 256-120-84-10 with ReLU and dropout 0.2.
/// </summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(6, 5, UseBias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Conv2D(16, 5, UseBias = false)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(120)]
[ReLU]
[Dropout(0.2)]
[Dense(84)]
[ReLU]
[Dropout(0.2)]
[Dense(10)]
public partial class LeNet;
