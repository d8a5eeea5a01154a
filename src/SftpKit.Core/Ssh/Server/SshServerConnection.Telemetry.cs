using System.Diagnostics;
using SftpKit.Ssh.KeyExchange;

namespace SftpKit.Ssh.Server;

/// <summary>
/// The connection's metrics and spans: key exchange and login durations (<c>sftpkit.kex.duration</c>,
/// <c>sftpkit.login.duration</c>) and the <c>ssh.kex</c> / <c>ssh.auth</c> spans under the connection's span (see
/// <see cref="SftpKitActivitySource"/>). Nothing is computed when nobody listens.
/// </summary>
internal sealed partial class SshServerConnection
{
    private void RecordKeyExchange(KeyExchangeHandler kex, bool initial)
    {
        string algorithm = kex.KexAlgorithm ?? "unknown";
        _server.Policies?.Metrics.RecordKex(algorithm, initial, kex.LastDuration);
        if (!SftpKitActivitySource.Source.HasListeners())
        {
            return;
        }
        // The exchange spans several packets of the read loop; its span is made once it is over, back-dated to its start.
        var end = DateTime.UtcNow;
        using var span = SftpKitActivitySource.Source.StartActivity("ssh.kex", ActivityKind.Internal, parentContext: default, startTime: end - kex.LastDuration);
        if (span is not null)
        {
            span.SetTag("ssh.kex.kind", initial ? "initial" : "rekey");
            span.SetTag("ssh.kex.algorithm", algorithm);
            span.SetEndTime(end);
        }
    }

    private static Activity? StartAuthSpan(ReadOnlySpan<byte> payload)
    {
        if (!SftpKitActivitySource.Source.HasListeners())
        {
            return null;
        }
        var span = SftpKitActivitySource.Source.StartActivity("ssh.auth");
        span?.SetTag("ssh.auth.method", Sessions.SftpMetricTags.Method(ReadMethod(payload)));
        return span;
    }

    private void RecordAuthentication(Activity? span, ReadOnlySpan<byte> payload, bool succeeded, long started)
    {
        span?.SetTag("ssh.auth.result", succeeded ? "success" : "failure");
        if (_server.Policies?.Metrics is { LoginDurationEnabled: true } metrics)
        {
            metrics.RecordLoginDuration(ReadMethod(payload), succeeded, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The method name of a USERAUTH_REQUEST (byte 50, user, service, method), or null when it is not one or is malformed.</summary>
    private static string? ReadMethod(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload[0] != (byte)SshMessageNumber.UserAuthRequest)
        {
            return null;
        }
        try
        {
            var reader = new SshReader(payload[1..]);
            reader.ReadBinary();
            reader.ReadBinary();
            return reader.ReadString();
        }
        catch (Exception ex) when (ex is SshProtocolException or System.Text.DecoderFallbackException)
        {
            return null;
        }
    }
}
