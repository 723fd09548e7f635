using System;

namespace NormReg.Tests.TrainingLoop;

/// <summary>
/// A hand-written <see cref="IClassifier"/> whose losses follow a script, to drive Fit without real training. It takes one
/// sample per batch; each TrainStep adds 1 to its single parameter and its single statistic, so with one training sample
/// both equal the number of epochs trained, and the state says which epoch's weights the network holds. Inputs equal to
/// <see cref="ValidationInput"/> are scored with the validation script, others with the training script.
/// </summary>
internal sealed class ScriptedClassifier(double[]? validationLosses, double[]? trainingLosses = null) : IClassifier
{
    public const float TrainingInput = 0f, ValidationInput = 1f;

    private readonly float[] _parameters = new float[1];
    private readonly float[] _statistics = new float[1];
    private readonly float[] _gradients = new float[1];

    /// <summary>One training sample and one validation sample, label 0.</summary>
    public static readonly float[] TrainX = [TrainingInput], ValidationX = [ValidationInput];

    /// <summary>The labels of <see cref="TrainX"/> and <see cref="ValidationX"/>.</summary>
    public static readonly int[] Labels = [0];

    /// <summary>A stand-in with the right counts; Fit never reads the architecture.</summary>
    public NetworkArchitecture Architecture { get; } =
        new("ScriptedClassifier", Loss.SoftmaxCrossEntropy, 1, 1, 1, [new LayerDescription(LayerType.Dense, "Dense1", "[Dense(2)]", 1, 2) { WeightOffset = 0 }]);

    public int InputSize => 1;

    public int OutputSize => 2;

    public int MaxBatchSize => 1;

    public int MinimumTrainingBatch => 1;

    public Span<float> Parameters => _parameters;

    public ReadOnlySpan<float> Gradients => _gradients;

    public int StateLength => 2;

    /// <summary>The epoch whose weights the network holds: 0 before training.</summary>
    public int WeightsOfEpoch => (int)_parameters[0];

    /// <summary>The statistic, restored with the parameters as part of the whole state.</summary>
    public float Statistic => _statistics[0];

    public int RestoreCount { get; private set; }

    /// <summary>0.5 per epoch trained, so the penalty read at the end of epoch e is e/2.</summary>
    public double Penalty => 0.5 * _parameters[0];

    public void CopyState(Span<float> destination)
    {
        destination[0] = _parameters[0];
        destination[1] = _statistics[0];
    }

    public void RestoreState(ReadOnlySpan<float> source)
    {
        _parameters[0] = source[0];
        _statistics[0] = source[1];
        RestoreCount++;
    }

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
    {
        for (int i = 0; i < batchSize; i++)
        {
            outputs[2 * i] = inputs[i];
            outputs[2 * i + 1] = 0.5f;
        }
    }

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize, ForwardMode mode) => throw new NotSupportedException();

    public void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients, int batchSize) => throw new NotSupportedException();

    public void Update(Optimizer optimizer) => throw new NotSupportedException();

    public void FitNormalization(ReadOnlySpan<float> features) => throw new NotSupportedException();

    public InputStatistics InputStatistics => default;

    public DenseLayer GetDense(string name) => throw new NotSupportedException();

    public NormalizationLayer GetNormalization(string name) => throw new NotSupportedException();

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize, Optimizer optimizer)
    {
        _parameters[0] += 1;
        _statistics[0] += 1;
        return 0;
    }

    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize, Optimizer optimizer, ReadOnlySpan<float> classWeights) =>
        TrainStep(inputs, labels, batchSize, optimizer);

    public float ComputeLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int batchSize, Span<float> outputGradients, ReadOnlySpan<float> classWeights) =>
        ComputeLoss(outputs, labels, batchSize, outputGradients);

    public float ComputeLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int batchSize, Span<float> outputGradients)
    {
        double[]? script = outputs[0] == ValidationInput ? validationLosses : trainingLosses;
        return script is null ? 0f : (float)script[WeightsOfEpoch - 1];
    }
}
