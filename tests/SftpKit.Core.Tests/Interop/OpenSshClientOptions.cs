using System.Globalization;

namespace SftpKit.Tests.Interop;

/// <summary>Command-line options shared by OpenSSH ssh, sftp and scp in the tests: no user config, a pinned host key, key auth only.</summary>
public static class OpenSshClientOptions
{
    /// <summary>The options (port given as <c>-P</c>, as sftp and scp take it; ssh callers swap it for <c>-p</c>).</summary>
    public static List<string> Build(string knownHostsFile, string clientKey, int port) =>
    [
        "-F", "/dev/null",
        "-o", "StrictHostKeyChecking=yes",
        "-o", $"UserKnownHostsFile={knownHostsFile}",
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "ConnectTimeout=20",
        "-o", "LogLevel=ERROR",
        "-o", "BatchMode=yes",
        "-o", "IdentitiesOnly=yes",
        "-i", clientKey,
        "-P", port.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>Reads <paramref name="client"/> until the peer closes (bounded to 20 seconds); returns every byte received.</summary>
    public static async Task<byte[]> ReadToEndAsync(System.Net.Sockets.TcpClient client)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var all = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await client.GetStream().ReadAsync(buffer, cts.Token)) > 0)
            {
                all.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
        }
        return all.ToArray();
    }
}
