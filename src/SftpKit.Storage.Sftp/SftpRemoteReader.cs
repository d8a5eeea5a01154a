using Renci.SshNet;
using Renci.SshNet.Sftp;
using SftpKit.FileSystem;

namespace SftpKit.Storage.Sftp;

/// <summary>
/// Positional reads of one remote file over one SSH.NET stream; reads of a handle are serialised. A connection failure
/// evicts the stream's client from the pool; this reader then fails and the client reopens the file.
/// </summary>
internal sealed class SftpRemoteReader : IVfsReader
{
    private readonly SftpClient _client;
    private readonly SftpFileStream _stream;
    private readonly string _name;
    private readonly SftpRemoteFileSystem _owner;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _disposed;

    public SftpRemoteReader(SftpClient client, SftpFileStream stream, string name, SftpRemoteFileSystem owner)
    {
        _client = client;
        _stream = stream;
        _name = name;
        _owner = owner;
    }

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _owner.RunOn(_client, async () =>
            {
                if (_stream.Position != offset)
                {
                    _stream.Seek(offset, SeekOrigin.Begin);
                }
                return await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken)
        => SftpRemoteFileSystem.ToInfo(_name, await _owner.GetAttributesAsync(_stream.Name, cancellationToken).ConfigureAwait(false));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Closing a handle on a dropped connection fails; the remote server releases it with the connection.
        }
        _gate.Dispose();
    }
}
