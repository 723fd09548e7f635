using System;
using System.IO;
using Google.Protobuf;
using NormReg.Onnx;

namespace NormReg;

/// <summary>
/// Writes a network's inference graph as an ONNX model, to serve it with ONNX Runtime or any engine that reads ONNX:
/// <c>net.ExportOnnx("model.onnx")</c>. The graph computes what <c>Predict</c> computes, from the current weights and
/// statistics: input <c>"input"</c> float32 [batch, <see cref="INetwork.InputSize"/>] of raw (unscaled) features,
/// output <c>"output"</c> float32 [batch, <see cref="INetwork.OutputSize"/>], the batch dimension symbolic. Dropout and
/// noise rows are left out, a BatchNorm directly after a Dense row is folded into it, and the input scaling is part of
/// the graph. Operator set <see cref="OpsetVersion"/>, IR version <see cref="IrVersion"/>; docs/onnx.md maps each row.
/// </summary>
public static class OnnxExport
{
    /// <summary>The version of the default ONNX operator set (ai.onnx) the graph uses: 17, the first with <c>LayerNormalization</c>.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX IR version of the file: 8, the one released with operator set 17.</summary>
    public const int IrVersion = 8;

    /// <summary>Writes the ONNX model of <paramref name="network"/>'s inference graph to <paramref name="stream"/>, from its current position.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    /// <exception cref="InvalidOperationException">The input scaling has not been fitted (call <c>FitNormalization</c> first), or a weight or statistic is NaN or infinite; nothing is written.</exception>
    public static void ExportOnnx(this INetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("ExportOnnx needs a writable stream.", nameof(stream));
        OnnxModelBuilder.Build(network).WriteTo(stream);
    }

    /// <summary>
    /// Writes the ONNX model of <paramref name="network"/>'s inference graph to the file <paramref name="path"/>,
    /// replacing it if it exists. The file is written beside it under a temporary name and then moved into place, so a
    /// failed export leaves no partial model behind.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The input scaling has not been fitted (call <c>FitNormalization</c> first), or a weight or statistic is NaN or infinite; no file is written.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void ExportOnnx(this INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] model = OnnxModelBuilder.Build(network).ToByteArray();
        string target = Path.GetFullPath(path);
        string temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, model);
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
