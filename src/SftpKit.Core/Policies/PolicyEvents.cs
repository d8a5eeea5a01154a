using System.Diagnostics;
using SftpKit.Events;
using SftpKit.FileSystem;


namespace SftpKit.Policies;

/// <summary>
/// Raises the events of one channel's file operations: pre-events that may veto (upload, download, delete, rename,
/// mkdir, rmdir) and post-events for every change with status, size and elapsed time. A veto reaches the client as
/// a generic permission error; the handler's message stays in the log.
/// </summary>
internal sealed class PolicyEvents
{
    private readonly ISftpEventDispatcher? _dispatcher;
    private readonly string _userName;
    private readonly string _protocol;
    private readonly string _protocolTag;
    private readonly string? _connectionId;
    private readonly string? _remoteAddress;

    public PolicyEvents(ISftpEventDispatcher? dispatcher, string userName, string protocol, string? connectionId, string? remoteAddress,
        SftpConnection? connection = null)
    {
        Connection = connection;
        _dispatcher = dispatcher;
        _userName = userName;
        _protocol = protocol;
        _protocolTag = Sessions.SftpMetricTags.Protocol(protocol);
        _connectionId = connectionId;
        _remoteAddress = remoteAddress;
    }

    public bool Enabled => _dispatcher is not null;

    /// <summary>The connection in the registry, whose transfer list and byte counters this channel's transfers update.</summary>
    public SftpConnection? Connection { get; }

    /// <summary>Whether reads and writes must be wrapped at all (events, registry).</summary>
    public bool Tracks => _dispatcher is not null || Connection is not null;

    public SftpTransfer? BeginTransfer(string path, SftpTransferDirection direction) => Connection?.BeginProtocolTransfer(path, direction, _protocolTag);

    public SftpEvent Make(SftpEventKind kind, string path, string? target = null) => new()
    {
        Kind = kind,
        Protocol = _protocol,
        UserName = _userName,
        Path = path,
        TargetPath = target,
        RemoteAddress = _remoteAddress,
        ConnectionId = _connectionId,
        SessionId = _connectionId,
    };

    public async ValueTask PreAsync(SftpEventKind kind, string path, string? target, CancellationToken cancellationToken)
    {
        if (_dispatcher is null)
        {
            return;
        }
        var decision = await _dispatcher.RaisePreAsync(Make(kind, path, target), cancellationToken).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            throw new VfsException(VfsError.PermissionDenied, "Denied by an event handler.");
        }
    }

    public void Post(SftpEventKind kind, string path, string? target, long? size, long startTimestamp, Exception? error)
    {
        if (_dispatcher is null)
        {
            return;
        }
        var status = error switch
        {
            null => SftpEventStatus.Ok,
            VfsException { Error: VfsError.PermissionDenied or VfsError.QuotaExceeded or VfsError.TransferLimitExceeded } => SftpEventStatus.Denied,
            _ => SftpEventStatus.Failed,
        };
        _dispatcher.RaisePost(Make(kind, path, target) with
        {
            Size = size,
            Elapsed = Stopwatch.GetElapsedTime(startTimestamp),
            Status = status,
            Error = error is VfsException vfs ? vfs.Error.ToString() : error?.GetType().Name,
        });
    }

    /// <summary>Runs one operation between its pre-event (when <paramref name="pre"/>) and its post-event.</summary>
    public async ValueTask RunAsync(SftpEventKind kind, string path, string? target, bool pre, Func<ValueTask> operation, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            if (pre)
            {
                await PreAsync(kind, path, target, cancellationToken).ConfigureAwait(false);
            }
            await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (Enabled && ex is not OperationCanceledException)
        {
            Post(kind, path, target, null, start, ex);
            throw;
        }
        Post(kind, path, target, null, start, null);
    }
}
