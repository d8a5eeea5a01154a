using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using SftpKit.Ssh;

namespace SftpKit.Tests.Interop;

/// <summary>
/// A raw-wire peer sends what no honest client sends; each connection must end with a disconnect (or a plain
/// refusal before the binary protocol starts) while the server keeps serving a real client.
/// </summary>
public sealed class HostileInputTests : IClassFixture<TestServer>
{
    private readonly TestServer _server;

    public HostileInputTests(TestServer server) => _server = server;

    [Fact]
    public async Task Garbage_banner_gets_a_refusal_and_the_server_keeps_serving()
    {
        using var raw = await RawPeer.ConnectAsync(_server.Port);
        await raw.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        string rest = Encoding.ASCII.GetString(await raw.ReadToEndAsync());
        Assert.Contains("Invalid SSH identification string", rest, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Overlong_banner_is_refused()
    {
        using var raw = await RawPeer.ConnectAsync(_server.Port);
        await raw.SendAsync(Encoding.ASCII.GetBytes("SSH-2.0-" + new string('x', 1000)));
        string rest = Encoding.ASCII.GetString(await raw.ReadToEndAsync());
        Assert.Contains("Invalid SSH identification string", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_kex_stray_message_before_kexinit_ends_the_connection()
    {
        using var raw = await RawPeer.ConnectAsync(_server.Port);
        await raw.SendVersionAsync();
        await raw.SendPacketAsync([(byte)SshMessageNumber.Ignore, 0, 0, 0, 0]);
        await raw.SendPacketAsync(RawPeer.ClientKexInit(strict: true));
        var reason = await raw.ReadUntilDisconnectAsync();
        Assert.Equal(SshDisconnectReason.ProtocolError, reason);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Strict_kex_non_kex_message_during_initial_kex_ends_the_connection()
    {
        using var raw = await RawPeer.ConnectAsync(_server.Port);
        await raw.SendVersionAsync();
        await raw.SendPacketAsync(RawPeer.ClientKexInit(strict: true));
        await raw.SendPacketAsync([(byte)SshMessageNumber.ServiceRequest, 0, 0, 0, 12, .. "ssh-userauth"u8]);
        Assert.Equal(SshDisconnectReason.ProtocolError, await raw.ReadUntilDisconnectAsync());
    }

    [Fact]
    public async Task Oversized_packet_ends_the_connection_with_a_disconnect()
    {
        using var raw = await RawPeer.ConnectAsync(_server.Port);
        await raw.SendVersionAsync();
        byte[] header = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x7fff_fff0);
        await raw.SendAsync(header);
        Assert.Equal(SshDisconnectReason.ProtocolError, await raw.ReadUntilDisconnectAsync());
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Bad_padding_ends_the_connection_with_a_disconnect()
    {
        using var raw = await RawPeer.ConnectAsync(_server.Port);
        await raw.SendVersionAsync();
        // packet_length 12, padding_length 200 (more than the packet holds).
        await raw.SendAsync([0, 0, 0, 12, 200, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Equal(SshDisconnectReason.ProtocolError, await raw.ReadUntilDisconnectAsync());
    }

    [Fact]
    public async Task Truncated_packet_then_close_leaves_the_server_serving()
    {
        using (var raw = await RawPeer.ConnectAsync(_server.Port))
        {
            await raw.SendVersionAsync();
            await raw.SendAsync([0, 0, 1, 0, 10, 20, 1, 2, 3]);
        }
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Garbage_kexinit_ends_the_connection_with_a_disconnect()
    {
        using var raw = await RawPeer.ConnectAsync(_server.Port);
        await raw.SendVersionAsync();
        await raw.SendPacketAsync([(byte)SshMessageNumber.KexInit, 1, 2, 3]);
        Assert.Equal(SshDisconnectReason.ProtocolError, await raw.ReadUntilDisconnectAsync());
    }

    [Fact]
    public async Task Corrupted_mac_mid_session_ends_the_connection_and_the_server_keeps_serving()
    {
        await using var proxy = await CorruptingProxy.StartAsync(_server.Port, corruptAtClientByte: 6000);
        var data = TestServer.RandomBytes(100_000);
        var args = _server.SshArgs("-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", _server.ClientKeys["ed25519"],
            "-o", "Ciphers=aes128-ctr", "-o", "MACs=hmac-sha2-256-etm@openssh.com", "-o", "HostKeyAlias=[127.0.0.1]:" + _server.Port,
            "-p", proxy.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{TestServer.UserName}@127.0.0.1", "cat");
        args.RemoveRange(0, 2); // the proxy port replaces the server's
        var result = await ProcessRunner.RunAsync("ssh", args, data);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Corrupted MAC", result.StandardError, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        var result = await _server.SshAsync("echo alive");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("alive\n", result.Text);
    }
}

/// <summary>A bare TCP peer that speaks the unencrypted start of SSH-2 by hand.</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawPeer(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _stream.ReadTimeout = 20_000;
    }

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new RawPeer(client);
    }

    public Task SendAsync(byte[] data) => _stream.WriteAsync(data).AsTask();

    public Task SendVersionAsync() => SendAsync("SSH-2.0-RawPeer_1.0\r\n"u8.ToArray());

    public async Task SendPacketAsync(byte[] payload)
    {
        int padding = 8 - (5 + payload.Length) % 8;
        if (padding < 4)
        {
            padding += 8;
        }
        var packet = new byte[4 + 1 + payload.Length + padding];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(1 + payload.Length + padding));
        packet[4] = (byte)padding;
        payload.CopyTo(packet, 5);
        await SendAsync(packet);
    }

    public async Task<byte[]> ReadToEndAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var all = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await _stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                all.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
        }
        return all.ToArray();
    }

    /// <summary>Reads the server's version line and clear-text packets until DISCONNECT; returns its reason.</summary>
    public async Task<SshDisconnectReason> ReadUntilDisconnectAsync()
    {
        byte[] all = await ReadToEndAsync();
        int lineEnd = Array.IndexOf(all, (byte)'\n');
        Assert.True(lineEnd > 0, "no version line");
        int offset = lineEnd + 1;
        while (offset + 5 <= all.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(all.AsSpan(offset));
            byte message = all[offset + 5];
            if (message == (byte)SshMessageNumber.Disconnect)
            {
                return (SshDisconnectReason)BinaryPrimitives.ReadUInt32BigEndian(all.AsSpan(offset + 6));
            }
            offset += 4 + length;
        }
        Assert.Fail("The server closed without SSH_MSG_DISCONNECT.");
        return SshDisconnectReason.None;
    }

    public static byte[] ClientKexInit(bool strict)
    {
        using var writer = new SshWriter();
        writer.WriteMessage(SshMessageNumber.KexInit).WriteRaw(new byte[16]);
        writer.WriteString("curve25519-sha256,ext-info-c" + (strict ? ",kex-strict-c-v00@openssh.com" : string.Empty));
        writer.WriteString("ssh-ed25519");
        writer.WriteString("aes128-ctr").WriteString("aes128-ctr");
        writer.WriteString("hmac-sha2-256-etm@openssh.com").WriteString("hmac-sha2-256-etm@openssh.com");
        writer.WriteString("none").WriteString("none").WriteString("").WriteString("");
        writer.WriteBoolean(false).WriteUInt32(0);
        return writer.ToArray();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}

/// <summary>A loopback TCP proxy that flips one bit of the client's stream at a given offset.</summary>
internal sealed class CorruptingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private CorruptingProxy(TcpListener listener, int target, long corruptAt)
    {
        _listener = listener;
        _loop = RunAsync(target, corruptAt);
    }

    public int Port => ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;

    public static Task<CorruptingProxy> StartAsync(int target, long corruptAtClientByte)
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(new CorruptingProxy(listener, target, corruptAtClientByte));
    }

    private async Task RunAsync(int target, long corruptAt)
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            using var server = new TcpClient();
            await server.ConnectAsync("127.0.0.1", target, _stop.Token);
            var up = PumpAsync(client.GetStream(), server.GetStream(), corruptAt);
            var down = PumpAsync(server.GetStream(), client.GetStream(), -1);
            // The server answers the corrupted packet with a disconnect and closes; the client must see that
            // message even when the upstream pump fails first on the closed socket, so the downstream pump
            // always runs until the server's side ends.
            await SwallowAsync(up);
            await SwallowAsync(down);
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private static async Task SwallowAsync(Task pump)
    {
        try
        {
            await pump;
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(Stream from, Stream to, long corruptAt)
    {
        var buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (corruptAt >= total && corruptAt < total + n)
            {
                buffer[corruptAt - total] ^= 0x01;
            }
            total += n;
            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
        }
        to.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
