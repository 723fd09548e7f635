using System.IO;

namespace NormReg;

/// <summary>Why a model file could not be read or loaded; see <see cref="ModelFileException.Reason"/>.</summary>
public enum ModelFileReason
{
    /// <summary>The bytes do not begin with the model-file signature: another kind of file, or a damaged signature.</summary>
    NotAModelFile,

    /// <summary>A format version this library does not read, written by a newer NormReg.</summary>
    UnsupportedVersion,

    /// <summary>The file ends before the length its header declares, or before its header does.</summary>
    Truncated,

    /// <summary>A damaged byte: the header check or the SHA-256 checksum does not match, or the content is malformed.</summary>
    Corrupted,

    /// <summary>The file holds the state of a network whose architecture fingerprint differs from the one loading it.</summary>
    ArchitectureMismatch,

    /// <summary>The file's optimizer state was saved by another rule or other settings, or the optimizer steps another network.</summary>
    OptimizerMismatch,

    /// <summary>An optimizer was given to load into, but the file was saved without optimizer state.</summary>
    MissingOptimizerState,

    /// <summary>
    /// The file is intact (its checksum matches) but holds a value a network or optimizer cannot use: a NaN or infinite
    /// weight, a standard deviation that is not positive, a negative running variance, a NaN optimizer moment.
    /// </summary>
    InvalidValue,
}

/// <summary>
/// A model file that cannot be read or does not fit what loads it. Whatever the <see cref="Reason"/>, the exception is
/// thrown before anything changes: the network and the optimizer keep the state they had.
/// </summary>
public sealed class ModelFileException : IOException
{
    /// <summary>Creates the exception; <paramref name="message"/> names what was expected and what came.</summary>
    public ModelFileException(ModelFileReason reason, string? path, string message)
        : base(message)
    {
        Reason = reason;
        Path = path;
    }

    /// <summary>What is wrong, for code that handles the cases apart (e.g. a fresh optimizer on <see cref="ModelFileReason.MissingOptimizerState"/>).</summary>
    public ModelFileReason Reason { get; }

    /// <summary>The file's path, or <see langword="null"/> when the model came from a stream.</summary>
    public string? Path { get; }
}
