using System.Runtime.InteropServices;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// A streamed upload into a block blob through <see cref="ObjectPartWriter"/>: blocks of
/// <see cref="AzureBlobFileSystemOptions.UploadPartSizeMiB"/> staged as Put Block, at most
/// <see cref="AzureBlobFileSystemOptions.UploadConcurrency"/> in flight (so an upload never holds more than block size ×
/// (concurrency + 1), and never writes a local file), each limited to <see cref="AzureBlobFileSystemOptions.UploadPartMaxTime"/>,
/// and at most <see cref="AzureBlobFileSystemOptions.MaxBlocks"/>. A file that fits one block is one Put Blob. Nothing
/// is visible until <see cref="ObjectPartWriter.CompleteAsync"/> commits the block list; disposing first commits nothing
/// (or commits what arrived when <see cref="AzureBlobFileSystemOptions.KeepPartialUploads"/> is set): staged blocks stay
/// uncommitted, invisible, and the service discards them after 7 days.
/// </summary>
internal sealed class AzureBlobWriter : ObjectPartWriter
{
    private readonly AzureBlobFileSystem _fs;
    private readonly string _key;
    private readonly string _name;
    private readonly string _uploadId = Guid.NewGuid().ToString("N");
    private readonly List<string> _blocks = [];

    public AzureBlobWriter(AzureBlobFileSystem fs, string key, string name)
        : base(checked((int)fs.Options.UploadPartSize), fs.Options.UploadConcurrency, fs.Options.UploadPartMaxTime, fs.Options.KeepPartialUploads)
    {
        _fs = fs;
        _key = key;
        _name = name;
    }

    /// <summary>Length of every block id this writer makes (the service requires one length per blob).</summary>
    internal static int BlockIdLength { get; } = BlockId("0", 0).Length;

    protected override bool HasParts => _blocks.Count > 0;

    /// <summary>
    /// Starts a resumed upload with the first <paramref name="offset"/> bytes of the existing blob: its committed blocks
    /// that lie wholly before the offset are kept as they are (when their ids have this writer's length), the rest of
    /// those bytes read back with ranged GETs through the block buffer and staged anew.
    /// </summary>
    public override async ValueTask ResumeAsync(long offset, CancellationToken cancellationToken)
    {
        var list = await _fs.CallAsync("GetBlockList", _key, () => _fs.Blob(_key).GetBlockListAsync(BlockListTypes.Committed, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var committed = list.Value.CommittedBlocks?.ToList() ?? [];
        long kept = 0;
        if (committed.All(b => b.Name.Length == BlockIdLength))
        {
            foreach (var block in committed)
            {
                if (kept + block.SizeLong > offset)
                {
                    break;
                }
                _blocks.Add(block.Name);
                kept += block.SizeLong;
            }
        }
        await SeedAsync(kept, offset, ReadExistingAsync, cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(ObjectEntries.File(_name, Position, DateTimeOffset.UtcNow));

    protected override ValueTask<int> NextPartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_blocks.Count >= AzureBlobFileSystemOptions.MaxBlocks)
        {
            throw new VfsException(VfsError.Failure, "File too large for the storage's block size.");
        }
        int index = _blocks.Count;
        _blocks.Add(BlockId(_uploadId, index));
        return ValueTask.FromResult(index);
    }

    protected override async ValueTask UploadPartAsync(int part, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        string id = BlockId(_uploadId, part);
        using var content = AsStream(data);
        await _fs.CallAsync("PutBlock", _key, () => _fs.Blob(_key).StageBlockAsync(id, content, new BlockBlobStageBlockOptions(), cancellationToken)).ConfigureAwait(false);
    }

    protected override async ValueTask PutWholeAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var content = AsStream(data);
        var options = new BlobUploadOptions { AccessTier = _fs.Tier };
        await _fs.CallAsync("PutBlob", _key, () => _fs.Blob(_key).UploadAsync(content, options, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Put Block List, limited to <see cref="AzureBlobFileSystemOptions.UploadPartMaxTime"/>.</summary>
    protected override async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_fs.Options.UploadPartMaxTime > TimeSpan.Zero)
        {
            linked.CancelAfter(_fs.Options.UploadPartMaxTime);
        }
        var options = new CommitBlockListOptions { AccessTier = _fs.Tier };
        await _fs.CallAsync("PutBlockList", _key, () => _fs.Blob(_key).CommitBlockListAsync(_blocks, options, linked.Token)).ConfigureAwait(false);
    }

    /// <summary>Nothing to remove: staged, uncommitted blocks are invisible and discarded by the service.</summary>
    protected override ValueTask AbortAsync()
    {
        AzureBlobLog.UploadAbandoned(_fs.Logger, _key, Position);
        return ValueTask.CompletedTask;
    }

    protected override void OnCompleted() => AzureBlobLog.UploadCommitted(_fs.Logger, _key, Position, Math.Max(1, _blocks.Count));

    protected override void OnKeptPartial() => AzureBlobLog.UploadKeptPartial(_fs.Logger, _key, Position);

    private static string BlockId(string uploadId, int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{index:D6}"));

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    /// <summary>One ranged GET of the blob as stored (for a resumed upload).</summary>
    private ValueTask<int> ReadExistingAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var options = new BlobDownloadOptions { Range = new HttpRange(offset, buffer.Length) };
        return new ValueTask<int>(_fs.CallAsync("GetBlob", _key, async () =>
        {
            var response = await _fs.Blob(_key).DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false);
            await using var content = response.Value.Content;
            return await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }));
    }
}
