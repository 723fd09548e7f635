using NormReg;

namespace Fixable;

// Networks with the design mistakes the code fixes repair (NRG101, NRG102, NRG105), in the layouts people write them in.

/// <summary>One row per line, with regions and conditional rows around the rows the fixes edit, and trailing comments.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(12)]
#region first hidden layer
#if NET8_0_OR_GREATER
[Dense(32)]                 // bias before the BatchNorm
#else
[Dense(16)]
#endif
[BatchNorm]                 // normalize
[ReLU]
#endregion
#region second hidden layer
[Dense(16, UseBias = false)]
#if !NORMREG_NO_DROPOUT
[Dropout(0.3)]              // dropout before the BatchNorm
#endif
[BatchNorm]
#endregion
[ReLU]
[Dense(3)]
#region output
[Softmax]                   // the loss applies softmax again
#endregion
public partial class RegionNet;

/// <summary>A whole network written as one attribute list, with a trailing comment.</summary>
[Network(Loss = Loss.BinaryCrossEntropy), Input(8), Dense(16), BatchNorm, ReLU, Dense(16, UseBias = false), Dropout(0.5), BatchNorm, ReLU, Dense(1), Sigmoid] // all on one line
public partial class OneListNet;

/// <summary>Rows sharing lines and lists, next to conditional and region lines; a conditional with an inactive branch.</summary>
[Network(Loss = Loss.SoftmaxCrossEntropy)]
[Input(6)]
[Dense(16, UseBias = false), GaussianNoise(0.1)]     // noise shares the Dense row
#if NORMREG_LAYER_NORM
[LayerNorm]
#else
[BatchNorm(Momentum = 0.05)]
#endif
[Tanh]
#if !NORMREG_NO_DROPOUT
[Dense(16, UseBias = false)] [Dropout(0.1)]
#endif
[BatchNorm]
[Dense(16)] [BatchNorm] [Dropout(0.2)] [Dense(16, UseBias = false)] [Dropout(0.2)] [BatchNorm]  // rows sharing a line
[ReLU]
#region output
[Dense(4)] [Softmax]                // output
#endregion
public partial class MixedNet;
