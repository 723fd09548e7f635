using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace NormReg;

/// <summary>
/// The byte layout of a model file, version 1 (docs/model-files.md has the table). Every number is little-endian,
/// whatever the machine; the same state always gives the same bytes.
/// </summary>
internal static class ModelFileFormat
{
    /// <summary>PNG-style: a non-ASCII first byte, then line endings and an end-of-file mark that text-mode copies would damage.</summary>
    internal static ReadOnlySpan<byte> Signature => [0x89, (byte)'N', (byte)'R', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    internal const int Version = 1;

    /// <summary>Signature, version (u32), file length (u64), header check (8 bytes): the same in every version.</summary>
    internal const int HeaderLength = 28;

    private const int HeaderCheckedLength = 20;
    private const int HeaderCheckLength = 8;
    private const int HashLength = 32;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file for <paramref name="network"/>'s current state and, if given, <paramref name="optimizer"/>'s.</summary>
    internal static byte[] Write(INetwork network, Optimizer? optimizer)
    {
        NetworkArchitecture architecture = network.Architecture;
        byte[] name = Utf8.GetBytes(architecture.Name);
        byte[] description = Utf8.GetBytes(architecture.Describe());
        byte[] kind = optimizer is null ? [] : Utf8.GetBytes(optimizer.StateKind!);
        int stateLength = architecture.StateLength;
        bool stepped = optimizer is { Steps: > 0 };
        int buffers = optimizer?.StateBufferCount ?? 0;
        int bufferValues = stepped ? buffers * architecture.ParameterCount : 0;

        long length = HeaderLength + HashLength + 4 + name.Length + 4 + description.Length + 8 + 4L * stateLength + 1
            + (optimizer is null ? 0 : 4 + kind.Length + 8 + 8 + 4 + 4L * bufferValues) + HashLength;
        if (length > Array.MaxLength) throw new NotSupportedException($"A model file of {length} bytes is larger than one array can hold.");
        var bytes = new byte[length];
        var w = new Writer(bytes);

        w.Bytes(Signature);
        w.UInt32(Version);
        w.UInt64((ulong)length);
        w.Bytes(HeaderCheck(bytes));
        w.Bytes(Convert.FromHexString(architecture.Fingerprint));
        w.Text(name);
        w.Text(description);
        w.Int32(architecture.ParameterCount);
        w.Int32(architecture.StatisticsCount);
        float[] state = new float[stateLength];
        network.CopyState(state);
        w.Floats(state);
        w.Byte(optimizer is null ? (byte)0 : (byte)1);
        if (optimizer is not null)
        {
            w.Text(kind);
            w.Int64(optimizer.Steps);
            w.Double(optimizer.LearningRate);
            w.Int32(buffers);
            for (int i = 0; stepped && i < buffers; i++) w.Floats(optimizer.StateBuffer(i));
        }
        w.Bytes(SHA256.HashData(bytes.AsSpan(0, w.Position)));
        return bytes;
    }

    /// <summary>Checks the whole file (signature, version, length, checksum, structure) and returns what it holds.</summary>
    /// <exception cref="ModelFileException">Anything wrong; <paramref name="path"/> names the file in the message.</exception>
    internal static ModelFileContents Read(ReadOnlySpan<byte> bytes, string? path)
    {
        string source = path is null ? "The model stream" : $"Model file '{path}'";
        // A prefix of the signature is a file cut short, not a foreign one.
        int prefix = Math.Min(bytes.Length, Signature.Length);
        if (!bytes[..prefix].SequenceEqual(Signature[..prefix]))
        {
            throw new ModelFileException(ModelFileReason.NotAModelFile, path,
                $"{source} is not a NormReg model file: it begins with {Convert.ToHexString(bytes[..prefix])}, not the signature {Convert.ToHexString(Signature)}.");
        }
        if (bytes.Length < HeaderLength)
        {
            throw new ModelFileException(ModelFileReason.Truncated, path,
                $"{source} is truncated: {bytes.Length} bytes, shorter than the {HeaderLength}-byte header of a model file.");
        }
        if (!bytes.Slice(HeaderCheckedLength, HeaderCheckLength).SequenceEqual(HeaderCheck(bytes)))
        {
            throw new ModelFileException(ModelFileReason.Corrupted, path,
                $"{source} is corrupted: the check of its header (bytes 0-{HeaderCheckedLength - 1}: signature, version, length) does not match.");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(8));
        if (version != Version)
        {
            throw new ModelFileException(ModelFileReason.UnsupportedVersion, path,
                $"{source} has format version {version}; this NormReg reads version {Version}. Load it with the NormReg that wrote it, or a newer one.");
        }
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(12));
        if ((ulong)bytes.Length < declared)
        {
            throw new ModelFileException(ModelFileReason.Truncated, path,
                $"{source} is truncated: it has {bytes.Length} bytes of the {declared} its header declares.");
        }
        if ((ulong)bytes.Length > declared)
        {
            throw new ModelFileException(ModelFileReason.Corrupted, path,
                $"{source} is corrupted: it has {bytes.Length} bytes, but its header declares {declared}.");
        }
        if (bytes.Length < HeaderLength + HashLength + HashLength
            || !SHA256.HashData(bytes.Slice(0, bytes.Length - HashLength)).AsSpan().SequenceEqual(bytes.Slice(bytes.Length - HashLength)))
        {
            throw new ModelFileException(ModelFileReason.Corrupted, path,
                $"{source} is corrupted: the SHA-256 of its first {Math.Max(bytes.Length - HashLength, 0)} bytes does not match the checksum stored in its last {HashLength}.");
        }
        return ReadBody(bytes.Slice(0, bytes.Length - HashLength), path, source);
    }

    /// <summary>The checked content; a structure the checksum vouches for but that does not hold together is <see cref="ModelFileReason.Corrupted"/>.</summary>
    private static ModelFileContents ReadBody(ReadOnlySpan<byte> body, string? path, string source)
    {
        var r = new Reader(body, HeaderLength);
        try
        {
            string fingerprint = Convert.ToHexString(r.Bytes(HashLength)).ToLowerInvariant();
            string name = r.Text();
            string description = r.Text();
            if (Convert.ToHexString(SHA256.HashData(Utf8.GetBytes(description))).ToLowerInvariant() != fingerprint)
            {
                throw new FormatException("the stored fingerprint is not the SHA-256 of the stored description");
            }
            int parameterCount = r.Count();
            int statisticsCount = r.Count();
            float[] state = r.Floats((long)parameterCount + statisticsCount);
            OptimizerContents? optimizer = r.Byte() switch
            {
                0 => null,
                1 => ReadOptimizer(ref r, parameterCount),
                byte other => throw new FormatException($"the optimizer flag is {other}, neither 0 nor 1"),
            };
            if (r.Position != body.Length) throw new FormatException($"{body.Length - r.Position} bytes follow the content");
            return new ModelFileContents(name, fingerprint, description, parameterCount, statisticsCount, state, optimizer);
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new ModelFileException(ModelFileReason.Corrupted, path, $"{source} is corrupted although its checksum matches: {e.Message}.");
        }
    }

    private static OptimizerContents ReadOptimizer(ref Reader r, int parameterCount)
    {
        string kind = r.Text();
        long steps = r.Int64();
        double learningRate = r.Double();
        int bufferCount = r.Count();
        if (steps < 0) throw new FormatException($"the optimizer's step count is {steps}");
        if (!(learningRate > 0 && double.IsFinite(learningRate))) throw new FormatException($"the optimizer's learning rate is {learningRate}");
        float[] buffers = r.Floats(steps == 0 ? 0 : (long)bufferCount * parameterCount);
        return new OptimizerContents(kind, steps, learningRate, bufferCount, buffers);
    }

    private static byte[] HeaderCheck(ReadOnlySpan<byte> bytes) => SHA256.HashData(bytes.Slice(0, HeaderCheckedLength))[..HeaderCheckLength];

    private ref struct Writer(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;

        public int Position { get; private set; }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_bytes.Slice(Position));
            Position += value.Length;
        }

        public void Byte(byte value) => _bytes[Position++] = value;

        public void UInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Advance(4), value);

        public void Int32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Advance(4), value);

        public void UInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Advance(8), value);

        public void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Advance(8), value);

        public void Double(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Advance(8), value);

        /// <summary>A length (i32), then the UTF-8 bytes.</summary>
        public void Text(ReadOnlySpan<byte> utf8)
        {
            Int32(utf8.Length);
            Bytes(utf8);
        }

        public void Floats(ReadOnlySpan<float> values)
        {
            foreach (float value in values) BinaryPrimitives.WriteSingleLittleEndian(Advance(4), value);
        }

        private Span<byte> Advance(int count)
        {
            Span<byte> slot = _bytes.Slice(Position, count);
            Position += count;
            return slot;
        }
    }

    /// <summary>Reads the body; running past its end or a negative count is a <see cref="FormatException"/>.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes, int position)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; } = position;

        public ReadOnlySpan<byte> Bytes(long count)
        {
            if (count < 0 || count > _bytes.Length - Position)
            {
                throw new FormatException($"{count} bytes are due at offset {Position}, but the content ends at {_bytes.Length}");
            }
            ReadOnlySpan<byte> slice = _bytes.Slice(Position, (int)count);
            Position += (int)count;
            return slice;
        }

        public byte Byte() => Bytes(1)[0];

        public int Count()
        {
            int value = BinaryPrimitives.ReadInt32LittleEndian(Bytes(4));
            return value >= 0 ? value : throw new FormatException($"a count at offset {Position - 4} is {value}");
        }

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));

        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Bytes(8));

        public string Text() => Utf8.GetString(Bytes(Count()));

        public float[] Floats(long count)
        {
            if (count > (_bytes.Length - Position) / 4)
            {
                throw new FormatException($"{count} float values are due at offset {Position}, but the content ends at {_bytes.Length}");
            }
            ReadOnlySpan<byte> raw = Bytes(4 * count);
            var values = new float[count];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i));
            return values;
        }
    }
}

/// <summary>A checked model file's content.</summary>
internal sealed record ModelFileContents(
    string Name, string Fingerprint, string Description, int ParameterCount, int StatisticsCount, float[] State, OptimizerContents? Optimizer);

/// <summary>A checked model file's optimizer section: the buffers lie end to end, each one parameter count long once stepped.</summary>
internal sealed record OptimizerContents(string Kind, long Steps, double LearningRate, int BufferCount, float[] Buffers);
