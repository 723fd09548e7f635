using System;

namespace NormReg;

/// <summary>What every generated network offers, whatever its loss.</summary>
public interface INetwork
{
    /// <summary>Features per sample.</summary>
    int InputSize { get; }

    /// <summary>Values per sample the last row produces.</summary>
    int OutputSize { get; }

    /// <summary>The declaration as data: rows, widths, constants and the layout of the state.</summary>
    NetworkArchitecture Architecture { get; }

    /// <summary>The largest batch the constructor allocated buffers for.</summary>
    int MaxBatchSize { get; }

    /// <summary>The smallest batch a training step accepts: 2 when a BatchNorm row normalizes with batch statistics, otherwise 1.</summary>
    int MinimumTrainingBatch { get; }

    /// <summary>Every trainable parameter, in the layout the generated file documents.</summary>
    Span<float> Parameters { get; }

    /// <summary>
    /// The precision inference reads the large Dense rows' weights in: <see cref="WeightPrecision.Float32"/> (the default), or
    /// <see cref="WeightPrecision.BFloat16"/>, a rounded copy with half the bytes to read, summed in floats. Training, the state, model
    /// files and ONNX exports keep the float weights. Generated networks implement it; another implementation reads floats only.
    /// </summary>
    /// <exception cref="NotSupportedException">An implementation without the bfloat16 store was asked for another precision.</exception>
    WeightPrecision InferencePrecision
    {
        get => WeightPrecision.Float32;
        set
        {
            if (value != WeightPrecision.Float32) throw new NotSupportedException($"{GetType().Name} reads its weights as Float32 only; got {value}.");
        }
    }

    /// <summary>
    /// The gradients computed by the last <c>Backward</c> or <c>TrainStep</c>, laid out as <see cref="Parameters"/>. A TrainStep by
    /// <see cref="Sgd"/> (without <see cref="Optimizer.ClipGlobalNorm"/>) on at most 32 samples updates the weights of Dense rows with at
    /// least 16384 weights in the pass that computes their gradients, which then never go to memory: after such a step those rows'
    /// weight gradients read NaN (their bias gradients and every other row's gradients are there). <c>Backward</c> computes them all.
    /// </summary>
    ReadOnlySpan<float> Gradients { get; }

    /// <summary>
    /// Values in the network's whole state: the trainable <see cref="Parameters"/>, then the statistics it fits or
    /// accumulates (input normalization, BatchNorm running mean and variance).
    /// </summary>
    int StateLength { get; }

    /// <summary>Copies the whole state into <paramref name="destination"/> (<see cref="StateLength"/> values), e.g. to keep the best weights.</summary>
    void CopyState(Span<float> destination);

    /// <summary>Restores a state taken by <see cref="CopyState"/> from a network of the same declaration.</summary>
    void RestoreState(ReadOnlySpan<float> source);

    /// <summary>The regularization penalty of the current weights (the L1/L2 rows' terms), reported apart from the data loss; 0 without such rows.</summary>
    double Penalty { get; }

    /// <summary>Inference-mode forward pass of <paramref name="batchSize"/> samples, row-major.</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize);

    /// <summary>Forward pass in an explicit mode, for custom loops; a training-mode pass keeps its activations for <see cref="Backward"/>.</summary>
    void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize, ForwardMode mode);

    /// <summary>Applies one update by <paramref name="optimizer"/> from <see cref="Gradients"/>, then the network's constraints (max-norm).</summary>
    void Update(Optimizer optimizer);

    /// <summary>Backward pass of the last training-mode <see cref="Forward"/>; overwrites <see cref="Gradients"/> and, unless empty, <paramref name="inputGradients"/>.</summary>
    void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients, int batchSize);

    /// <summary>
    /// Fits the input scaling (<c>[ZScore]</c> or <c>[MinMax]</c>) on training features, row-major. A network whose input row
    /// has no scaling implements it explicitly and throws <see cref="InvalidOperationException"/>; see
    /// <see cref="NetworkArchitecture.Scaling"/>.
    /// </summary>
    void FitNormalization(ReadOnlySpan<float> features);

    /// <summary>A read-only view of the input scaling's fitted statistics; empty (<see cref="InputStatistics.Kind"/> null) without scaling.</summary>
    InputStatistics InputStatistics { get; }

    /// <summary>The view of the Dense row called <paramref name="name"/>; Keras' <c>model.get_layer(name)</c>.</summary>
    /// <exception cref="ArgumentException">No Dense row has that name.</exception>
    DenseLayer GetDense(string name);

    /// <summary>The view of the BatchNorm or LayerNorm row called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such row has that name.</exception>
    NormalizationLayer GetNormalization(string name);
}

/// <summary>A network trained with <see cref="Loss.SoftmaxCrossEntropy"/> on integer class labels.</summary>
public interface IClassifier : INetwork
{
    /// <summary>One training step: forward in training mode, loss, backward, optimizer update. Returns the batch's mean loss.</summary>
    float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize, Optimizer optimizer);

    /// <summary>The loss of <paramref name="outputs"/> against <paramref name="labels"/>, and its gradient with respect to the outputs.</summary>
    float ComputeLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int batchSize, Span<float> outputGradients);

    /// <summary>One training step whose loss weighs each sample by its class, PyTorch's <c>nn.CrossEntropyLoss(weight=classWeights)</c>: the weighted mean <c>Σ w[yᵢ]·lᵢ / Σ w[yᵢ]</c>.</summary>
    float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize, Optimizer optimizer, ReadOnlySpan<float> classWeights);

    /// <summary>The class-weighted loss of <paramref name="outputs"/> (the weighted mean), and its gradient with respect to the outputs.</summary>
    float ComputeLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int batchSize, Span<float> outputGradients, ReadOnlySpan<float> classWeights);
}

/// <summary>A network trained with <see cref="Loss.BinaryCrossEntropy"/> or <see cref="Loss.MeanSquaredError"/> on real-valued targets.</summary>
public interface IRegressor : INetwork
{
    /// <summary>One training step: forward in training mode, loss, backward, optimizer update. Returns the batch's mean loss.</summary>
    float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Optimizer optimizer);

    /// <summary>The loss of <paramref name="outputs"/> against <paramref name="targets"/>, and its gradient with respect to the outputs.</summary>
    float ComputeLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batchSize, Span<float> outputGradients);
}
