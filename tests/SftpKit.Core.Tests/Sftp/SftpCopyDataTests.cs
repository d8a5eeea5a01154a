using System.Security.Cryptography;
using SftpKit.FileSystem;
using SftpKit.Sftp;
using SftpKit.Tests.FileSystem;

namespace SftpKit.Tests.Sftp;

/// <summary>copy-data: server-side through <see cref="IVfsServerSideCopy.CopyOpenAsync"/> where the file system has it, streamed otherwise.</summary>
public class SftpCopyDataTests
{
    private const SftpOpenFlags CreateTruncate = SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate;

    private static SftpWire CopyData(SftpTestClient client, byte[] from, ulong offset, ulong length, byte[] to, ulong toOffset)
        => SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String("copy-data").Bytes(from).UInt64(offset).UInt64(length).Bytes(to).UInt64(toOffset);

    [Fact]
    public async Task UsesServerSideCopy_AndAtomicTarget_AppearsOnlyOnClose()
    {
        var inner = new InMemoryFileSystem();
        var content = RandomNumberGenerator.GetBytes(300_000);
        inner.AddFile("/src", content);
        inner.AddFile("/dst", "old"u8);
        var fs = new CountingCopyFileSystem(inner);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var from = await client.OpenAsync("/src", SftpOpenFlags.Read);
        var to = await client.OpenAsync("/dst", CreateTruncate);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(CopyData(client, from, 0, 0, to, 0)));
        Assert.Equal(1, fs.CopiedOpen);
        Assert.Equal("old"u8.ToArray(), inner.ReadAllBytes("/dst"));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(to));
        Assert.Equal(content, inner.ReadAllBytes("/dst"));
    }

    [Fact]
    public async Task ServerSide_RangeAndOffset_AfterWrites_FstatSeesTheEnd()
    {
        var inner = new InMemoryFileSystem();
        var content = RandomNumberGenerator.GetBytes(100_000);
        inner.AddFile("/src", content);
        var fs = new CountingCopyFileSystem(inner);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var from = await client.OpenAsync("/src", SftpOpenFlags.Read);
        var to = await client.OpenAsync("/dst", CreateTruncate);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(to, 0, "head"u8)));
        // Out of order: held back in the reorder window, must land before the copy goes positional.
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(to, 60_004, "tail"u8)));
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(CopyData(client, from, 1_000, 60_000, to, 4)));
        var fstat = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Fstat, client.NextId()).Bytes(to));
        Assert.Equal(60_008ul, fstat.Attrs().Size);
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(to));
        Assert.Equal(1, fs.CopiedOpen);
        var expected = "head"u8.ToArray().Concat(content.AsSpan(1_000, 60_000).ToArray()).Concat("tail"u8.ToArray()).ToArray();
        Assert.Equal(expected, inner.ReadAllBytes("/dst"));
    }

    [Fact]
    public async Task SequentialOnlyStorage_Streams()
    {
        var inner = new InMemoryFileSystem();
        var content = RandomNumberGenerator.GetBytes(200_001);
        inner.AddFile("/src", content);
        await using var client = await SftpTestClient.StartInitializedAsync(new SequentialOnlyFileSystem(inner));
        var from = await client.OpenAsync("/src", SftpOpenFlags.Read);
        var to = await client.OpenAsync("/dst", CreateTruncate);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(CopyData(client, from, 1, 0, to, 0)));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(to));
        Assert.Equal(content[1..], inner.ReadAllBytes("/dst"));
    }

    [Fact]
    public async Task AppendTarget_CopiesToTheEnd()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/src", "0123456789"u8);
        fs.AddFile("/log", "start-"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var from = await client.OpenAsync("/src", SftpOpenFlags.Read);
        var to = await client.OpenAsync("/log", SftpOpenFlags.Write | SftpOpenFlags.Append);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(CopyData(client, from, 2, 3, to, 0)));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(to));
        Assert.Equal("start-234"u8.ToArray(), fs.ReadAllBytes("/log"));
    }

    [Fact]
    public async Task Refuses_SameFile_WrongModes_UnknownHandles()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/src", "0123456789"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var read = await client.OpenAsync("/src", SftpOpenFlags.Read);
        var write = await client.OpenAsync("/src", SftpOpenFlags.Write);
        Assert.Equal(SftpStatusCode.Failure, await client.StatusOfAsync(CopyData(client, read, 0, 0, write, 5)));
        var other = await client.OpenAsync("/other", CreateTruncate);
        Assert.Equal(SftpStatusCode.PermissionDenied, await client.StatusOfAsync(CopyData(client, other, 0, 0, read, 0)));
        Assert.Equal(SftpStatusCode.Failure, await client.StatusOfAsync(CopyData(client, "x"u8.ToArray(), 0, 0, other, 0)));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(write));
        Assert.Equal("0123456789"u8.ToArray(), fs.ReadAllBytes("/src"));
    }

    /// <summary>The in-memory file system behind a wrapper that counts server-side copies it was asked for.</summary>
    private sealed class CountingCopyFileSystem(InMemoryFileSystem inner) : ForwardingFileSystem(inner), IVfsRandomAccessWrites, IVfsServerSideCopy
    {
        public int CopiedOpen { get; private set; }

        private IVfsServerSideCopy Copier => ((IVirtualFileSystem)inner).GetCapability<IVfsServerSideCopy>()!;

        public ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
            => Copier.CopyAsync(from, fromOffset, length, to, toOffset, cancellationToken);

        public async ValueTask<long?> CopyOpenAsync(IVfsReader source, long sourceOffset, long length, IVfsRandomAccessWriter target, long targetOffset,
            CancellationToken cancellationToken)
        {
            long? copied = await Copier.CopyOpenAsync(source, sourceOffset, length, target, targetOffset, cancellationToken);
            if (copied is not null)
            {
                CopiedOpen++;
            }
            return copied;
        }
    }
}
