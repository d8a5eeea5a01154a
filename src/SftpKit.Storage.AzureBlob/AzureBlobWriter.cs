using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// A streamed upload into a block blob. Bytes fill one pooled block buffer; a full buffer goes out as one Put Block
/// while the next fills, with at most <see cref="AzureBlobFileSystemOptions.UploadConcurrency"/> blocks in flight, so an
/// upload never holds more than block size × (concurrency + 1), and never writes a local file. A file that fits one
/// block is one Put Blob. Nothing is visible until <see cref="CompleteAsync"/> commits the block list; disposing first
/// commits nothing (or commits what arrived when <see cref="AzureBlobFileSystemOptions.KeepPartialUploads"/> is set):
/// staged blocks stay uncommitted, invisible, and the service discards them after 7 days.
/// </summary>
internal sealed class AzureBlobWriter : IVfsWriter
{
    private readonly AzureBlobFileSystem _fs;
    private readonly string _key;
    private readonly string _name;
    private readonly int _blockSize;
    private readonly int _concurrency;
    private readonly string _uploadId = Guid.NewGuid().ToString("N");
    private readonly List<string> _blocks = [];
    private readonly List<Task> _inFlight = [];
    private readonly CancellationTokenSource _lifetime = new();
    private byte[]? _buffer;
    private int _filled;
    private long _position;
    private bool _completed;
    private Exception? _failure;

    public AzureBlobWriter(AzureBlobFileSystem fs, string key, string name)
    {
        _fs = fs;
        _key = key;
        _name = name;
        _blockSize = checked((int)fs.Options.UploadPartSize);
        _concurrency = Math.Max(1, fs.Options.UploadConcurrency);
    }

    public long Position => _position;

    /// <summary>Length of every block id this writer makes (the service requires one length per blob).</summary>
    internal static int BlockIdLength { get; } = BlockId("0", 0).Length;

    /// <summary>
    /// Starts a resumed upload with the first <paramref name="offset"/> bytes of the existing blob: its committed blocks
    /// that lie wholly before the offset are kept as they are (when their ids have this writer's length), the rest of
    /// those bytes read back with ranged GETs through the block buffer and staged anew.
    /// </summary>
    public async ValueTask SeedFromExistingAsync(long offset, CancellationToken cancellationToken)
    {
        var list = await _fs.CallAsync("GetBlockList", _key, () => _fs.Blob(_key).GetBlockListAsync(BlockListTypes.Committed, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var committed = list.Value.CommittedBlocks?.ToList() ?? [];
        if (committed.All(b => b.Name.Length == BlockIdLength))
        {
            foreach (var block in committed)
            {
                if (_position + block.SizeLong > offset)
                {
                    break;
                }
                _blocks.Add(block.Name);
                _position += block.SizeLong;
            }
        }
        while (_position < offset)
        {
            var buffer = Buffer();
            int want = (int)Math.Min(_blockSize - _filled, offset - _position);
            var options = new BlobDownloadOptions { Range = new HttpRange(_position, want) };
            int read = await _fs.CallAsync("GetBlob", _key, async () =>
            {
                var response = await _fs.Blob(_key).DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false);
                await using var content = response.Value.Content;
                return await content.ReadAtLeastAsync(buffer.AsMemory(_filled, want), want, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            if (read != want)
            {
                throw new VfsException(VfsError.Failure, "The file changed while resuming.");
            }
            _filled += want;
            _position += want;
            if (_filled == _blockSize)
            {
                await SendBlockAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        ObjectDisposedException.ThrowIf(_completed, this);
        while (!data.IsEmpty)
        {
            var buffer = Buffer();
            int n = Math.Min(data.Length, _blockSize - _filled);
            data[..n].CopyTo(buffer.AsMemory(_filled));
            _filled += n;
            _position += n;
            data = data[n..];
            if (_filled == _blockSize)
            {
                await SendBlockAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        if (_completed)
        {
            return;
        }
        if (_blocks.Count == 0)
        {
            await PutWholeAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (_filled > 0)
            {
                await SendBlockAsync(cancellationToken).ConfigureAwait(false);
            }
            await DrainAsync().ConfigureAwait(false);
            ThrowIfFailed();
            using var linked = PartToken(cancellationToken);
            var options = new CommitBlockListOptions { AccessTier = _fs.Tier };
            await _fs.CallAsync("PutBlockList", _key, () => _fs.Blob(_key).CommitBlockListAsync(_blocks, options, linked.Token)).ConfigureAwait(false);
        }
        _completed = true;
        AzureBlobLog.UploadCommitted(_fs.Logger, _key, _position, Math.Max(1, _blocks.Count));
    }

    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(AzureBlobEntries.File(_name, _position, DateTimeOffset.UtcNow));

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            bool keep = _fs.Options.KeepPartialUploads && _failure is null;
            if (!keep)
            {
                await _lifetime.CancelAsync().ConfigureAwait(false);
            }
            await DrainAsync().ConfigureAwait(false);
            if (keep && _failure is null)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                    await CompleteAsync(timeout.Token).ConfigureAwait(false);
                    AzureBlobLog.UploadKeptPartial(_fs.Logger, _key, _position);
                }
                catch (Exception ex) when (ex is VfsException or OperationCanceledException)
                {
                    _failure ??= ex;
                }
            }
            if (!_completed)
            {
                AzureBlobLog.UploadAbandoned(_fs.Logger, _key, _position);
            }
        }
        if (_buffer is not null)
        {
            ObjectPartBufferPool.Shared.Return(_buffer);
            _buffer = null;
        }
        _lifetime.Dispose();
    }

    private static string BlockId(string uploadId, int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{index:D6}"));

    private byte[] Buffer() => _buffer ??= ObjectPartBufferPool.Shared.Rent(_blockSize);

    private async ValueTask PutWholeAsync(CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(_buffer ?? [], 0, _filled, writable: false);
        using var linked = PartToken(cancellationToken);
        var options = new BlobUploadOptions { AccessTier = _fs.Tier };
        await _fs.CallAsync("PutBlob", _key, () => _fs.Blob(_key).UploadAsync(content, options, linked.Token)).ConfigureAwait(false);
    }

    /// <summary>Stages the full (or last) buffer as the next block, first waiting for a free slot.</summary>
    private async ValueTask SendBlockAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_blocks.Count >= AzureBlobFileSystemOptions.MaxBlocks)
        {
            throw new VfsException(VfsError.Failure, "File too large for the storage's block size.");
        }
        while (_inFlight.Count >= _concurrency)
        {
            var done = await Task.WhenAny(_inFlight).ConfigureAwait(false);
            _inFlight.Remove(done);
            ThrowIfFailed();
        }
        var buffer = _buffer!;
        int length = _filled;
        string id = BlockId(_uploadId, _blocks.Count);
        _blocks.Add(id);
        _buffer = null;
        _filled = 0;
        _inFlight.Add(Task.Run(() => StageAsync(id, buffer, length), CancellationToken.None));
        if (_fs.Options.UploadConcurrency <= 1)
        {
            // One block at a time: wait for it before filling the next buffer.
            await DrainAsync().ConfigureAwait(false);
            ThrowIfFailed();
        }
    }

    private async Task StageAsync(string id, byte[] buffer, int length)
    {
        try
        {
            using var linked = PartToken(CancellationToken.None);
            using var content = new MemoryStream(buffer, 0, length, writable: false);
            await _fs.CallAsync("PutBlock", _key, () => _fs.Blob(_key).StageBlockAsync(id, content, new BlockBlobStageBlockOptions(), linked.Token)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _failure ??= ex;
        }
        finally
        {
            ObjectPartBufferPool.Shared.Return(buffer);
        }
    }

    private CancellationTokenSource PartToken(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token, cancellationToken);
        if (_fs.Options.UploadPartMaxTime > TimeSpan.Zero)
        {
            linked.CancelAfter(_fs.Options.UploadPartMaxTime);
        }
        return linked;
    }

    private async ValueTask DrainAsync()
    {
        await Task.WhenAll(_inFlight).ConfigureAwait(false);
        _inFlight.Clear();
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw failure as VfsException ?? new VfsException(VfsError.Failure, "Storage request failed.", failure);
        }
    }
}
