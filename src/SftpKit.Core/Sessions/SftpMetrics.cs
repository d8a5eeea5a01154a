using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SftpKit.Sessions;

/// <summary>
/// The server's instruments on the meter <see cref="SftpKitMeter.Name"/> (<c>SftpKit</c>) (made through
/// <see cref="IMeterFactory"/> when the host registers one, so each host's meter is its own). Every instrument, unit
/// and tag is listed on <see cref="SftpKitMeter"/> and in docs/operations.md. Tags are of bounded cardinality: never a
/// user name, path or address. Measurements whose tags cost something to build check
/// <see cref="Instrument.Enabled"/> first, so an unobserved meter costs a field read per call.
/// </summary>
internal sealed partial class SftpMetrics : IDisposable
{
    private readonly UpDownCounter<long> _activeConnections;
    private readonly Counter<long> _refusedConnections;
    private readonly UpDownCounter<long> _activeSessions;
    private readonly Counter<long> _logins;
    private readonly Histogram<double> _loginDuration;
    private readonly Histogram<double> _kexDuration;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _transfers;
    private readonly UpDownCounter<long> _activeTransfers;
    private readonly Histogram<double> _transferDuration;
    private readonly Histogram<long> _transferSize;
    private readonly Counter<long> _bans;
    private readonly QueueGauges _queues = new();
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
        _loginDuration = Meter.CreateHistogram("sftpkit.login.duration", "s", "Time one authentication request took to answer, by method and result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SftpMetricBuckets.ShortSeconds });
        _kexDuration = Meter.CreateHistogram("sftpkit.kex.duration", "s", "Time from the server's KEXINIT to the client's NEWKEYS, by kind and algorithm.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SftpMetricBuckets.ShortSeconds });
        _bytes = Meter.CreateCounter<long>("sftpkit.transfer.bytes", "By", "File bytes moved, by direction and protocol.");
        _transfers = Meter.CreateCounter<long>("sftpkit.transfers", "{transfer}", "Finished file transfers, by direction, protocol and result.");
        _activeTransfers = Meter.CreateUpDownCounter<long>("sftpkit.transfers.active", "{transfer}", "File transfers in flight, by direction and protocol.");
        _transferDuration = Meter.CreateHistogram("sftpkit.transfer.duration", "s", "Duration of finished file transfers, by direction, protocol and result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SftpMetricBuckets.TransferSeconds });
        _transferSize = Meter.CreateHistogram("sftpkit.transfer.size", "By", "Bytes moved by finished file transfers, by direction, protocol and result.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = SftpMetricBuckets.TransferBytes });
        _bans = Meter.CreateCounter<long>("sftpkit.defender.bans", "{ban}", "Hosts banned by the defender.");
        Meter.CreateObservableUpDownCounter("sftpkit.events.queue.depth", _queues.Depths, "{event}",
            "Events waiting in a bounded event queue, by queue.");
        Meter.CreateObservableCounter("sftpkit.events.queue.dropped", _queues.Dropped, "{event}",
            "Events dropped because a bounded event queue was full, by queue.");
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
        if (!_logins.Enabled)
        {
            return;
        }
        var tags = new TagList
        {
            { "result", reason == SshAuthFailureReason.None ? "success" : "failure" },
            { "method", SftpMetricTags.Method(method) },
            { "reason", ReasonTag(reason) },
        };
        _logins.Add(1, tags);
    }

    /// <summary>True when someone listens to <c>sftpkit.login.duration</c>.</summary>
    public bool LoginDurationEnabled => _loginDuration.Enabled;

    /// <summary>
    /// Records how long one USERAUTH_REQUEST took to answer (the authenticator, the store, the failed-password delay).
    /// <paramref name="succeeded"/> is false for every answer but USERAUTH_SUCCESS (a failure, a partial success, a
    /// keyboard-interactive prompt).
    /// </summary>
    public void RecordLoginDuration(string? method, bool succeeded, TimeSpan elapsed)
    {
        if (_loginDuration.Enabled)
        {
            _loginDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("method", SftpMetricTags.Method(method)),
                new KeyValuePair<string, object?>("result", succeeded ? "success" : "failure"));
        }
    }

    /// <summary>Records one finished key exchange; <paramref name="algorithm"/> is the negotiated method (one the server offers).</summary>
    public void RecordKex(string algorithm, bool initial, TimeSpan elapsed)
    {
        if (_kexDuration.Enabled)
        {
            _kexDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("kind", initial ? "initial" : "rekey"),
                new KeyValuePair<string, object?>("algorithm", algorithm));
        }
    }

    /// <summary>Adds moved bytes (called as a transfer progresses).</summary>
    public void RecordBytes(SftpTransferDirection direction, string protocol, long bytes)
    {
        if (_bytes.Enabled)
        {
            _bytes.Add(bytes, new KeyValuePair<string, object?>("direction", DirectionTag(direction)), new KeyValuePair<string, object?>("protocol", protocol));
        }
    }

    /// <summary>A transfer began (the <c>sftpkit.transfers.active</c> gauge); <paramref name="protocol"/> comes from <see cref="SftpMetricTags.Protocol"/>.</summary>
    public void TransferStarted(SftpTransferDirection direction, string protocol)
    {
        if (_activeTransfers.Enabled)
        {
            _activeTransfers.Add(1, new KeyValuePair<string, object?>("direction", DirectionTag(direction)), new KeyValuePair<string, object?>("protocol", protocol));
        }
    }

    /// <summary>Counts one finished transfer, its duration and size, and takes it off the active gauge.</summary>
    public void RecordTransfer(SftpTransferDirection direction, string protocol, bool succeeded, long bytes, TimeSpan elapsed)
    {
        var direct = new KeyValuePair<string, object?>("direction", DirectionTag(direction));
        var proto = new KeyValuePair<string, object?>("protocol", protocol);
        var result = new KeyValuePair<string, object?>("result", succeeded ? "success" : "failure");
        if (_activeTransfers.Enabled)
        {
            _activeTransfers.Add(-1, direct, proto);
        }
        _transfers.Add(1, direct, proto, result);
        if (_transferDuration.Enabled)
        {
            _transferDuration.Record(elapsed.TotalSeconds, direct, proto, result);
        }
        if (_transferSize.Enabled)
        {
            _transferSize.Record(bytes, direct, proto, result);
        }
    }

    public void HostBanned() => _bans.Add(1);

    /// <summary>
    /// Reports a bounded queue's depth (and its dropped count, when given) on <c>sftpkit.events.queue.depth</c> and
    /// <c>sftpkit.events.queue.dropped</c> with the tag <c>queue</c> = <paramref name="queue"/> (a fixed name such as
    /// <c>post_events</c> or <c>event_rules</c>). The callbacks run when a listener collects; dispose the result to stop.
    /// </summary>
    public IDisposable ObserveQueue(string queue, Func<long> depth, Func<long>? dropped = null) => _queues.Add(queue, depth, dropped);

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
