using System;
using System.ComponentModel;
using System.Linq;
using System.Numerics.Tensors;
using System.Threading;
using NormReg.Kernels;

namespace NormReg.Runtime;

/// <summary>
/// For generated code: what every generated network shares, written once. A generated class holds one core and
/// forwards its public members here; the core owns the parameter, gradient and statistics blocks, the input rows and
/// the training-time generator, checks every argument, and calls back into the generated
/// <see cref="INetworkPasses"/> for the rows themselves. Not meant to be used directly: call the generated members.
/// </summary>
/// <remarks>
/// One instance serves one caller at a time. Every member that runs the network claims it first and throws
/// <see cref="InvalidOperationException"/> when another thread is inside, rather than mixing two callers' activations.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NetworkCore
{
    private readonly INetworkPasses _passes;
    private readonly INetwork _network;
    private readonly NetworkArchitecture _architecture;
    private readonly string _name;
    private readonly string? _batchStatisticsLayer;
    private readonly float[]? _statisticsBefore;
    private readonly float[] _outputGradients;
    private readonly LayerDescription[] _penalized;
    private readonly LayerDescription[] _constrained;
    private readonly BatchSplit _split;
    private readonly FusedStep _fused;
    private int _trainingBatch;
    private int _busy;

    /// <summary>Every trainable parameter, in the layout the generated file documents.</summary>
    public readonly AlignedFloats Parameters;

    /// <summary>The gradients of the last backward pass, laid out as <see cref="Parameters"/>; NaN for the weights of rows a TrainStep updated fused (see <see cref="INetwork.Gradients"/>).</summary>
    public readonly AlignedFloats Gradients;

    /// <summary>Input scaling statistics (NaN until fitted), then each BatchNorm's running mean and variance.</summary>
    public readonly float[] Statistics;

    /// <summary>The inputs of the current pass, <see cref="MaxBatchSize"/> × InputSize; the passes scale them in place.</summary>
    public readonly float[] Inputs;

    /// <summary>
    /// With <c>[MinMax(Clip = true)]</c>, the inputs of the last training pass as they came (the passes scale <see cref="Inputs"/> in
    /// place), for the gradient with respect to them: it passes where the scaled value lies in the range, bounds included, as
    /// <c>torch.clamp</c>'s does, and the clipped values alone cannot tell a value at a bound from one beyond it. Empty otherwise.
    /// </summary>
    public readonly float[] RawInputs;

    /// <summary>Draws weights at construction, then dropout masks and noise; one seed gives one run.</summary>
    public SeededRandom Random;

    /// <summary>Whether BatchNorm rows folded into the weights before them must be folded again before the next inference pass.</summary>
    public bool FoldsStale = true;

    /// <summary>Whether <see cref="ReducedWeights"/> must be rounded again from the inference weights before the next inference pass.</summary>
    public bool ReducedStale = true;

    /// <summary>
    /// At <see cref="WeightPrecision.BFloat16"/>, the bfloat16 copy of the inference weights (folded where a BatchNorm is) of the Dense rows
    /// the generated inference pass reads in bfloat16, each at its weights' offset in <see cref="Parameters"/>; otherwise null.
    /// </summary>
    public ushort[]? ReducedWeights { get; private set; }

    /// <summary>Whether the packed weights are out of date (and <see cref="Packed"/> empty); never true without packed weights.</summary>
    private bool _packedStale;

    /// <summary>Inference passes in floats since the weights changed, which read them unpacked; counted by <see cref="PackingDue"/>.</summary>
    private int _unpackedPasses;

    /// <summary>
    /// Where the packed kernel runs (<see cref="Gemm.HasPackedKernel"/>), the inference weights of the Dense rows the generated inference pass
    /// reads packed (<see cref="Dense.PackWeights"/>); otherwise empty. Each row's packed weights are a whole number of 64-byte lines long,
    /// so from the aligned start the kernel's vector loads never straddle two lines (784 × 256 one float off a line: 1.00 to 1.02 times as long).
    /// </summary>
    private readonly AlignedFloats _packed;

    /// <summary>Creates the shared state of a network described by <paramref name="architecture"/> and checks <paramref name="maxBatchSize"/>.</summary>
    /// <param name="passes">The generated network.</param>
    /// <param name="architecture">Its declaration as data.</param>
    /// <param name="maxBatchSize">The largest batch it will be given.</param>
    /// <param name="seed">Seed of the weight initialization and the training-time draws.</param>
    /// <param name="packedLength">Floats of the packed weights of the Dense rows its inference pass reads packed (see <see cref="Packed"/>); 0 for none.</param>
    public NetworkCore(INetworkPasses passes, NetworkArchitecture architecture, int maxBatchSize, int seed, int packedLength = 0)
    {
        _passes = passes;
        _network = passes as INetwork ?? throw new ArgumentException("The passes must be the generated network itself.", nameof(passes));
        _architecture = architecture;
        _name = architecture.Name;
        int widest = architecture.InputSize;
        foreach (LayerDescription layer in architecture.Layers)
        {
            widest = Math.Max(widest, layer.Outputs);
            // BatchNorm2d has height·width values per channel in each sample, so one image is a batch; BatchNorm1d needs two samples.
            if (layer.Type == LayerType.BatchNorm && layer.Units == layer.Outputs) _batchStatisticsLayer ??= layer.Name;
        }
        bool batchNorm = architecture.Layers.Any(l => l.Type == LayerType.BatchNorm);
        Guard.MaxBatchSize(maxBatchSize, widest, _name);
        MaxBatchSize = maxBatchSize;
        Parameters = new AlignedFloats(architecture.ParameterCount);
        Gradients = new AlignedFloats(architecture.ParameterCount);
        _split = new BatchSplit(passes, architecture.ParameterCount);
        Statistics = new float[architecture.StatisticsCount];
        Inputs = new float[maxBatchSize * architecture.InputSize];
        RawInputs = architecture.ScalingClip ? new float[maxBatchSize * architecture.InputSize] : [];
        _outputGradients = new float[maxBatchSize * architecture.OutputSize];
        if (batchNorm) _statisticsBefore = new float[architecture.StatisticsCount];
        if (architecture.Scaling is not null) Statistics.AsSpan(0, 2 * architecture.ScaledFeatures).Fill(float.NaN);
        foreach (LayerDescription layer in architecture.Layers)
        {
            // γ starts at 1 and β at 0 (PyTorch and Keras); a running variance starts at 1 and its mean at 0.
            if (layer.Type is LayerType.BatchNorm or LayerType.LayerNorm && layer.WeightOffset >= 0) Parameters.AsSpan(layer.WeightOffset, layer.Units).Fill(1f);
            if (layer.StatisticsOffset >= 0) Statistics.AsSpan(layer.StatisticsOffset + layer.Units, layer.Units).Fill(1f);
        }
        _penalized = [.. architecture.Layers.Where(l => l.L1 > 0 || l.L2 > 0)];
        _constrained = [.. architecture.Layers.Where(l => l.MaxNorm > 0)];
        _fused = new FusedStep(architecture, maxBatchSize);
        Random = new SeededRandom(unchecked((ulong)seed));
        if (packedLength > 0 && Gemm.HasPackedKernel)
        {
            _packed = new AlignedFloats(packedLength);
            _packedStale = true;
        }
    }

    /// <summary>
    /// <paramref name="length"/> floats of the packed weights from <paramref name="offset"/>, where the generated inference pass reads a
    /// Dense row's weights packed; empty, and the row's weights read unpacked, where the packed kernel does not run and until
    /// <see cref="PackingDue"/> has had them packed since they last changed.
    /// </summary>
    public Span<float> Packed(int offset, int length) => _packed.Length == 0 || _packedStale ? default : _packed.AsSpan(offset, length);

    /// <summary>
    /// For the generated inference pass in floats: whether it must pack the weights now, into <see cref="Packed"/>, which returns them from
    /// here on. They are packed on the second pass after they change, the first reading them unpacked: packing MnistMlp's weights takes
    /// about 21 µs, and a loop that predicted one sample after each TrainStep at batch 2 took 89 µs a step packing every time, 68 without.
    /// </summary>
    public bool PackingDue()
    {
        if (!_packedStale || ++_unpackedPasses < 2) return false;
        _packedStale = false;
        return true;
    }

    private int InputSize => _architecture.InputSize;

    private int OutputSize => _architecture.OutputSize;

    /// <summary>The largest batch the constructor allocated buffers for.</summary>
    public int MaxBatchSize { get; }

    /// <summary>The smallest training batch: 2 when a BatchNorm row normalizes with batch statistics, otherwise 1.</summary>
    public int MinimumTrainingBatch => _batchStatisticsLayer is null ? 1 : 2;

    /// <summary>
    /// The precision inference reads the weights of the Dense rows with more than 64 inputs and at least 4096 weights in: at
    /// <see cref="WeightPrecision.BFloat16"/>, a copy rounded to bfloat16, made on the next inference pass after each change of
    /// the weights and summed in floats, halves the bytes Predict reads. Training, Monte-Carlo sampling, the state, model files
    /// and ONNX exports keep the float weights; setting <see cref="WeightPrecision.Float32"/> again gives the float results bit for bit.
    /// </summary>
    public WeightPrecision InferencePrecision
    {
        get => ReducedWeights is null ? WeightPrecision.Float32 : WeightPrecision.BFloat16;
        set
        {
            if (value is not (WeightPrecision.Float32 or WeightPrecision.BFloat16))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{_name}: InferencePrecision must be WeightPrecision.Float32 or WeightPrecision.BFloat16.");
            }
            Enter();
            try
            {
                ReducedWeights = value == WeightPrecision.Float32 ? null : ReducedWeights ?? new ushort[Parameters.Length];
                ReducedStale = true;
            }
            finally
            {
                Exit();
            }
        }
    }

    /// <summary>Values in the whole state: the parameters, then the fitted and running statistics.</summary>
    public int StateLength => Parameters.Length + Statistics.Length;

    /// <summary>
    /// Predicts one sample in inference mode: dropout and noise are the identity, BatchNorm uses its running statistics.
    /// </summary>
    /// <param name="input">InputSize features.</param>
    /// <param name="output">Receives OutputSize values, the last row's output.</param>
    public void Predict(ReadOnlySpan<float> input, Span<float> output) => Predict(input, output, 1, oneSample: true, nameof(output));

    /// <summary>
    /// Predicts a batch in inference mode: dropout and noise are the identity, BatchNorm uses its running statistics.
    /// PyTorch: <c>model.eval()</c> then <c>model(x)</c>; Keras: <c>model.predict(x)</c>.
    /// </summary>
    /// <param name="inputs"><paramref name="batchSize"/> × InputSize features, row-major.</param>
    /// <param name="outputs">Receives <paramref name="batchSize"/> × OutputSize values, row-major.</param>
    /// <param name="batchSize">Samples in the batch, from 1 to MaxBatchSize.</param>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize) => Predict(inputs, outputs, batchSize, oneSample: false, nameof(outputs));

    /// <summary>Predict, its messages naming the caller's own parameters: <c>input</c> and <c>output</c> of a one-sample call, <c>probabilities</c>.</summary>
    private void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize, bool oneSample, string outputsName)
    {
        Enter();
        try
        {
            CheckInputs(inputs, batchSize, oneSample);
            Guard.Length(outputs.Length, batchSize, OutputSize, outputsName, _name, oneSample ? nameof(OutputSize) : null);
            Run(inputs, batchSize, ForwardMode.Inference).CopyTo(outputs);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The most likely class of one sample, in inference mode: the index of its largest output.</summary>
    /// <param name="input">InputSize features.</param>
    public int Classify(ReadOnlySpan<float> input)
    {
        Enter();
        try
        {
            CheckInputs(input, 1, oneSample: true);
            return TensorPrimitives.IndexOfMax(Run(input, 1, ForwardMode.Inference));
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Class probabilities of one sample in inference mode, for either loss:
    /// the softmax of the outputs for <see cref="Loss.SoftmaxCrossEntropy"/>, the sigmoid of each output for
    /// <see cref="Loss.BinaryCrossEntropy"/> (one probability per label, multi-label included).
    /// PyTorch: <c>torch.softmax(model(x), 1)</c> or <c>torch.sigmoid(model(x))</c>; Keras: <c>model.predict(x)</c> with the activation in the last layer.
    /// </summary>
    /// <param name="input">InputSize features.</param>
    /// <param name="probabilities">Receives OutputSize probabilities.</param>
    public void PredictProbabilities(ReadOnlySpan<float> input, Span<float> probabilities) => PredictProbabilities(input, probabilities, 1, oneSample: true);

    /// <summary>
    /// Class probabilities of a batch in inference mode: the softmax of each sample's outputs for
    /// <see cref="Loss.SoftmaxCrossEntropy"/>, the sigmoid of each output for <see cref="Loss.BinaryCrossEntropy"/>.
    /// </summary>
    /// <param name="inputs"><paramref name="batchSize"/> × InputSize features, row-major.</param>
    /// <param name="probabilities">Receives <paramref name="batchSize"/> × OutputSize probabilities, row-major.</param>
    /// <param name="batchSize">Samples in the batch, from 1 to MaxBatchSize.</param>
    /// <exception cref="InvalidOperationException">The network is a regressor (mean squared error), whose outputs are not probabilities.</exception>
    public void PredictProbabilities(ReadOnlySpan<float> inputs, Span<float> probabilities, int batchSize) =>
        PredictProbabilities(inputs, probabilities, batchSize, oneSample: false);

    private void PredictProbabilities(ReadOnlySpan<float> inputs, Span<float> probabilities, int batchSize, bool oneSample)
    {
        if (_architecture.Loss == Loss.MeanSquaredError)
        {
            throw new InvalidOperationException($"{_name}: it is trained with MeanSquaredError, so its outputs are values, not probabilities; use Predict.");
        }
        Predict(inputs, probabilities, batchSize, oneSample, nameof(probabilities));
        Span<float> values = probabilities.Slice(0, batchSize * OutputSize);
        if (_architecture.Loss == Loss.BinaryCrossEntropy)
        {
            TensorPrimitives.Sigmoid(values, values);
            return;
        }
        Activations.Softmax(values, values, batchSize, OutputSize);
    }

    /// <summary>
    /// The label of one sample of a one-output <see cref="Loss.BinaryCrossEntropy"/> network, in inference mode: 1 when
    /// the sigmoid of its output is at least <paramref name="threshold"/>, else 0.
    /// </summary>
    /// <param name="input">InputSize features.</param>
    /// <param name="threshold">The probability from which a sample is labelled 1, in [0, 1]; 0.5 by default.</param>
    public int Classify(ReadOnlySpan<float> input, float threshold)
    {
        if (_architecture.Loss != Loss.BinaryCrossEntropy || OutputSize != 1)
        {
            throw new InvalidOperationException($"{_name}: a threshold labels the one output of a BinaryCrossEntropy network; this one has {OutputSize} outputs and {_architecture.Loss}.");
        }
        if (!(threshold >= 0f && threshold <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"{_name}: threshold must be a probability in [0, 1]; got {threshold}.");
        }
        Span<float> probability = stackalloc float[1];
        PredictProbabilities(input, probability, 1, oneSample: true);
        return probability[0] >= threshold ? 1 : 0;
    }

    /// <summary>
    /// Monte-Carlo dropout (Gal and Ghahramani, 2016) in one call: <paramref name="samples"/> forward passes in
    /// <see cref="ForwardMode.Sampling"/> (dropout and noise drawn, BatchNorm on its running statistics), and per output
    /// their mean and standard deviation (over the passes, dividing by their count). Allocates nothing.
    /// </summary>
    /// <param name="inputs"><paramref name="batchSize"/> × InputSize features, row-major.</param>
    /// <param name="mean">Receives <paramref name="batchSize"/> × OutputSize means.</param>
    /// <param name="standardDeviation">Receives <paramref name="batchSize"/> × OutputSize standard deviations: the model's uncertainty.</param>
    /// <param name="batchSize">Samples in the batch, from 1 to MaxBatchSize.</param>
    /// <param name="samples">Forward passes, at least 2; 30 to 100 is usual.</param>
    public void PredictMonteCarlo(ReadOnlySpan<float> inputs, Span<float> mean, Span<float> standardDeviation, int batchSize, int samples)
    {
        Enter();
        try
        {
            CheckInputs(inputs, batchSize);
            Guard.Length(mean.Length, batchSize, OutputSize, nameof(mean), _name);
            Guard.Length(standardDeviation.Length, batchSize, OutputSize, nameof(standardDeviation), _name);
            if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), samples, $"{_name}: samples must be at least 2 passes to measure a spread; got {samples}.");
            // Welford's update per output, in the caller's spans: mean, then the sum of squared deviations in standardDeviation.
            mean.Clear();
            standardDeviation.Clear();
            for (int pass = 1; pass <= samples; pass++)
            {
                ReadOnlySpan<float> outputs = Run(inputs, batchSize, ForwardMode.Sampling);
                for (int i = 0; i < mean.Length; i++)
                {
                    float delta = outputs[i] - mean[i];
                    mean[i] += delta / pass;
                    standardDeviation[i] += delta * (outputs[i] - mean[i]);
                }
            }
            for (int i = 0; i < standardDeviation.Length; i++) standardDeviation[i] = MathF.Sqrt(standardDeviation[i] / samples);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Forward pass with an explicit mode, for custom training loops. A <see cref="ForwardMode.Training"/> pass draws
    /// dropout and noise, normalizes with batch statistics and keeps its activations for <c>Backward</c>; to evaluate
    /// or serve, use <c>Predict</c>.
    /// </summary>
    /// <param name="inputs"><paramref name="batchSize"/> × InputSize features, row-major.</param>
    /// <param name="outputs">Receives <paramref name="batchSize"/> × OutputSize values, row-major.</param>
    /// <param name="batchSize">Samples in the batch, from 1 to MaxBatchSize.</param>
    /// <param name="mode">Training (PyTorch <c>model.train()</c>), inference (<c>model.eval()</c>) or Monte-Carlo sampling, which is inference for a network without dropout or noise.</param>
    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize, ForwardMode mode)
    {
        Enter();
        try
        {
            Guard.Mode(mode, _name);
            CheckInputs(inputs, batchSize);
            Guard.Length(outputs.Length, batchSize, OutputSize, nameof(outputs), _name);
            if (mode == ForwardMode.Training) CheckTrainingBatch(batchSize);
            Run(inputs, batchSize, mode).CopyTo(outputs);
            if (mode == ForwardMode.Training) _trainingBatch = batchSize;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Backward pass of the last training-mode <c>Forward</c>: overwrites <c>Gradients</c> (PyTorch accumulates; this does not).</summary>
    /// <param name="outputGradients">Gradient of the loss with respect to the outputs, <paramref name="batchSize"/> × OutputSize.</param>
    /// <param name="batchSize">The batch size of that <c>Forward</c>.</param>
    public void Backward(ReadOnlySpan<float> outputGradients, int batchSize) => Backward(outputGradients, default, batchSize);

    /// <summary>
    /// Backward pass of the last training-mode <c>Forward</c>: overwrites <c>Gradients</c>, the penalty's gradient
    /// included (PyTorch accumulates; this does not), and writes the gradient with respect to the raw, unscaled inputs.
    /// </summary>
    /// <param name="outputGradients">Gradient of the loss with respect to the outputs, <paramref name="batchSize"/> × OutputSize.</param>
    /// <param name="inputGradients">Receives <paramref name="batchSize"/> × InputSize values, or empty to skip them.</param>
    /// <param name="batchSize">The batch size of that <c>Forward</c>.</param>
    public void Backward(ReadOnlySpan<float> outputGradients, Span<float> inputGradients, int batchSize)
    {
        Enter();
        try
        {
            Guard.BackwardFollowsForward(_trainingBatch, batchSize, _name);
            Guard.Length(outputGradients.Length, batchSize, OutputSize, nameof(outputGradients), _name);
            if (!inputGradients.IsEmpty) Guard.Length(inputGradients.Length, batchSize, InputSize, nameof(inputGradients), _name);
            Guard.Finite(outputGradients, nameof(outputGradients), _name);
            Span<float> own = _outputGradients.AsSpan(0, batchSize * OutputSize);
            outputGradients.CopyTo(own); // where the backward's segments read it
            _passes.Backward(batchSize, own, inputGradients);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Applies one update by <paramref name="optimizer"/> from <c>Gradients</c>, then the rows' constraints
    /// (<c>[MaxNorm]</c>). Custom loops call it after <c>Backward</c>; <c>TrainStep</c> runs the same update.
    /// </summary>
    /// <exception cref="ArithmeticException">A gradient is not finite; nothing was updated.</exception>
    public void Update(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Enter();
        try
        {
            optimizer.RequireFits(_network); // the argument first: a wrong optimizer is reported as such whatever the gradients hold
            if (!Guard.AllFinite(Gradients)) Guard.ThrowNonFiniteStep(0f, _name);
            ApplyUpdate(optimizer, _trainingBatch);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// One training step on a batch: training-mode forward, cross-entropy loss, backward, and the update by
    /// <paramref name="optimizer"/>, as <c>Update</c> does it. A step whose loss or gradients are not finite is
    /// rejected whole: weights, running statistics and the dropout generator are left as they were.
    /// </summary>
    /// <param name="inputs"><paramref name="batchSize"/> × InputSize features, row-major.</param>
    /// <param name="labels">One class index in [0, OutputSize) per sample.</param>
    /// <param name="batchSize">Samples in the batch, from 1 to MaxBatchSize.</param>
    /// <param name="optimizer">The optimizer that owns this network's update state.</param>
    /// <returns>The batch's mean data loss before the update; the penalty is reported apart, by <c>Penalty</c>.</returns>
    /// <exception cref="ArithmeticException">The loss or a gradient is not finite; the network is left as it was.</exception>
    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize, Optimizer optimizer) =>
        TrainStep(inputs, labels, batchSize, optimizer, default);

    /// <summary>
    /// One training step on a batch with class weights, as <c>nn.CrossEntropyLoss(weight=classWeights)</c>: the loss is the
    /// weighted mean <c>Σ w[yᵢ]·lᵢ / Σ w[yᵢ]</c> (with the network's label smoothing combined as PyTorch combines them), and
    /// its gradient drives the update. Otherwise as the step without weights.
    /// </summary>
    /// <param name="inputs"><paramref name="batchSize"/> × InputSize features, row-major.</param>
    /// <param name="labels">One class index in [0, OutputSize) per sample.</param>
    /// <param name="batchSize">Samples in the batch, from 1 to MaxBatchSize.</param>
    /// <param name="optimizer">The optimizer that owns this network's update state.</param>
    /// <param name="classWeights">One finite weight ≥ 0 per class, at least one above 0; empty for none.</param>
    /// <returns>The batch's weighted mean data loss before the update; the penalty is reported apart, by <c>Penalty</c>.</returns>
    /// <exception cref="ArithmeticException">The loss or a gradient is not finite; the network is left as it was.</exception>
    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize, Optimizer optimizer, ReadOnlySpan<float> classWeights)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Enter();
        try
        {
            CheckStep(inputs, batchSize, optimizer);
            Guard.Labels(labels, batchSize, OutputSize, _name);
            Guard.ClassWeights(classWeights, OutputSize, _name);
            CheckTrainingBatch(batchSize);
            SeededRandom randomBefore = BeginStep();
            ReadOnlySpan<float> outputs = Run(inputs, batchSize, ForwardMode.Training);
            Span<float> outputGradients = _outputGradients.AsSpan(0, batchSize * OutputSize);
            float loss = ClassificationLoss(outputs, labels, outputGradients, batchSize, classWeights);
            CompleteStep(loss, batchSize, outputGradients, optimizer, randomBefore);
            return loss;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// One training step on a batch: training-mode forward, the network's loss (binary cross-entropy on logits or mean
    /// squared error), backward, and the update by <paramref name="optimizer"/>, as <c>Update</c> does it. A step whose
    /// loss or gradients are not finite is rejected whole: weights, running statistics and the dropout generator are
    /// left as they were.
    /// </summary>
    /// <param name="inputs"><paramref name="batchSize"/> × InputSize features, row-major.</param>
    /// <param name="targets"><paramref name="batchSize"/> × OutputSize target values, row-major.</param>
    /// <param name="batchSize">Samples in the batch, from 1 to MaxBatchSize.</param>
    /// <param name="optimizer">The optimizer that owns this network's update state.</param>
    /// <returns>The batch's mean data loss before the update; the penalty is reported apart, by <c>Penalty</c>.</returns>
    /// <exception cref="ArithmeticException">The loss or a gradient is not finite; the network is left as it was.</exception>
    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Enter();
        try
        {
            CheckStep(inputs, batchSize, optimizer);
            CheckTargets(targets, batchSize);
            CheckTrainingBatch(batchSize);
            SeededRandom randomBefore = BeginStep();
            ReadOnlySpan<float> outputs = Run(inputs, batchSize, ForwardMode.Training);
            Span<float> outputGradients = _outputGradients.AsSpan(0, batchSize * OutputSize);
            float loss = RegressionLoss(outputs, targets, outputGradients);
            CompleteStep(loss, batchSize, outputGradients, optimizer, randomBefore);
            return loss;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The cross-entropy loss of <paramref name="outputs"/>, averaged over the batch, and its gradient with respect to them.</summary>
    /// <param name="outputs">Network outputs, <paramref name="batchSize"/> × OutputSize.</param>
    /// <param name="labels">One class index in [0, OutputSize) per sample.</param>
    /// <param name="batchSize">Samples in the batch.</param>
    /// <param name="outputGradients">Receives the gradient, shaped as <paramref name="outputs"/>.</param>
    public float ComputeLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int batchSize, Span<float> outputGradients) =>
        ComputeLoss(outputs, labels, batchSize, outputGradients, default);

    /// <summary>
    /// The class-weighted cross-entropy loss of <paramref name="outputs"/>, as <c>nn.CrossEntropyLoss(weight=classWeights,
    /// label_smoothing=ε)</c>: the weighted mean <c>Σ w[yᵢ]·lᵢ / Σ w[yᵢ]</c>, and its gradient with respect to them.
    /// </summary>
    /// <param name="outputs">Network outputs, <paramref name="batchSize"/> × OutputSize.</param>
    /// <param name="labels">One class index in [0, OutputSize) per sample.</param>
    /// <param name="batchSize">Samples in the batch.</param>
    /// <param name="outputGradients">Receives the gradient, shaped as <paramref name="outputs"/>.</param>
    /// <param name="classWeights">One finite weight ≥ 0 per class, at least one above 0; empty for none.</param>
    public float ComputeLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int batchSize, Span<float> outputGradients, ReadOnlySpan<float> classWeights)
    {
        CheckLossArguments(outputs, outputGradients, batchSize);
        Guard.Labels(labels, batchSize, OutputSize, _name);
        Guard.ClassWeights(classWeights, OutputSize, _name);
        return ClassificationLoss(outputs, labels, outputGradients, batchSize, classWeights);
    }

    /// <summary>The network's loss of <paramref name="outputs"/> (binary cross-entropy on logits, or mean squared error), averaged over the batch, and its gradient with respect to them.</summary>
    /// <param name="outputs">Network outputs, <paramref name="batchSize"/> × OutputSize.</param>
    /// <param name="targets"><paramref name="batchSize"/> × OutputSize target values, row-major.</param>
    /// <param name="batchSize">Samples in the batch.</param>
    /// <param name="outputGradients">Receives the gradient, shaped as <paramref name="outputs"/>.</param>
    public float ComputeLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batchSize, Span<float> outputGradients)
    {
        CheckLossArguments(outputs, outputGradients, batchSize);
        CheckTargets(targets, batchSize);
        return RegressionLoss(outputs, targets, outputGradients);
    }

    /// <summary>Copies the parameters, then the statistics, into <paramref name="destination"/> (StateLength values).</summary>
    public void CopyState(Span<float> destination)
    {
        CheckStateLength(destination.Length, nameof(destination));
        Parameters.CopyTo(destination);
        Statistics.CopyTo(destination.Slice(Parameters.Length));
    }

    /// <summary>
    /// Restores a state taken by <c>CopyState</c> from a network of the same declaration. A state of the wrong length or
    /// with a value out of its domain (a weight or statistic that is not finite, a standard deviation ≤ 0, a negative
    /// running variance) is refused with a message naming the value and where it is, and nothing changes.
    /// </summary>
    public void RestoreState(ReadOnlySpan<float> source)
    {
        CheckStateLength(source.Length, nameof(source));
        StateValidator.Validate(_architecture, source, "RestoreState(source)");
        Enter();
        try
        {
            source.Slice(0, Parameters.Length).CopyTo(Parameters);
            source.Slice(Parameters.Length).CopyTo(Statistics);
            _trainingBatch = 0;
            InferenceWeightsChanged();
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The regularization penalty of the current weights, reported apart from the data loss: the sum of the L1/L2 rows' terms; 0 without such rows.</summary>
    public double Penalty
    {
        get
        {
            double penalty = 0;
            foreach (LayerDescription layer in _penalized)
            {
                penalty += Regularization.Penalty(Parameters.AsSpan(layer.WeightOffset, layer.PenalizedCount), layer.L1, layer.L2);
            }
            return penalty;
        }
    }

    /// <summary>
    /// Fits the input scaling (each feature's mean and standard deviation, or minimum and maximum; each channel's, over all
    /// its pixels, for an image) on training features, row-major, in one pass.
    /// </summary>
    /// <param name="features">Whole samples of InputSize features.</param>
    public void FitNormalization(ReadOnlySpan<float> features)
    {
        NormalizationFit fit = BeginNormalizationFit();
        Enter();
        try
        {
            fit.Add(features, nameof(features)); // its messages name FitNormalization's parameter, not Add's
            fit.Complete();
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Starts fitting the input scaling on data given in chunks; call <c>Add</c> per chunk, then <c>Complete</c>.
    /// Completing it changes what a pending training-mode <c>Forward</c> computed, so that pass has no <c>Backward</c> any more.
    /// </summary>
    public NormalizationFit BeginNormalizationFit()
    {
        InputScalingKind kind = _architecture.Scaling
            ?? throw new InvalidOperationException($"{_name}: its input row has no [ZScore] or [MinMax] to fit.");
        return new NormalizationFit(kind, _architecture.ScaledFeatures, InputSize / _architecture.ScaledFeatures, Statistics, 0, _name, StatisticsFitted);
    }

    /// <summary>A read-only view of the input scaling's fitted statistics; empty when the input row has no scaling.</summary>
    public InputStatistics InputStatistics => new(_architecture.Scaling, Statistics, _architecture.ScaledFeatures);

    /// <summary>
    /// The view of the Dense row called <paramref name="name"/> (<c>Dense1</c>, or the <c>Name</c> its row gives), as the
    /// generated property of that name returns it; Keras' <c>model.get_layer(name)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No Dense row has that name; the message lists those that do.</exception>
    public DenseLayer GetDense(string name)
    {
        LayerDescription layer = Find(name, "Dense", static t => t == LayerType.Dense);
        return new DenseLayer(layer.Name, WritableParameters, Gradients, layer.Inputs, layer.Outputs, layer.WeightOffset, layer.BiasOffset);
    }

    /// <summary>The view of the BatchNorm or LayerNorm row called <paramref name="name"/>, as the generated property of that name returns it.</summary>
    /// <exception cref="ArgumentException">No such row has that name; the message lists those that do.</exception>
    public NormalizationLayer GetNormalization(string name)
    {
        LayerDescription layer = Find(name, "BatchNorm or LayerNorm", static t => t is LayerType.BatchNorm or LayerType.LayerNorm);
        return new NormalizationLayer(layer.Name, WritableParameters, Gradients, Statistics, layer.Outputs, layer.WeightOffset, layer.StatisticsOffset);
    }

    private LayerDescription Find(string name, string kind, Func<LayerType, bool> isKind)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (LayerDescription layer in _architecture.Layers)
        {
            if (layer.Name == name && isKind(layer.Type)) return layer;
        }
        string[] names = [.. _architecture.Layers.Where(l => isKind(l.Type)).Select(l => l.Name)];
        throw new ArgumentException(
            $"{_name} has no {kind} row called \"{name}\"; " + (names.Length == 0 ? "it has none." : $"it has {string.Join(", ", names)}."), nameof(name));
    }

    /// <summary><see cref="Parameters"/> handed out for writing: the folded inference weights are rebuilt before the next inference pass.</summary>
    public AlignedFloats WritableParameters
    {
        get
        {
            InferenceWeightsChanged();
            return Parameters;
        }
    }

    /// <summary>
    /// Runs the passes' <see cref="INetworkPasses.ForwardRows"/> on the first <paramref name="batchSize"/> samples: split by samples over
    /// the worker pool when the batch is large enough (<see cref="Parallelism"/>), else on the calling thread. The rows treat each
    /// sample on its own, so the results are the same bits either way.
    /// </summary>
    /// <param name="batchSize">Samples in the batch.</param>
    /// <param name="multiplyAddsPerSample">The products' multiply-adds per sample, which decide whether splitting pays.</param>
    public void SplitBatch(int batchSize, long multiplyAddsPerSample) => _split.Run(batchSize, multiplyAddsPerSample);

    /// <summary>
    /// Runs the passes' <see cref="INetworkPasses.TrainingRows"/> of <paramref name="segment"/> on the first <paramref name="batchSize"/>
    /// samples: split by samples over the worker pool when the batch is large enough, else on the calling thread, where its products may
    /// still be split by their weights. The rows treat each sample on its own, so the results are the same bits either way.
    /// </summary>
    /// <param name="segment">The segment, as the passes number them.</param>
    /// <param name="batchSize">Samples in the batch.</param>
    /// <param name="multiplyAddsPerSample">The segment's multiply-adds per sample, which decide whether splitting pays.</param>
    /// <param name="weights">The weights its products read, which every part reads whole.</param>
    public void SplitTraining(int segment, int batchSize, long multiplyAddsPerSample, long weights) =>
        _split.RunSegment(segment, batchSize, multiplyAddsPerSample, weights);

    /// <summary>
    /// The gradient of the loss with respect to the outputs during a backward pass, <c>batchSize</c> × OutputSize values: the
    /// backward's segments read it from any thread, where the pass's span argument cannot go.
    /// </summary>
    public float[] OutputGradients => _outputGradients;

    /// <summary>The scratch a kernel of <see cref="SplitBatch"/> uses on thread <paramref name="thread"/>: <paramref name="own"/> on the calling thread (0), a block as long kept per worker on the others.</summary>
    public float[] ThreadScratch(int thread, float[] own) => _split.Scratch(thread, own);

    private void StatisticsFitted() => _trainingBatch = 0;

    private ReadOnlySpan<float> Run(ReadOnlySpan<float> inputs, int batchSize, ForwardMode mode)
    {
        inputs.CopyTo(Inputs);
        if (mode == ForwardMode.Training && RawInputs.Length > 0) inputs.CopyTo(RawInputs);
        _trainingBatch = 0;
        ReadOnlySpan<float> outputs = _passes.Forward(batchSize, mode);
        if (mode == ForwardMode.Training) InferenceWeightsChanged(); // the running statistics moved
        return outputs;
    }

    /// <summary>Checks a pass's inputs; <paramref name="oneSample"/> for the one-sample members, whose parameter is <c>input</c> and which take no batch size.</summary>
    private void CheckInputs(ReadOnlySpan<float> inputs, int batchSize, bool oneSample = false)
    {
        string name = oneSample ? "input" : nameof(inputs);
        Guard.BatchSize(batchSize, MaxBatchSize, _name);
        Guard.Length(inputs.Length, batchSize, InputSize, name, _name, oneSample ? nameof(InputSize) : null);
        Guard.Finite(inputs, name, _name);
        if (_architecture.Scaling is not null) Guard.Fitted(Statistics[0], _name);
    }

    private void CheckStep(ReadOnlySpan<float> inputs, int batchSize, Optimizer optimizer)
    {
        optimizer.RequireFits(_network);
        CheckInputs(inputs, batchSize);
    }

    /// <summary>Finite targets; for binary cross-entropy, probabilities in [0, 1] (PyTorch's <c>BCEWithLogitsLoss</c> takes any value and answers nonsense).</summary>
    private void CheckTargets(ReadOnlySpan<float> targets, int batchSize)
    {
        if (_architecture.Loss == Loss.BinaryCrossEntropy) Guard.BinaryTargets(targets, batchSize, OutputSize, _name);
        else Guard.Targets(targets, batchSize, OutputSize, _name);
    }

    private void CheckTrainingBatch(int batchSize)
    {
        if (_batchStatisticsLayer is not null) Guard.TrainingBatch(batchSize, _batchStatisticsLayer, _name);
    }

    /// <summary>Keeps what a rejected step must put back: the running statistics and the generator, so later draws are as if it never ran.</summary>
    private SeededRandom BeginStep()
    {
        if (_statisticsBefore is not null) Statistics.AsSpan().CopyTo(_statisticsBefore);
        return Random;
    }

    private void CompleteStep(float loss, int batchSize, Span<float> outputGradients, Optimizer optimizer, SeededRandom randomBefore)
    {
        bool finite;
        _fused.Clear();
        _fused.Deferring = FusedStep.CanDefer(optimizer, batchSize);
        try
        {
            finite = _passes.Backward(batchSize, outputGradients, default);
        }
        finally
        {
            _fused.Deferring = false;
        }
        if (!finite || !float.IsFinite(loss))
        {
            _fused.Materialize(Parameters, Gradients); // a rejected step leaves every gradient in Gradients, as without deferring
            PutBack(randomBefore);
            Guard.ThrowNonFiniteStep(loss, _name);
        }
        try
        {
            if (_fused.TryStep(optimizer, _network, Parameters, Gradients)) AfterUpdate();
            else ApplyUpdate(optimizer, batchSize);
        }
        catch (ArithmeticException)
        {
            PutBack(randomBefore); // the optimizer refused the update and left the parameters as they were
            throw;
        }
    }

    /// <summary>
    /// For the generated backward pass of a large Dense row without a penalty: during a TrainStep that can fuse its update (see
    /// <see cref="FusedStep"/>), keeps the operands of the row's weight gradient <c>dW = dyᵀ·x</c> and returns true, and the row then
    /// writes only its bias gradient; otherwise returns false and the row computes its gradients as always. <paramref name="y"/> is the
    /// row's output of the same pass, whose finiteness shows that every weight is finite.
    /// </summary>
    /// <param name="layer">The row's index in the architecture's layers.</param>
    /// <param name="n">Samples in the batch.</param>
    /// <param name="x">The row's input, n × Inputs.</param>
    /// <param name="dy">The gradient of its output, n × Outputs.</param>
    /// <param name="y">Its output, n × Outputs.</param>
    public bool DeferWeightGradients(int layer, int n, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> y) =>
        _fused.Defer(layer, n, x, dy, y, false, 0f, 0f);

    /// <summary>
    /// <see cref="DeferWeightGradients(int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/> for a row with the
    /// penalty <c>l1·Σ|w| + l2·Σw²</c> on its weights, whose gradient joins the weight gradient as <c>Dense.BackwardParameters</c> adds it.
    /// </summary>
    /// <param name="layer">The row's index in the architecture's layers.</param>
    /// <param name="n">Samples in the batch.</param>
    /// <param name="x">The row's input, n × Inputs.</param>
    /// <param name="dy">The gradient of its output, n × Outputs.</param>
    /// <param name="y">Its output, n × Outputs.</param>
    /// <param name="l1">The L1 strength.</param>
    /// <param name="l2">The L2 strength.</param>
    public bool DeferWeightGradients(int layer, int n, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> y, float l1, float l2) =>
        _fused.Defer(layer, n, x, dy, y, true, l1, l2);

    /// <summary>TrainSteps that updated large Dense rows in the pass of their gradient, for tests.</summary>
    internal long FusedSteps => _fused.FusedSteps;

    /// <summary>Undoes what a rejected step's forward pass did: the running statistics moved and the generator drew.</summary>
    private void PutBack(SeededRandom randomBefore)
    {
        _statisticsBefore?.AsSpan().CopyTo(Statistics);
        Random = randomBefore;
    }

    /// <summary>
    /// The update after a backward pass of <paramref name="batch"/> samples (0 when unknown): the batch tells which products were
    /// split, and so which rows each thread updates, the rows its products wrote. Both callers have checked that the optimizer fits.
    /// </summary>
    private void ApplyUpdate(Optimizer optimizer, int batch)
    {
        optimizer.Step(_network, batch);
        AfterUpdate();
    }

    /// <summary>What follows every update: the rows' constraints, and the inference weights to rebuild.</summary>
    private void AfterUpdate()
    {
        foreach (LayerDescription layer in _constrained)
        {
            Regularization.MaxNorm(Parameters.AsSpan(layer.WeightOffset, layer.WeightCount), layer.FanIn, layer.Units, (float)layer.MaxNorm);
        }
        InferenceWeightsChanged();
    }

    /// <summary>The parameters or statistics changed: the folded weights, their bfloat16 copy and their packed copy are rebuilt before the next inference pass.</summary>
    private void InferenceWeightsChanged()
    {
        FoldsStale = true;
        ReducedStale = true;
        _packedStale = _packed.Length > 0;
        _unpackedPasses = 0;
    }

    private float ClassificationLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, Span<float> outputGradients, int batchSize, ReadOnlySpan<float> classWeights) =>
        Losses.SoftmaxCrossEntropy(outputs, labels, outputGradients, batchSize, OutputSize, (float)_architecture.LabelSmoothing, classWeights);

    private float RegressionLoss(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> outputGradients) =>
        _architecture.Loss == Loss.BinaryCrossEntropy
            ? Losses.BinaryCrossEntropyWithLogits(outputs, targets, outputGradients)
            : Losses.MeanSquaredError(outputs, targets, outputGradients);

    private void CheckLossArguments(ReadOnlySpan<float> outputs, Span<float> outputGradients, int batchSize)
    {
        Guard.BatchSize(batchSize, MaxBatchSize, _name);
        Guard.Length(outputs.Length, batchSize, OutputSize, nameof(outputs), _name);
        Guard.Length(outputGradients.Length, batchSize, OutputSize, nameof(outputGradients), _name);
    }

    private void CheckStateLength(int length, string parameter)
    {
        if (length != StateLength)
        {
            throw new ArgumentException(
                $"{_name}: {parameter} must hold StateLength = {StateLength} values ({Parameters.Length} parameters, then {Statistics.Length} statistics); got {length}.", parameter);
        }
    }

    private void Enter()
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) ThrowConcurrentUse();
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    private void ThrowConcurrentUse() =>
        throw new InvalidOperationException(
            $"{_name}: another thread is running this network. One instance serves one caller at a time; to serve many threads, " +
            "give each its own instance, or share one trained network through NetworkPool.");
}
