using System;
using System.Reflection;

namespace NormReg.Tests.Fuzzing;

/// <summary>
/// A network with its optimizer, and the entry points only the generated class declares (single-sample Predict,
/// Classify, two-argument Backward, FitNormalization, BeginNormalizationFit) bound as delegates, since span
/// arguments cannot go through reflection's Invoke.
/// </summary>
internal sealed class FuzzedNetwork
{
    public delegate void PredictOne(ReadOnlySpan<float> input, Span<float> output);

    public delegate int ClassifyOne(ReadOnlySpan<float> input);

    public delegate void BackwardOutputs(ReadOnlySpan<float> outputGradients, int batchSize);

    public delegate void FitFeatures(ReadOnlySpan<float> features);

    public FuzzedNetwork(INetwork network, Optimizer optimizer)
    {
        Network = network;
        Optimizer = optimizer;
        Type type = network.GetType();
        Predict = Bind<PredictOne>(type, "Predict", typeof(ReadOnlySpan<float>), typeof(Span<float>))!;
        Classify = Bind<ClassifyOne>(type, "Classify", typeof(ReadOnlySpan<float>));
        Backward = Bind<BackwardOutputs>(type, "Backward", typeof(ReadOnlySpan<float>), typeof(int))!;
        FitNormalization = Bind<FitFeatures>(type, "FitNormalization", typeof(ReadOnlySpan<float>));
    }

    public INetwork Network { get; }

    public Optimizer Optimizer { get; }

    public string Name => Network.Architecture.Name;

    public PredictOne Predict { get; }

    /// <summary>Only on classifiers.</summary>
    public ClassifyOne? Classify { get; }

    public BackwardOutputs Backward { get; }

    /// <summary>Only on networks with input scaling.</summary>
    public FitFeatures? FitNormalization { get; }

    public bool HasScaling => Network.Architecture.Scaling is not null;

    public NormalizationFit BeginNormalizationFit() =>
        (NormalizationFit)Network.GetType().GetMethod("BeginNormalizationFit")!.Invoke(Network, null)!;

    private T? Bind<T>(Type type, string name, params Type[] parameters) where T : Delegate
    {
        MethodInfo? method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
        return method is null ? null : (T)Delegate.CreateDelegate(typeof(T), Network, method);
    }
}
