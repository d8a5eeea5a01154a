namespace SftpKit;

/// <summary>
/// The name of the one meter every SftpKit instrument is on, in every package (docs/operations.md lists them too). The server makes it through the host's
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> when one is registered. Listen with
/// <c>AddMeter(SftpKitMeter.Name)</c> in OpenTelemetry, <c>dotnet-counters monitor --counters SftpKit</c> or a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
/// <remarks>
/// <para>Instruments (name, type and unit, tags). Tag values are fixed sets, never a user name, path or address:</para>
/// <list type="bullet">
/// <item><c>sftpkit.connections.active</c>: UpDownCounter <c>{connection}</c>.</item>
/// <item><c>sftpkit.connections.refused</c>: Counter <c>{connection}</c>; <c>reason</c> (banned, blocked, server_full,
/// host_full, startups_full, proxy_header, untrusted_proxy, connect_event).</item>
/// <item><c>sftpkit.sessions.active</c>: UpDownCounter <c>{session}</c>.</item>
/// <item><c>sftpkit.logins</c>: Counter <c>{login}</c>; <c>result</c> (success, failure), <c>method</c> (password,
/// publickey, keyboard-interactive, none, hostbased, other), <c>reason</c>.</item>
/// <item><c>sftpkit.login.duration</c>: Histogram <c>s</c>; <c>method</c>, <c>result</c>.</item>
/// <item><c>sftpkit.kex.duration</c>: Histogram <c>s</c>; <c>kind</c> (initial, rekey), <c>algorithm</c>.</item>
/// <item><c>sftpkit.transfer.bytes</c>: Counter <c>By</c>; <c>direction</c> (upload, download), <c>protocol</c>
/// (sftp, scp, ssh, http, other).</item>
/// <item><c>sftpkit.transfers</c>: Counter <c>{transfer}</c>; <c>direction</c>, <c>protocol</c>, <c>result</c>.</item>
/// <item><c>sftpkit.transfers.active</c>: UpDownCounter <c>{transfer}</c>; <c>direction</c>, <c>protocol</c>.</item>
/// <item><c>sftpkit.transfer.duration</c>: Histogram <c>s</c>; <c>direction</c>, <c>protocol</c>, <c>result</c>.</item>
/// <item><c>sftpkit.transfer.size</c>: Histogram <c>By</c>; <c>direction</c>, <c>protocol</c>, <c>result</c>.</item>
/// <item><c>sftpkit.events.queue.depth</c>: ObservableUpDownCounter <c>{event}</c>; <c>queue</c> (post_events).</item>
/// <item><c>sftpkit.events.queue.dropped</c>: ObservableCounter <c>{event}</c>; <c>queue</c>.</item>
/// <item><c>sftpkit.defender.bans</c>: Counter <c>{ban}</c>.</item>
/// <item><c>sftpkit.uploads.reordered</c>: Counter <c>{upload}</c>; <c>how</c> (temporary_file, random_access).</item>
/// </list>
/// </remarks>
public static class SftpKitMeter
{
    /// <summary>The meter's name: <c>SftpKit</c>.</summary>
    public const string Name = "SftpKit";
}
