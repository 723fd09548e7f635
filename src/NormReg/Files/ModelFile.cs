using System;
using System.IO;

namespace NormReg;

/// <summary>
/// Saves and loads a network's whole state (parameters, fitted input statistics, BatchNorm running statistics) and,
/// optionally, its optimizer's, in a versioned, checksummed file tied to the network's architecture fingerprint.
/// </summary>
/// <remarks>
/// <para>A save is atomic: the bytes go to a temporary file in the same directory, are flushed to disk, and the temporary
/// file is then renamed over <c>path</c>; if anything fails the temporary file is deleted and an older file at
/// <c>path</c> is left as it was. The same state always gives the same bytes (no time stamps).</para>
/// <para>A load reads and checks the whole file first (signature, version, length, SHA-256 checksum, architecture
/// fingerprint, optimizer rule); any problem throws <see cref="ModelFileException"/> and leaves the network and the
/// optimizer exactly as they were. docs/model-files.md describes the format.</para>
/// </remarks>
public static class ModelFile
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = ModelFileFormat.Version;

    /// <summary>Saves <paramref name="network"/>'s state, and <paramref name="optimizer"/>'s if given, to <paramref name="path"/>, atomically.</summary>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="optimizer">The optimizer training <paramref name="network"/>, to resume training later; <see langword="null"/> saves the network alone.</param>
    /// <exception cref="ArgumentException"><paramref name="optimizer"/> steps a network with another parameter count.</exception>
    /// <exception cref="NotSupportedException"><paramref name="optimizer"/> is not an <see cref="Sgd"/>, <see cref="Adam"/> or <see cref="AdamW"/>.</exception>
    /// <exception cref="IOException">Writing failed; the file at <paramref name="path"/> is unchanged.</exception>
    public static void Save(this INetwork network, string path, Optimizer? optimizer = null) => Save(network, path, optimizer, null);

    /// <summary>Writes <paramref name="network"/>'s state, and <paramref name="optimizer"/>'s if given, to <paramref name="stream"/> (not atomic: the stream is the caller's).</summary>
    /// <param name="network">The network to save.</param>
    /// <param name="stream">Where the bytes go, from its current position.</param>
    /// <param name="optimizer">The optimizer training <paramref name="network"/>; <see langword="null"/> saves the network alone.</param>
    /// <exception cref="ArgumentException"><paramref name="optimizer"/> steps a network with another parameter count.</exception>
    /// <exception cref="NotSupportedException"><paramref name="optimizer"/> is not an <see cref="Sgd"/>, <see cref="Adam"/> or <see cref="AdamW"/>.</exception>
    public static void Save(this INetwork network, Stream stream, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Serialize(network, optimizer));
    }

    /// <summary>Loads the state in <paramref name="path"/> into <paramref name="network"/>, and the optimizer state into <paramref name="optimizer"/> if given.</summary>
    /// <param name="network">A network of the saved architecture (same fingerprint; names and training-only rows may differ).</param>
    /// <param name="path">The model file.</param>
    /// <param name="optimizer">
    /// An optimizer of the saved rule and settings to resume training with; it takes the saved steps, learning rate and
    /// buffers. <see langword="null"/> loads the network alone, whether or not the file holds optimizer state.
    /// </param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ModelFileException">The file is not a model file, is of another version, truncated, corrupted, of another architecture, or its optimizer state does not fit; nothing changed.</exception>
    /// <exception cref="NotSupportedException"><paramref name="optimizer"/> is not an <see cref="Sgd"/>, <see cref="Adam"/> or <see cref="AdamW"/>.</exception>
    public static void Load(this INetwork network, string path, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        RequireSavable(optimizer);
        byte[] bytes = File.ReadAllBytes(path);
        Apply(network, optimizer, ModelFileFormat.Read(bytes, path), path);
    }

    /// <summary>Loads the state in <paramref name="stream"/> (read to its end) into <paramref name="network"/>, and into <paramref name="optimizer"/> if given.</summary>
    /// <param name="network">A network of the saved architecture.</param>
    /// <param name="stream">The model's bytes, from the current position to the end.</param>
    /// <param name="optimizer">An optimizer of the saved rule and settings, or <see langword="null"/> to load the network alone.</param>
    /// <exception cref="ModelFileException">As for <see cref="Load(INetwork, string, Optimizer?)"/>; nothing changed.</exception>
    /// <exception cref="NotSupportedException"><paramref name="optimizer"/> is not an <see cref="Sgd"/>, <see cref="Adam"/> or <see cref="AdamW"/>.</exception>
    public static void Load(this INetwork network, Stream stream, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        RequireSavable(optimizer);
        Apply(network, optimizer, ModelFileFormat.Read(ReadToEnd(stream), null), null);
    }

    /// <summary>Checks the whole file at <paramref name="path"/> and describes what it holds, without a network to load into.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ModelFileException">The file is not a model file, is of another version, truncated or corrupted.</exception>
    public static ModelFileInfo ReadInfo(string path) => Info(ModelFileFormat.Read(File.ReadAllBytes(path), path));

    /// <summary>Checks the model in <paramref name="stream"/> (read to its end) and describes what it holds.</summary>
    /// <exception cref="ModelFileException">The bytes are not a model file, are of another version, truncated or corrupted.</exception>
    public static ModelFileInfo ReadInfo(Stream stream) => Info(ModelFileFormat.Read(ReadToEnd(stream), null));

    /// <summary>
    /// <see cref="Save(INetwork, string, Optimizer?)"/> with the temporary file's stream passed through
    /// <paramref name="interpose"/> first, so tests can interrupt a save halfway.
    /// </summary>
    internal static void Save(INetwork network, string path, Optimizer? optimizer, Func<Stream, Stream>? interpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Serialize(network, optimizer);
        string target = ResolveLinks(Path.GetFullPath(path));
        // A short name of its own, so a legal long file name never makes an illegal temporary one.
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".nrg-{Path.GetRandomFileName()}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Stream output = interpose?.Invoke(file) ?? file;
                output.Write(bytes);
                output.Flush();
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    /// <summary>
    /// The file a save replaces: <paramref name="path"/> itself, or, when it is a symbolic link (to a link…), the final
    /// target, so the link stays a link and the file it points to gets the new bytes, as any editor's save does.
    /// </summary>
    private static string ResolveLinks(string path)
    {
        var file = new FileInfo(path);
        if (file.LinkTarget is null) return path;
        FileSystemInfo? final = file.ResolveLinkTarget(returnFinalTarget: true);
        return final is null ? path : Path.GetFullPath(final.FullName);
    }

    private static byte[] Serialize(INetwork network, Optimizer? optimizer)
    {
        ArgumentNullException.ThrowIfNull(network);
        RequireSavable(optimizer);
        int parameterCount = network.Architecture.ParameterCount;
        if (optimizer is not null && optimizer.BoundLength >= 0 && optimizer.BoundLength != parameterCount)
        {
            throw new ArgumentException(
                $"{optimizer.GetType().Name} steps a network of {optimizer.BoundLength} parameters, but {network.Architecture.Name} has {parameterCount}; save a network with the optimizer that trains it.",
                nameof(optimizer));
        }
        if (optimizer is not null && optimizer.IsBoundToAnother(network))
        {
            throw new ArgumentException(
                $"{optimizer.GetType().Name} keeps state for another {network.Architecture.Name} instance, not this one; save a network with the optimizer that trains it.",
                nameof(optimizer));
        }
        return ModelFileFormat.Write(network, optimizer);
    }

    /// <summary>Checks that the file fits <paramref name="network"/> and <paramref name="optimizer"/>, then, and only then, changes them.</summary>
    private static void Apply(INetwork network, Optimizer? optimizer, ModelFileContents file, string? path)
    {
        string source = path is null ? "The model stream" : $"Model file '{path}'";
        NetworkArchitecture architecture = network.Architecture;
        if (file.Fingerprint != architecture.Fingerprint || file.ParameterCount != architecture.ParameterCount || file.StatisticsCount != architecture.StatisticsCount)
        {
            throw new ModelFileException(ModelFileReason.ArchitectureMismatch, path,
                $"{source} holds a network '{file.Name}' ({file.Description}) but this is '{architecture.Name}' ({architecture.Describe()}); "
                + $"{FirstDifference(file.Description, architecture.Describe())}. Fingerprints: file {file.Fingerprint}, network {architecture.Fingerprint}.");
        }
        if (optimizer is not null)
        {
            string kind = optimizer.StateKind!;
            if (file.Optimizer is not { } saved)
            {
                throw new ModelFileException(ModelFileReason.MissingOptimizerState, path,
                    $"{source} holds no optimizer state, but {kind} was given to load into; load without an optimizer to start a fresh one.");
            }
            if (saved.Kind != kind)
            {
                throw new ModelFileException(ModelFileReason.OptimizerMismatch, path,
                    $"{source} holds optimizer state of {saved.Kind}, but the optimizer given is {kind}.");
            }
            if (optimizer.BoundLength >= 0 && optimizer.BoundLength != architecture.ParameterCount || optimizer.IsBoundToAnother(network))
            {
                throw new ModelFileException(ModelFileReason.OptimizerMismatch, path,
                    optimizer.BoundLength != architecture.ParameterCount
                        ? $"The optimizer given steps a network of {optimizer.BoundLength} parameters, but {source} holds its state for '{architecture.Name}' with {architecture.ParameterCount}; use one optimizer per network."
                        : $"The optimizer given steps another '{architecture.Name}' instance, not the one loading {source}; use one optimizer per network instance.");
            }
            if (saved.BufferCount != optimizer.StateBufferCount)
            {
                throw new ModelFileException(ModelFileReason.Corrupted, path,
                    $"{source} is corrupted although its checksum matches: {kind} keeps {optimizer.StateBufferCount} buffers, the file holds {saved.BufferCount}.");
            }
        }
        if (StateValidator.FindProblem(architecture, file.State) is { } problem)
        {
            throw new ModelFileException(ModelFileReason.InvalidValue, path, $"{source} {problem}; the network is unchanged.");
        }
        if (optimizer is not null && OptimizerStateProblem(optimizer, file.Optimizer!, architecture) is { } optimizerProblem)
        {
            throw new ModelFileException(ModelFileReason.InvalidValue, path, $"{source} {optimizerProblem}; the network and the optimizer are unchanged.");
        }
        network.RestoreState(file.State);
        if (optimizer is not null)
        {
            OptimizerContents saved = file.Optimizer!;
            optimizer.RestoreState(saved.Steps, saved.LearningRate, architecture.ParameterCount, saved.Buffers);
            if (saved.Steps > 0) optimizer.BindTo(network);
        }
    }

    /// <summary>The first value of the saved optimizer buffers its rule cannot use (a non-finite value, a negative second moment), or <see langword="null"/>.</summary>
    private static string? OptimizerStateProblem(Optimizer optimizer, OptimizerContents saved, NetworkArchitecture architecture)
    {
        if (saved.Steps == 0) return null;
        int count = architecture.ParameterCount;
        for (int b = 0; b < saved.BufferCount; b++)
        {
            ReadOnlySpan<float> buffer = saved.Buffers.AsSpan(b * count, count);
            for (int i = 0; i < count; i++)
            {
                float v = buffer[i];
                if (!float.IsFinite(v) || (optimizer.StateBufferMustBeNonNegative(b) && v < 0))
                {
                    return $"holds {StateValidator.Show(v)} in {optimizer.StateBufferName(b)} for {StateValidator.DescribeParameter(architecture, i)} (optimizer buffer {b}, value {i}); "
                        + (float.IsFinite(v) ? "it must not be negative" : "optimizer state must be finite");
                }
            }
        }
        return null;
    }

    /// <summary>The first token (';'-separated) where two <see cref="NetworkArchitecture.Describe"/> texts part.</summary>
    private static string FirstDifference(string file, string network)
    {
        string[] a = file.Split(';'), b = network.Split(';');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string left = i < a.Length ? a[i] : "(end)", right = i < b.Length ? b[i] : "(end)";
            if (left != right) return $"first difference at token {i}: file '{left}', network '{right}'";
        }
        return "the descriptions agree but the state layouts differ";
    }

    private static void RequireSavable(Optimizer? optimizer)
    {
        if (optimizer is { StateKind: null })
        {
            throw new NotSupportedException($"Model files hold the state of Sgd, Adam and AdamW; {optimizer.GetType().Name} is none of them. Save or load the network without it.");
        }
    }

    private static ModelFileInfo Info(ModelFileContents file) => new(
        FormatVersion, file.Name, file.Fingerprint, file.Description, file.ParameterCount, file.StatisticsCount,
        file.Optimizer?.Kind, file.Optimizer?.Steps ?? 0);

    private static byte[] ReadToEnd(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Removes the temporary file after a failed save; a failure here must not hide the one that matters.</summary>
    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The save's own exception is rethrown by the caller.
        }
    }
}
