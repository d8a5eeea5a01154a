using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SftpKit.Sessions;

/// <summary>
/// The server's instruments on the meter <see cref="SftpKitMeter.Name"/> (<c>SftpKit</c>) (made through <see cref="IMeterFactory"/> when the host
/// registers one, so each host's meter is its own). Instrument names are listed in docs/operations.md.
/// </summary>
internal sealed class SftpMetrics : IDisposable
{
    private readonly UpDownCounter<long> _activeConnections;
    private readonly Counter<long> _refusedConnections;
    private readonly UpDownCounter<long> _activeSessions;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _transfers;
    private readonly Counter<long> _bans;
    private readonly bool _ownsMeter;

    public SftpMetrics(IMeterFactory? meterFactory)
    {
        var options = new MeterOptions(SftpKitMeter.Name);
        if (meterFactory is not null)
        {
            Meter = meterFactory.Create(options);
        }
        else
        {
            Meter = new Meter(options);
            _ownsMeter = true;
        }
        _activeConnections = Meter.CreateUpDownCounter<long>("sftpkit.connections.active", "{connection}", "Open connections, authenticated or not.");
        _refusedConnections = Meter.CreateCounter<long>("sftpkit.connections.refused", "{connection}", "Connections refused at accept, by reason.");
        _activeSessions = Meter.CreateUpDownCounter<long>("sftpkit.sessions.active", "{session}", "Authenticated connections.");
        _logins = Meter.CreateCounter<long>("sftpkit.logins", "{login}", "Authentication outcomes, by result and method.");
        _bytes = Meter.CreateCounter<long>("sftpkit.transfer.bytes", "By", "File bytes moved, by direction.");
        _transfers = Meter.CreateCounter<long>("sftpkit.transfers", "{transfer}", "Finished file transfers, by direction and result.");
        _bans = Meter.CreateCounter<long>("sftpkit.defender.bans", "{ban}", "Hosts banned by the defender.");
    }

    public Meter Meter { get; }

    public void ConnectionOpened() => _activeConnections.Add(1);

    public void ConnectionClosed() => _activeConnections.Add(-1);

    /// <summary>
    /// Counts a refusal; <paramref name="reason"/> is one of banned, blocked, server_full, host_full, startups_full,
    /// untrusted_proxy, proxy_header, connect_event.
    /// </summary>
    public void ConnectionRefused(string reason) => _refusedConnections.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void SessionStarted() => _activeSessions.Add(1);

    public void SessionEnded() => _activeSessions.Add(-1);

    public void RecordLogin(string method, SshAuthFailureReason reason)
    {
        var tags = new TagList
        {
            { "result", reason == SshAuthFailureReason.None ? "success" : "failure" },
            { "method", method },
            { "reason", ReasonTag(reason) },
        };
        _logins.Add(1, tags);
    }

    /// <summary>Adds moved bytes (called as a transfer progresses).</summary>
    public void RecordBytes(SftpTransferDirection direction, long bytes)
        => _bytes.Add(bytes, new KeyValuePair<string, object?>("direction", DirectionTag(direction)));

    /// <summary>Counts one finished transfer.</summary>
    public void RecordTransfer(SftpTransferDirection direction, bool succeeded)
        => _transfers.Add(1, new KeyValuePair<string, object?>("direction", DirectionTag(direction)),
            new KeyValuePair<string, object?>("result", succeeded ? "success" : "failure"));

    /// <summary>Records a whole transfer at once, for callers that do not use <see cref="SftpTransfer"/> handles.</summary>
    public void RecordTransfer(SftpTransferDirection direction, long bytes, bool succeeded)
    {
        if (bytes > 0)
        {
            RecordBytes(direction, bytes);
        }
        RecordTransfer(direction, succeeded);
    }

    public void HostBanned() => _bans.Add(1);

    private static string DirectionTag(SftpTransferDirection direction) => direction == SftpTransferDirection.Upload ? "upload" : "download";

    private static string ReasonTag(SshAuthFailureReason reason) => reason switch
    {
        SshAuthFailureReason.None => "none",
        SshAuthFailureReason.InvalidCredentials => "invalid_credentials",
        SshAuthFailureReason.UnknownUser => "unknown_user",
        SshAuthFailureReason.AccessDenied => "access_denied",
        SshAuthFailureReason.LimitReached => "limit_reached",
        _ => "other",
    };

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
