namespace SftpKit;

/// <summary>
/// The name of the one meter every SftpKit instrument is on, in every package (connections, sessions, logins, bytes,
/// transfers, defender bans, reordered uploads; docs/operations.md lists them). The server makes it through the host's
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> when one is registered. Listen with
/// <c>AddMeter(SftpKitMeter.Name)</c> in OpenTelemetry, <c>dotnet-counters monitor --counters SftpKit</c> or a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
public static class SftpKitMeter
{
    /// <summary>The meter's name: <c>SftpKit</c>.</summary>
    public const string Name = "SftpKit";
}
