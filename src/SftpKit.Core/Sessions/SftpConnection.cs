using System.Collections.Concurrent;
using System.Net;
using SftpKit.Sessions;

namespace SftpKit;

/// <summary>
/// One live connection as <see cref="ISftpConnectionRegistry"/> and channel handlers
/// (<see cref="SshChannelContext.Connection"/>) see it: who, from where, since when, and what it transfers. Counters
/// are updated atomically and may be read from any thread.
/// </summary>
public sealed class SftpConnection
{
    private readonly ConcurrentDictionary<long, SftpTransfer> _transfers = new();
    private readonly SftpMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytesUploaded;
    private long _bytesDownloaded;
    private long _nextTransferId;
    private string? _clientVersion;
    private SshPrincipal? _principal;
    private Action<string>? _close;

    internal SftpConnection(string id, EndPoint? remoteEndPoint, TimeProvider time, SftpMetrics? metrics, EndPoint? proxyEndPoint = null)
    {
        Id = id;
        RemoteEndPoint = remoteEndPoint;
        ProxyEndPoint = proxyEndPoint;
        RemoteAddress = (remoteEndPoint as IPEndPoint)?.Address is { } address && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : (remoteEndPoint as IPEndPoint)?.Address;
        _time = time;
        _metrics = metrics;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>The server-assigned connection id (also in every log event of the connection).</summary>
    public string Id { get; }

    /// <summary>
    /// The client's address and port, when known. Behind a trusted load balancer, the client named by its PROXY
    /// protocol header (see <see cref="SftpServerOptions.TrustedProxies"/>).
    /// </summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// The load balancer's address and port when the connection came through a trusted proxy that sent a PROXY
    /// protocol header; null for direct connections.
    /// </summary>
    public EndPoint? ProxyEndPoint { get; }

    /// <summary>The client's IP address (IPv4-mapped IPv6 addresses unmapped), when known.</summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>When the connection was accepted (UTC).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The client's identification string (e.g. <c>SSH-2.0-OpenSSH_9.2p1</c>); null until the client sent it.</summary>
    public string? ClientVersion => Volatile.Read(ref _clientVersion);

    /// <summary>The authenticated user's name; null before authentication.</summary>
    public string? UserName => Volatile.Read(ref _principal)?.UserName;

    /// <summary>The authenticated principal; null before authentication.</summary>
    public SshPrincipal? Principal => Volatile.Read(ref _principal);

    /// <summary>When the user authenticated (UTC); null before authentication.</summary>
    public DateTimeOffset? AuthenticatedAt { get; private set; }

    /// <summary>Bytes received from the client by file transfers (reported through <see cref="SftpTransfer.AddBytes"/>).</summary>
    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    /// <summary>Bytes sent to the client by file transfers (reported through <see cref="SftpTransfer.AddBytes"/>).</summary>
    public long BytesDownloaded => Interlocked.Read(ref _bytesDownloaded);

    /// <summary>A snapshot of the transfers begun and not yet disposed.</summary>
    public IReadOnlyList<SftpTransfer> ActiveTransfers => _transfers.Values.OrderBy(t => t.Id).ToList();

    /// <summary>Completes when the connection has ended.</summary>
    internal Task Ended => _ended.Task;

    /// <summary>
    /// Registers an active transfer of <paramref name="path"/>. Dispose the returned handle when the transfer ends
    /// (after <see cref="SftpTransfer.Complete"/> if it succeeded); undisposed handles are dropped with the connection.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <remarks>Transfers begun here carry the <c>protocol</c> tag <c>other</c> in the metrics.</remarks>
    public SftpTransfer BeginTransfer(string path, SftpTransferDirection direction) => BeginProtocolTransfer(path, direction, SftpMetricTags.Other);

    /// <summary>Registers an active transfer whose metrics carry <paramref name="protocol"/> (a value of <see cref="SftpMetricTags"/>).</summary>
    internal SftpTransfer BeginProtocolTransfer(string path, SftpTransferDirection direction, string protocol)
    {
        ArgumentNullException.ThrowIfNull(path);
        var transfer = new SftpTransfer(this, Interlocked.Increment(ref _nextTransferId), path, direction, _time.GetUtcNow(), protocol, _time.GetTimestamp());
        _transfers[transfer.Id] = transfer;
        _metrics?.TransferStarted(direction, protocol);
        return transfer;
    }

    internal void AddBytes(SftpTransfer transfer, long count)
    {
        Interlocked.Add(ref transfer.Direction == SftpTransferDirection.Upload ? ref _bytesUploaded : ref _bytesDownloaded, count);
        _metrics?.RecordBytes(transfer.Direction, transfer.Protocol, count);
    }

    internal void EndTransfer(SftpTransfer transfer)
    {
        _transfers.TryRemove(transfer.Id, out _);
        _metrics?.RecordTransfer(transfer.Direction, transfer.Protocol, transfer.Succeeded, transfer.Bytes, _time.GetElapsedTime(transfer.StartTimestamp));
    }

    internal void SetClientVersion(string clientVersion) => Volatile.Write(ref _clientVersion, clientVersion);

    internal void SetAuthenticated(SshPrincipal principal)
    {
        AuthenticatedAt = _time.GetUtcNow();
        Volatile.Write(ref _principal, principal);
    }

    /// <summary>Connects the registry's close request to the running connection.</summary>
    internal void OnCloseRequested(Action<string> close) => Volatile.Write(ref _close, close);

    internal bool RequestClose(string description)
    {
        if (Volatile.Read(ref _close) is not { } close)
        {
            return false;
        }
        close(description);
        return true;
    }

    internal void MarkEnded()
    {
        foreach (var transfer in _transfers.Values)
        {
            transfer.Dispose();
        }
        _ended.TrySetResult();
    }
}
