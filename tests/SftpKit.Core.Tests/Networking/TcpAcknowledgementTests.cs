using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SftpKit.Networking;

namespace SftpKit.Tests.Networking;

/// <summary>
/// <see cref="TcpAcknowledgement"/> on a real loopback connection: a receiver in delayed-acknowledgement mode holds the
/// ACK of what it read (the sender sees the bytes as unacknowledged); asking for it sends it at once.
/// </summary>
public sealed class TcpAcknowledgementTests
{
    [Fact]
    public void A_pending_delayed_ack_goes_out_when_asked_for()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(TcpAcknowledgement.SendNow(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)));
            return;
        }
        // The kernel acknowledges the first segments of a connection at once; a few request-reply turns put the
        // receiver into its interactive (delayed-ACK) mode. Bounded attempts, in case a turn was slow enough to reset it.
        for (int attempt = 0; attempt < 20; attempt++)
        {
            using var pair = ConnectedPair.Open();
            for (int turn = 0; turn < 8; turn++)
            {
                pair.Client.Send([1]);
                Assert.Equal(1, pair.Server.Receive(new byte[1]));
                pair.Server.Send([2]);
                Assert.Equal(1, pair.Client.Receive(new byte[1]));
            }
            pair.Client.Send([3]);
            Assert.Equal(1, pair.Server.Receive(new byte[1]));
            if (Unacknowledged(pair.Client) == 0)
            {
                continue; // acknowledged at once anyway: not in delayed-ACK mode this time
            }
            Assert.True(TcpAcknowledgement.SendNow(pair.Server));
            // On loopback the ACK is delivered within the system call that sends it.
            Assert.Equal(0, Unacknowledged(pair.Client));
            return;
        }
        Assert.Fail("The loopback connection never held an acknowledgement back, so the test could not be set up.");
    }

    [Fact]
    public void A_socket_that_is_not_tcp_or_is_closed_is_left_alone()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Assert.False(TcpAcknowledgement.SendNow(udp));
        var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Dispose();
        Assert.False(TcpAcknowledgement.SendNow(closed));
    }

    /// <summary><c>tcpi_unacked</c> of Linux's <c>struct tcp_info</c> (TCP_INFO = 11): segments sent and not yet acknowledged.</summary>
    private static int Unacknowledged(Socket socket)
    {
        Span<byte> info = stackalloc byte[104];
        int length = socket.GetRawSocketOption(6, 11, info);
        Assert.True(length >= 28, "TCP_INFO too short: " + length);
        return (int)BinaryPrimitives.ReadUInt32LittleEndian(info[24..]);
    }

    private sealed class ConnectedPair : IDisposable
    {
        private ConnectedPair(Socket client, Socket server)
        {
            Client = client;
            Server = server;
        }

        public Socket Client { get; }

        public Socket Server { get; }

        public static ConnectedPair Open()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = false };
            client.Connect(listener.LocalEndPoint!);
            return new ConnectedPair(client, listener.Accept());
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }
}
