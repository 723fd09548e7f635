using NormReg;

namespace NormReg.Benchmarks;

// The three networks of the benchmark, declared with the DSL. benchmarks/peers/pytorch_bench.py builds the same
// three in PyTorch (same layer order, same loss), exports them to ONNX and writes their weights in the
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
