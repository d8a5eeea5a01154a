using System.Security.Cryptography;
using SftpKit.Accounts;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Encrypted;

namespace SftpKit.Tests.FileSystem;

/// <summary>
/// Encrypted storage on a real directory: round trips at chunk boundaries, random-access reads, plaintext sizes,
/// resumed uploads, nothing readable on disk — and every kind of tampering (a flipped byte, swapped chunks, a file cut
/// at or inside a chunk, a changed header, another key) fails with an error and returns no plaintext from what failed.
/// </summary>
public sealed class EncryptedFileSystemTests : IDisposable
{
    private const int Chunk = EncryptedFileSystemOptions.ChunkSize;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sftpkit-crypt-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public EncryptedFileSystemTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private EncryptedFileSystem Create(byte[]? key = null)
        => new(new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root }), new EncryptedFileSystemOptions { MasterKey = key ?? _key });

    private string Disk(string name) => Path.Combine(_root, name);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(3 * Chunk + 5)]
    public async Task Round_trips_and_reports_the_plaintext_size(int size)
    {
        var fs = Create();
        byte[] data = RandomNumberGenerator.GetBytes(size);
        await WriteAsync(fs, "/f", data, chunked: 7000);

        Assert.Equal(size, (await fs.GetInfoAsync("/f", true, Ct)).Size);
        Assert.Equal(size, (await ListAsync(fs, "/")).Single(e => e.Name == "f").Size);
        Assert.Equal(EncryptedFileSystem.GetStoredSize(size), new FileInfo(Disk("f")).Length);
        Assert.Equal(data, await ReadAllAsync(fs, "/f"));
    }

    [Fact]
    public async Task Reads_at_any_offset_across_chunks()
    {
        var fs = Create();
        byte[] data = RandomNumberGenerator.GetBytes(2 * Chunk + 100);
        await WriteAsync(fs, "/f", data);
        await using var reader = await fs.OpenReadAsync("/f", Ct);
        foreach (var (offset, length) in new[] { (0L, 10), (Chunk - 3L, 10), (2L * Chunk + 90, 50), (5L, 2 * Chunk), (2L * Chunk + 100, 10) })
        {
            var buffer = new byte[length];
            int read = await reader.ReadAsync(offset, buffer, Ct);
            int expected = (int)Math.Clamp(data.Length - offset, 0, length);
            Assert.Equal(expected, read);
            Assert.Equal(data.AsSpan((int)Math.Min(offset, data.Length), expected).ToArray(), buffer.AsSpan(0, read).ToArray());
        }
    }

    [Theory]
    [InlineData(10, 20)]
    [InlineData(Chunk, 5)]
    [InlineData(Chunk - 1, Chunk + 2)]
    [InlineData(0, 7)]
    public async Task A_resumed_upload_appends_at_the_end(int first, int second)
    {
        var fs = Create();
        byte[] a = RandomNumberGenerator.GetBytes(first);
        byte[] b = RandomNumberGenerator.GetBytes(second);
        await WriteAsync(fs, "/f", a);
        await using (var writer = await fs.OpenWriteAsync("/f", new VfsWriteOptions { Offset = first }, Ct))
        {
            Assert.Equal(first, writer.Position);
            await writer.WriteAsync(b, Ct);
            await writer.CompleteAsync(Ct);
        }
        byte[] whole = await ReadAllAsync(fs, "/f");
        Assert.Equal(a.Concat(b).ToArray(), whole);
        Assert.Equal(EncryptedFileSystem.GetStoredSize(first + second), new FileInfo(Disk("f")).Length);
    }

    [Fact]
    public async Task Writes_in_the_middle_and_odd_truncates_are_refused_with_Unsupported()
    {
        var fs = Create();
        await WriteAsync(fs, "/f", new byte[100]);
        var middle = await Assert.ThrowsAsync<VfsException>(() => fs.OpenWriteAsync("/f", new VfsWriteOptions { Offset = 50 }, Ct).AsTask());
        Assert.Equal(VfsError.Unsupported, middle.Error);
        var truncate = await Assert.ThrowsAsync<VfsException>(() => fs.SetInfoAsync("/f", new VfsAttributeChange { Size = 10 }, true, Ct).AsTask());
        Assert.Equal(VfsError.Unsupported, truncate.Error);

        await fs.SetInfoAsync("/f", new VfsAttributeChange { Size = 0, Permissions = 0x180 }, true, Ct);
        var info = await fs.GetInfoAsync("/f", true, Ct);
        Assert.Equal(0, info.Size);
        Assert.Equal(0x180u, info.Permissions);
        Assert.Empty(await ReadAllAsync(fs, "/f"));
    }

    [Fact]
    public async Task The_disk_holds_no_plaintext()
    {
        var fs = Create();
        byte[] data = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("secret payload ", 20000)));
        await WriteAsync(fs, "/f", data);
        byte[] stored = await File.ReadAllBytesAsync(Disk("f"));
        Assert.Equal(-1, stored.AsSpan().IndexOf("secret payload"u8.ToArray()));
    }

    [Fact]
    public async Task A_flipped_byte_fails_the_read_of_its_chunk_and_returns_nothing_from_it()
    {
        var fs = Create();
        byte[] data = RandomNumberGenerator.GetBytes(3 * Chunk);
        await WriteAsync(fs, "/f", data);
        await TamperAsync("f", bytes => bytes[EncryptedFileFormat.ChunkOffset(1, Chunk) + 100] ^= 0x01);

        await using var reader = await fs.OpenReadAsync("/f", Ct);
        var first = new byte[Chunk];
        Assert.Equal(Chunk, await reader.ReadAsync(0, first, Ct)); // chunk 0 is intact
        var buffer = new byte[Chunk];
        var error = await Assert.ThrowsAsync<VfsException>(() => reader.ReadAsync(Chunk, buffer, Ct).AsTask());
        Assert.Equal(VfsError.Failure, error.Error);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Swapped_chunks_fail()
    {
        var fs = Create();
        await WriteAsync(fs, "/f", RandomNumberGenerator.GetBytes(3 * Chunk));
        await TamperAsync("f", bytes =>
        {
            int size = Chunk + EncryptedFileFormat.ChunkOverhead;
            var a = bytes.AsSpan((int)EncryptedFileFormat.ChunkOffset(0, Chunk), size).ToArray();
            bytes.AsSpan((int)EncryptedFileFormat.ChunkOffset(1, Chunk), size).CopyTo(bytes.AsSpan((int)EncryptedFileFormat.ChunkOffset(0, Chunk)));
            a.CopyTo(bytes.AsSpan((int)EncryptedFileFormat.ChunkOffset(1, Chunk)));
        });
        await using var reader = await fs.OpenReadAsync("/f", Ct);
        await Assert.ThrowsAsync<VfsException>(() => reader.ReadAsync(0, new byte[10], Ct).AsTask());
        await Assert.ThrowsAsync<VfsException>(() => reader.ReadAsync(Chunk, new byte[10], Ct).AsTask());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_cut_short_fails_at_open(bool atChunkBoundary)
    {
        var fs = Create();
        await WriteAsync(fs, "/f", RandomNumberGenerator.GetBytes(2 * Chunk + 10));
        long cut = atChunkBoundary ? EncryptedFileFormat.ChunkOffset(2, Chunk) : EncryptedFileFormat.ChunkOffset(2, Chunk) - 5;
        await using (var stream = File.OpenWrite(Disk("f")))
        {
            stream.SetLength(cut);
        }
        var error = await Assert.ThrowsAsync<VfsException>(() => fs.OpenReadAsync("/f", Ct).AsTask());
        Assert.Equal(VfsError.Failure, error.Error);
    }

    [Fact]
    public async Task A_chunk_boundary_file_cut_to_its_full_chunks_fails()
    {
        // 2 full chunks + the empty final chunk; dropping the final chunk leaves a size that parses as 1 chunk + a tail.
        var fs = Create();
        await WriteAsync(fs, "/f", RandomNumberGenerator.GetBytes(2 * Chunk));
        await using (var stream = File.OpenWrite(Disk("f")))
        {
            stream.SetLength(EncryptedFileFormat.ChunkOffset(2, Chunk));
        }
        await Assert.ThrowsAsync<VfsException>(() => fs.OpenReadAsync("/f", Ct).AsTask());
    }

    [Fact]
    public async Task Another_key_or_a_changed_header_fails_at_open()
    {
        await WriteAsync(Create(), "/f", RandomNumberGenerator.GetBytes(1000));
        var wrongKey = await Assert.ThrowsAsync<VfsException>(() => Create(RandomNumberGenerator.GetBytes(32)).OpenReadAsync("/f", Ct).AsTask());
        Assert.Equal(VfsError.Failure, wrongKey.Error);

        await TamperAsync("f", bytes => bytes[20] ^= 0x80); // inside the file id
        await Assert.ThrowsAsync<VfsException>(() => Create().OpenReadAsync("/f", Ct).AsTask());
        await TamperAsync("f", bytes => bytes[4] = 9); // version
        var version = await Assert.ThrowsAsync<VfsException>(() => Create().OpenReadAsync("/f", Ct).AsTask());
        Assert.Contains("version", version.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_resume_of_a_tampered_file_is_refused()
    {
        var fs = Create();
        await WriteAsync(fs, "/f", RandomNumberGenerator.GetBytes(Chunk + 10));
        await TamperAsync("f", bytes => bytes[^3] ^= 0x01);
        await Assert.ThrowsAsync<VfsException>(() => fs.OpenWriteAsync("/f", new VfsWriteOptions { Offset = Chunk + 10 }, Ct).AsTask());
    }

    [Fact]
    public async Task The_crypt_provider_needs_a_long_passphrase_and_derives_a_stable_key()
    {
        Assert.Equal(EncryptedStorageProvider.DeriveMasterKey("0123456789abcdef"), EncryptedStorageProvider.DeriveMasterKey("0123456789abcdef"));
        Assert.NotEqual(EncryptedStorageProvider.DeriveMasterKey("0123456789abcdef"), EncryptedStorageProvider.DeriveMasterKey("0123456789abcdeg"));
        var provider = new EncryptedStorageProvider(createHomeDirectories: true);
        var account = new SftpAccount { UserName = "c", HomeDirectory = _root };
        var config = new SftpFileSystemConfig { Provider = "crypt" };
        config.Settings["passphrase"] = "short";
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await provider.CreateAsync(config, account, Ct));
    }

    private async Task TamperAsync(string name, Action<byte[]> change)
    {
        byte[] bytes = await File.ReadAllBytesAsync(Disk(name));
        change(bytes);
        await File.WriteAllBytesAsync(Disk(name), bytes);
    }

    private static async Task WriteAsync(EncryptedFileSystem fs, string path, byte[] data, int chunked = 32 * 1024)
    {
        await using var writer = await fs.OpenWriteAsync(path, new VfsWriteOptions { Truncate = true }, Ct);
        for (int i = 0; i < data.Length; i += chunked)
        {
            await writer.WriteAsync(data.AsMemory(i, Math.Min(chunked, data.Length - i)), Ct);
        }
        await writer.CompleteAsync(Ct);
    }

    private static async Task<byte[]> ReadAllAsync(EncryptedFileSystem fs, string path)
    {
        await using var reader = await fs.OpenReadAsync(path, Ct);
        using var output = new MemoryStream();
        var buffer = new byte[40_000];
        long offset = 0;
        int n;
        while ((n = await reader.ReadAsync(offset, buffer, Ct)) > 0)
        {
            output.Write(buffer, 0, n);
            offset += n;
        }
        return output.ToArray();
    }

    private static async Task<List<VfsFileInfo>> ListAsync(EncryptedFileSystem fs, string path)
    {
        var list = new List<VfsFileInfo>();
        await foreach (var entry in fs.ListAsync(path, Ct))
        {
            list.Add(entry);
        }
        return list;
    }
}
