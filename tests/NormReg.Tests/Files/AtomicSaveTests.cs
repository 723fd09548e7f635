using System;
using System.IO;
using NormReg.Tests.Networks;
using static NormReg.Tests.Files.SavedModels;

namespace NormReg.Tests.Files;

/// <summary>A save replaces the file whole or not at all: an interrupted save leaves the old file and no temporary file.</summary>
public sealed class AtomicSaveTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("normreg-atomic-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(-1)]   // every byte written, failing on the flush
    public void An_interrupted_save_leaves_the_old_file_intact(int failAfter)
    {
        string path = Path.Combine(_directory, "model.nrg");
        INetwork old = Trained(nameof(BatchNormFirst), new Sgd(0.1));
        old.Save(path);
        byte[] oldBytes = File.ReadAllBytes(path);
        var adam = new Adam(1e-2);
        INetwork newer = Trained(nameof(BatchNormFirst), adam, steps: 9);
        int length = Snapshot(newer, adam).Length;
        FailingStream? failing = null;

        var e = Assert.Throws<IOException>(() => ModelFile.Save(newer, path, adam, file => failing = new FailingStream(file, failAfter < 0 ? length : failAfter)));

        Assert.Equal(FailingStream.Message, e.Message);
        Assert.Equal(failAfter < 0 ? length : failAfter, failing!.Written);
        Assert.Equal(oldBytes, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void An_interrupted_first_save_leaves_no_file()
    {
        string path = Path.Combine(_directory, "model.nrg");

        Assert.Throws<IOException>(() => ModelFile.Save(Create(nameof(LinearClassifier)), path, null, file => new FailingStream(file, 40)));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void A_save_that_cannot_rename_leaves_no_temporary_file()
    {
        string path = Path.Combine(_directory, "taken");
        Directory.CreateDirectory(path);

        Assert.ThrowsAny<IOException>(() => Create(nameof(LinearClassifier)).Save(path));

        Assert.Equal([path], Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void A_successful_save_replaces_the_old_file()
    {
        string path = Path.Combine(_directory, "model.nrg");
        Create(nameof(LinearClassifier), seed: 1).Save(path);
        INetwork newer = Create(nameof(LinearClassifier), seed: 2);

        newer.Save(path);

        Assert.Equal(Snapshot(newer), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    /// <summary>Passes <c>failAfter</c> bytes to the file, then throws, as a full disk or a lost volume would.</summary>
    private sealed class FailingStream(Stream inner, int failAfter) : Stream
    {
        public const string Message = "simulated: the disk is full";

        public int Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int passed = Math.Min(buffer.Length, failAfter - Written);
            inner.Write(buffer[..passed]);
            inner.Flush();
            Written += passed;
            if (passed < buffer.Length) throw new IOException(Message);
        }

        public override void Flush()
        {
            if (Written == failAfter) throw new IOException(Message);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
