using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SftpKit.Ssh;

namespace SftpKit.Tests.Interop;

/// <summary>A bare TCP client bound to a chosen loopback source address (127.0.0.0/8), for per-host limits.</summary>
internal sealed class LoopbackPeer : IDisposable
{
    private readonly TcpClient _client;

    private LoopbackPeer(TcpClient client) => _client = client;

    public static async Task<LoopbackPeer> ConnectAsync(int port, string source = "127.0.0.1", bool sendVersion = true)
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(source), 0));
        await client.ConnectAsync(IPAddress.Loopback, port);
        client.GetStream().ReadTimeout = 20_000;
        if (sendVersion)
        {
            await client.GetStream().WriteAsync("SSH-2.0-LoopbackPeer_1.0\r\n"u8.ToArray());
        }
        return new LoopbackPeer(client);
    }

    /// <summary>Reads until the server closes (bounded to 20 seconds); returns every byte it sent.</summary>
    public Task<byte[]> ReadToEndAsync() => SftpKit.Tests.Interop.OpenSshClientOptions.ReadToEndAsync(_client);

    /// <summary>The reason of the clear-text DISCONNECT after the server's version line, or null when there is none.</summary>
    public static SshDisconnectReason? FindDisconnect(byte[] received)
    {
        int offset = Array.IndexOf(received, (byte)'\n') + 1;
        if (offset == 0)
        {
            return null;
        }
        while (offset + 10 <= received.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(received.AsSpan(offset));
            if (received[offset + 5] == (byte)SshMessageNumber.Disconnect)
            {
                return (SshDisconnectReason)BinaryPrimitives.ReadUInt32BigEndian(received.AsSpan(offset + 6));
            }
            offset += 4 + length;
        }
        return null;
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>Bounded polling for state that settles asynchronously (a connection ending on the server).</summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, int attempts = 200)
    {
        for (int i = 0; i < attempts; i++)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(50);
        }
        return condition();
    }

    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, int attempts = 200)
    {
        for (int i = 0; i < attempts; i++)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(50);
        }
        return await condition();
    }
}
