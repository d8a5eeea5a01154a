using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SftpKit.Server.Tests;

/// <summary>
/// systemd's readiness protocol: a Unix datagram socket standing in for NOTIFY_SOCKET receives <c>READY=1</c>, and at
/// that moment the SFTP port already accepts connections and answers with its SSH banner.
/// </summary>
public sealed class SystemdNotifyProcessTests
{
    [Fact]
    public async Task Ready_is_notified_after_the_sftp_listener_is_bound()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        string socketPath = Path.Combine(dir, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        int port = FreePort();

        // Waits for READY=1 and, the moment it arrives, connects to the SFTP port and reads the banner.
        var ready = Task.Run(async () =>
        {
            var messages = new List<string>();
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (true)
            {
                int received = await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                string message = Encoding.UTF8.GetString(buffer, 0, received);
                messages.Add(message);
                if (message.Split('\n').Contains("READY=1"))
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                    using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
                    string? banner = await reader.ReadLineAsync(timeout.Token);
                    return (messages, banner);
                }
            }
        });

        var environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath };
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--address", "127.0.0.1"], environment))
        {
            var (messages, banner) = await ready.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.Equal(port, server.SftpPort);
            Assert.NotNull(banner);
            Assert.StartsWith("SSH-2.0-", banner, StringComparison.Ordinal);
            Assert.DoesNotContain(messages.Take(messages.Count - 1), m => m.Contains("READY=1", StringComparison.Ordinal));
        }
        Directory.Delete(dir, recursive: true);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
