using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace SftpKit.Tests.Interop;

/// <summary>The connection registry lists a live OpenSSH sftp session and closes it.</summary>
public sealed class ConnectionRegistryTests : IAsyncLifetime
{
    private readonly SftpTestServer _server = new();

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Lists_a_live_sftp_session_and_CloseAsync_disconnects_it()
    {
        var registry = _server.Services.GetRequiredService<ISftpConnectionRegistry>();
        var before = DateTimeOffset.UtcNow;
        var info = new ProcessStartInfo("sftp")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in _server.ClientOptions())
        {
            info.ArgumentList.Add(arg);
        }
        info.ArgumentList.Add("-b");
        info.ArgumentList.Add("-");
        info.ArgumentList.Add($"{SftpTestServer.UserName}@127.0.0.1");
        using var sftp = Process.Start(info)!;
        var stderr = new System.Text.StringBuilder();
        sftp.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        sftp.BeginErrorReadLine();
        var stdout = sftp.StandardOutput.ReadToEndAsync();
        string Stderr()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
        try
        {
            // stdin stays open, so the session lives until the server ends it.
            await sftp.StandardInput.WriteLineAsync("pwd");
            await sftp.StandardInput.FlushAsync();
            Assert.True(await Eventually.TrueAsync(() => registry.GetConnections().Any(c => c.UserName == SftpTestServer.UserName)));

            var connection = Assert.Single(registry.GetConnections());
            Assert.Equal(SftpTestServer.UserName, connection.UserName);
            Assert.Equal(IPAddress.Loopback, connection.RemoteAddress);
            Assert.Equal(IPAddress.Loopback, ((IPEndPoint)connection.RemoteEndPoint!).Address);
            Assert.StartsWith("SSH-2.0-OpenSSH_", connection.ClientVersion, StringComparison.Ordinal);
            Assert.InRange(connection.StartedAt, before.AddSeconds(-5), DateTimeOffset.UtcNow);
            Assert.NotNull(connection.AuthenticatedAt);
            Assert.Same(connection, registry.Find(connection.Id));

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Assert.True(await registry.CloseAsync(connection.Id, timeout.Token));
            // OpenSSH's ssh prints the DISCONNECT's description as it receives it; sftp, waiting on its batch input,
            // notices only once that input ends.
            Assert.True(await Eventually.TrueAsync(() => Stderr().Contains("Closed by the server administrator", StringComparison.Ordinal)), Stderr());
            sftp.StandardInput.Close();
            await sftp.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, registry.Count);
            Assert.Null(registry.Find(connection.Id));
            Assert.False(await registry.CloseAsync(connection.Id));
            await stdout;
        }
        finally
        {
            if (!sftp.HasExited)
            {
                sftp.Kill(entireProcessTree: true);
            }
        }
    }
}
