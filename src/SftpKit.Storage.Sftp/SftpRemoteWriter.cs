using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Sftp;
using SftpKit.FileSystem;

namespace SftpKit.Storage.Sftp;

/// <summary>
/// Sequential writes of one upload to the remote server. Atomic uploads go to a temporary <c>.sftpkit-*.part</c> file
/// beside the target, renamed over it (posix-rename) at <see cref="CompleteAsync"/> and removed when abandoned;
/// resumed uploads (offset &gt; 0) and non-atomic ones write the target in place. A connection failure evicts the
/// stream's client from the pool; this upload then fails and the client resumes or restarts it.
/// </summary>
internal sealed class SftpRemoteWriter : IVfsWriter
{
    /// <summary>Name prefix of temporary upload files (hidden from listings).</summary>
    public const string TempPrefix = ".sftpkit-";

    private readonly SftpClient _client;
    private readonly SftpFileStream _stream;
    private readonly string _target;
    private readonly string? _temp;
    private readonly string _name;
    private readonly SftpRemoteFileSystem _owner;
    private long _position;
    private bool _completed;
    private int _disposed;

    private SftpRemoteWriter(SftpClient client, SftpFileStream stream, string target, string? temp, string name, long position,
        SftpRemoteFileSystem owner)
    {
        _client = client;
        _stream = stream;
        _target = target;
        _temp = temp;
        _name = name;
        _position = position;
        _owner = owner;
    }

    public static async ValueTask<SftpRemoteWriter> OpenAsync(SftpClient client, string remote, string name, VfsWriteOptions options,
        SftpRemoteFileSystem owner, CancellationToken cancellationToken)
    {
        SftpFileAttributes? existing = null;
        try
        {
            existing = await client.GetAttributesAsync(remote, cancellationToken).ConfigureAwait(false);
        }
        catch (SftpPathNotFoundException)
        {
        }
        if (existing is { IsDirectory: true })
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        if (existing is not null && options.CreateNew)
        {
            throw new VfsException(VfsError.AlreadyExists, "The path exists.");
        }
        if (options.Offset > 0 || !options.Atomic)
        {
            var mode = options.Offset == 0 && (options.Truncate || existing is null) ? FileMode.Create : FileMode.OpenOrCreate;
            var stream = await client.OpenAsync(remote, mode, FileAccess.Write, cancellationToken).ConfigureAwait(false);
            if (options.Offset > 0)
            {
                stream.Seek(options.Offset, SeekOrigin.Begin);
            }
            return new SftpRemoteWriter(client, stream, remote, temp: null, name, options.Offset, owner);
        }
        int slash = remote.LastIndexOf('/');
        string temp = remote[..(slash + 1)] + TempPrefix + Guid.NewGuid().ToString("N") + ".part";
        var tempStream = await client.OpenAsync(temp, FileMode.CreateNew, FileAccess.Write, cancellationToken).ConfigureAwait(false);
        return new SftpRemoteWriter(client, tempStream, remote, temp, name, 0, owner);
    }

    public long Position => _position;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _owner.RunOn(_client, async () =>
        {
            await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        _position += data.Length;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
        => _owner.RunOn(_client, async () =>
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }).AsValueTaskVoid();

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_completed)
        {
            return;
        }
        await _owner.RunOn(_client, async () =>
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        if (_temp is not null)
        {
            await _owner.RenameOverAsync(_temp, _target, cancellationToken).ConfigureAwait(false);
        }
        _completed = true;
    }

    public async ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        if (_completed || _temp is null)
        {
            return SftpRemoteFileSystem.ToInfo(_name, await _owner.GetAttributesAsync(_target, cancellationToken).ConfigureAwait(false))
                with { Size = Math.Max(_position, 0) };
        }
        return new VfsFileInfo { Name = _name, Type = VfsFileType.File, Size = _position, Permissions = 0x1A4, LastWriteTime = DateTimeOffset.UtcNow };
    }

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
            // A dropped connection: the remote server closes the handle with it.
        }
        if (!_completed && _temp is not null)
        {
            try
            {
                await _owner.DeleteQuietlyAsync(_temp).ConfigureAwait(false);
            }
            catch (VfsException)
            {
                // Left behind on the remote server if it is unreachable; hidden from listings by its prefix.
            }
        }
    }
}
