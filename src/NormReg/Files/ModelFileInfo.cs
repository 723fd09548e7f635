namespace NormReg;

/// <summary>What a model file holds, read by <see cref="ModelFile.ReadInfo(string)"/> after checking the whole file.</summary>
public sealed class ModelFileInfo
{
    internal ModelFileInfo(int formatVersion, string networkName, string fingerprint, string description,
        int parameterCount, int statisticsCount, string? optimizerKind, long optimizerSteps)
    {
        FormatVersion = formatVersion;
        NetworkName = networkName;
        Fingerprint = fingerprint;
        Description = description;
        ParameterCount = parameterCount;
        StatisticsCount = statisticsCount;
        OptimizerKind = optimizerKind;
        OptimizerSteps = optimizerSteps;
    }

    /// <summary>The file format's version (<see cref="ModelFile.FormatVersion"/> for files this library writes).</summary>
    public int FormatVersion { get; }

    /// <summary>The class name of the network that was saved.</summary>
    public string NetworkName { get; }

    /// <summary>The saved network's <see cref="NetworkArchitecture.Fingerprint"/>, lowercase hex.</summary>
    public string Fingerprint { get; }

    /// <summary>The saved network's <see cref="NetworkArchitecture.Describe"/> text, which the fingerprint hashes.</summary>
    public string Description { get; }

    /// <summary>Trainable parameters in the saved state.</summary>
    public int ParameterCount { get; }

    /// <summary>Fitted and running statistics after the parameters in the saved state.</summary>
    public int StatisticsCount { get; }

    /// <summary>The optimizer's rule and settings, e.g. <c>Adam(beta1=0.9,beta2=0.999,epsilon=1E-08,weightDecay=0)</c>; <see langword="null"/> when saved without one.</summary>
    public string? OptimizerKind { get; }

    /// <summary>Steps the saved optimizer had taken; 0 without optimizer state.</summary>
    public long OptimizerSteps { get; }
}
