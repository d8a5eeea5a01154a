namespace SftpKit;

/// <summary>Which way a transfer moves bytes.</summary>
public enum SftpTransferDirection
{
    /// <summary>Client to server (a write).</summary>
    Upload,

    /// <summary>Server to client (a read).</summary>
    Download,
}

/// <summary>
/// One active file transfer of a connection, made by <see cref="SftpConnection.BeginTransfer"/>. Report bytes as they
/// move with <see cref="AddBytes"/> (safe from any thread), call <see cref="Complete"/> when the transfer succeeded,
/// then dispose it: a transfer disposed without <see cref="Complete"/> counts as failed in the metrics.
/// </summary>
public sealed class SftpTransfer : IDisposable
{
    private readonly SftpConnection _connection;
    private long _bytes;
    private int _succeeded;
    private int _disposed;

    internal SftpTransfer(SftpConnection connection, long id, string path, SftpTransferDirection direction, DateTimeOffset startedAt,
        string protocol, long startTimestamp)
    {
        Protocol = protocol;
        StartTimestamp = startTimestamp;
        _connection = connection;
        Id = id;
        Path = path;
        Direction = direction;
        StartedAt = startedAt;
    }

    internal long Id { get; }

    /// <summary>The metrics' <c>protocol</c> tag (sftp, scp, ssh, http, other).</summary>
    internal string Protocol { get; }

    /// <summary>The server's <see cref="TimeProvider"/> timestamp at the start, for the duration histogram.</summary>
    internal long StartTimestamp { get; }

    /// <summary>The virtual path being transferred, as the file system saw it.</summary>
    public string Path { get; }

    /// <summary>Upload or download.</summary>
    public SftpTransferDirection Direction { get; }

    /// <summary>When the transfer began (UTC, from the server's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Bytes moved so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>True once <see cref="Complete"/> was called.</summary>
    public bool Succeeded => Volatile.Read(ref _succeeded) != 0;

    /// <summary>
    /// Adds <paramref name="count"/> moved bytes to this transfer, to the connection's
    /// <see cref="SftpConnection.BytesUploaded"/> or <see cref="SftpConnection.BytesDownloaded"/>, and to the
    /// <c>sftpkit.transfer.bytes</c> metric. Bytes added after <see cref="Dispose"/> still count for the connection.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void AddBytes(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return;
        }
        Interlocked.Add(ref _bytes, count);
        _connection.AddBytes(this, count);
    }

    /// <summary>Marks the transfer as succeeded; call before <see cref="Dispose"/>.</summary>
    public void Complete() => Volatile.Write(ref _succeeded, 1);

    /// <summary>Ends the transfer: removes it from the connection's active transfers and records its result. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _connection.EndTransfer(this);
        }
    }
}
