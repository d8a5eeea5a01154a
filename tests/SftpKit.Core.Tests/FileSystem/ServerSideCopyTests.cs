using System.Security.Cryptography;
using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

/// <summary><see cref="IVfsServerSideCopy.CopyOpenAsync"/> and the bounded path copy, run per implementation.</summary>
public abstract class ServerSideCopyTests : IAsyncLifetime
{
    private IVirtualFileSystem? _fs;

    protected static CancellationToken Ct => CancellationToken.None;

    protected IVirtualFileSystem Fs => _fs ?? throw new InvalidOperationException("Not initialised.");

    private IVfsServerSideCopy Copier => Fs.Capability<IVfsServerSideCopy>();

    protected abstract IVirtualFileSystem CreateFileSystem();

    public virtual ValueTask InitializeAsync()
    {
        _fs = CreateFileSystem();
        return ValueTask.CompletedTask;
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected async Task PutAsync(string path, byte[] content)
    {
        await using var writer = await Fs.OpenWriteAsync(path, new VfsWriteOptions { Truncate = true }, Ct);
        await writer.WriteAsync(content, Ct);
        await writer.CompleteAsync(Ct);
    }

    protected async Task<byte[]> GetAsync(string path)
    {
        await using var reader = await Fs.OpenReadAsync(path, Ct);
        var all = new MemoryStream();
        var buffer = new byte[1 << 20];
        int n;
        while ((n = await reader.ReadAsync(all.Length, buffer, Ct)) > 0)
        {
            all.Write(buffer, 0, n);
        }
        return all.ToArray();
    }

    [Fact]
    public async Task CopyOpen_IntoAtomicUpload_VisibleOnlyOnComplete()
    {
        var content = RandomNumberGenerator.GetBytes(1_000_003);
        await PutAsync("/src", content);
        await PutAsync("/dst", [1, 2, 3]);
        await using var reader = await Fs.OpenReadAsync("/src", Ct);
        await using var writer = (IVfsRandomAccessWriter)await Fs.OpenWriteAsync("/dst", new VfsWriteOptions { Truncate = true, Atomic = true }, Ct);
        Assert.Equal(content.Length - 3, await Copier.CopyOpenAsync(reader, 3, 0, writer, 10, Ct));
        Assert.Equal([1, 2, 3], await GetAsync("/dst"));
        await writer.WriteAtAsync(0, new byte[10], Ct);
        await writer.CompleteAsync(Ct);
        Assert.Equal(new byte[10].Concat(content[3..]).ToArray(), await GetAsync("/dst"));
    }

    [Fact]
    public async Task CopyOpen_LengthPastEnd_CopiesWhatThereIs_AndAtEnd_Nothing()
    {
        await PutAsync("/src", "0123456789"u8.ToArray());
        await using var reader = await Fs.OpenReadAsync("/src", Ct);
        await using var writer = (IVfsRandomAccessWriter)await Fs.OpenWriteAsync("/dst", new VfsWriteOptions { Atomic = false }, Ct);
        Assert.Equal(4, await Copier.CopyOpenAsync(reader, 6, 100, writer, 0, Ct));
        Assert.Equal(0, await Copier.CopyOpenAsync(reader, 50, 0, writer, 4, Ct));
        await writer.CompleteAsync(Ct);
        Assert.Equal("6789"u8.ToArray(), await GetAsync("/dst"));
    }

    [Fact]
    public async Task CopyOpen_HandlesOfAnotherInstance_AreNotCopied()
    {
        await PutAsync("/src", "abc"u8.ToArray());
        var other = CreateFileSystem();
        await using (var put = await other.OpenWriteAsync("/src", new VfsWriteOptions(), Ct))
        {
            await put.WriteAsync("abc"u8.ToArray(), Ct);
            await put.CompleteAsync(Ct);
        }
        await using var reader = await other.OpenReadAsync("/src", Ct);
        await using var writer = (IVfsRandomAccessWriter)await Fs.OpenWriteAsync("/dst", new VfsWriteOptions(), Ct);
        Assert.Null(await Copier.CopyOpenAsync(reader, 0, 0, writer, 0, Ct));
    }

    [Fact]
    public async Task CopyOpen_RefusesNegativeOffsets_AndCompletedUploads()
    {
        await PutAsync("/src", "abc"u8.ToArray());
        await using var reader = await Fs.OpenReadAsync("/src", Ct);
        await using var writer = (IVfsRandomAccessWriter)await Fs.OpenWriteAsync("/dst", new VfsWriteOptions(), Ct);
        await Assert.ThrowsAsync<VfsException>(async () => await Copier.CopyOpenAsync(reader, -1, 0, writer, 0, Ct));
        await writer.CompleteAsync(Ct);
        await Assert.ThrowsAsync<VfsException>(async () => await Copier.CopyOpenAsync(reader, 0, 0, writer, 0, Ct));
    }

    [Fact]
    public async Task PathCopy_LargerThanOneKernelChunk()
    {
        // 16 MiB is the largest range one copy_file_range call is given: cross it.
        var content = RandomNumberGenerator.GetBytes((17 * 1024 * 1024) + 5);
        await PutAsync("/big", content);
        await Copier.CopyAsync("/big", 0, 0, "/big-copy", 0, Ct);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await GetAsync("/big-copy")));
    }

    [Fact]
    public async Task PathCopy_WithinOneFile_OverlappingForward()
    {
        await PutAsync("/f", "0123456789"u8.ToArray());
        await Copier.CopyAsync("/f", 0, 6, "/f", 2, Ct);
        var result = await GetAsync("/f");
        Assert.Equal(10, result.Length);
        Assert.Equal("01"u8.ToArray(), result[..2]);
    }
}

public sealed class InMemoryServerSideCopyTests : ServerSideCopyTests
{
    private InMemoryFileSystem? _shared;

    protected override IVirtualFileSystem CreateFileSystem() => _shared is null ? _shared = new InMemoryFileSystem() : new InMemoryFileSystem();

    [Fact]
    public async Task PathCopy_WithinOneFile_IsAMemmove()
    {
        await PutAsync("/m", "0123456789"u8.ToArray());
        await Fs.CopyAsync("/m", 0, 6, "/m", 2, Ct);
        Assert.Equal("0101234589"u8.ToArray(), await GetAsync("/m"));
    }

    [Fact]
    public async Task Copy_RespectsCapacity()
    {
        var fs = new InMemoryFileSystem(capacityBytes: 1500);
        fs.AddFile("/a", new byte[1000]);
        var error = await Assert.ThrowsAsync<VfsException>(async () => await fs.CopyAsync("/a", 0, 0, "/b", 0, Ct));
        Assert.Equal(VfsError.NoSpace, error.Error);
    }
}

public sealed class LocalServerSideCopyTests : ServerSideCopyTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sftpkit-copy-" + Guid.NewGuid().ToString("N"));
    private readonly string _otherRoot = Path.Combine(Path.GetTempPath(), "sftpkit-copy-" + Guid.NewGuid().ToString("N"));
    private bool _created;

    protected override IVirtualFileSystem CreateFileSystem()
    {
        if (_created)
        {
            // A second instance, over a different root.
            return new LocalFileSystem(new LocalFileSystemOptions { RootPath = _otherRoot });
        }
        _created = true;
        return new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root });
    }

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        if (Directory.Exists(_otherRoot))
        {
            Directory.Delete(_otherRoot, recursive: true);
        }
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Copy_IntoTempDirectoryOnAnotherPath_StillCopies()
    {
        string temp = Path.Combine(_root + "-tmp");
        try
        {
            var fs = new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root, TempDirectory = temp });
            var content = RandomNumberGenerator.GetBytes(70_000);
            await File.WriteAllBytesAsync(Path.Combine(_root, "s"), content);
            await using var reader = await fs.OpenReadAsync("/s", Ct);
            await using var writer = (IVfsRandomAccessWriter)await fs.OpenWriteAsync("/t", new VfsWriteOptions(), Ct);
            Assert.Equal(content.Length, await fs.Capability<IVfsServerSideCopy>().CopyOpenAsync(reader, 0, 0, writer, 0, Ct));
            await writer.CompleteAsync(Ct);
            Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_root, "t")));
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
