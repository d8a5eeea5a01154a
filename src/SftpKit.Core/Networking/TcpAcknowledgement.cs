using System.Net.Sockets;

namespace SftpKit.Networking;

/// <summary>
/// Sends the TCP acknowledgement of what a socket has received now, instead of when the delayed-ACK timer fires.
/// </summary>
/// <remarks>
/// <para>Why: a client that leaves Nagle's algorithm on (OpenSSH's <c>ssh</c> does for <c>sftp</c> and <c>scp</c>) holds
/// a small packet back while an earlier one is unacknowledged. After the key exchange it sends NEWKEYS, which the
/// server does not answer, and then SERVICE_REQUEST: the second waits for the server's delayed ACK, at least 40 ms on
/// Linux, on every login. Acknowledging NEWKEYS at once lets SERVICE_REQUEST go out at once.</para>
/// <para>How: on Linux, setting <c>TCP_QUICKACK</c> while an acknowledgement is pending sends it immediately (one
/// system call; the socket goes back to delayed acknowledgements by itself). Elsewhere, and for sockets that are not
/// TCP, this does nothing.</para>
/// </remarks>
internal static class TcpAcknowledgement
{
    private const int IpProtocolTcp = 6;
    private const int TcpQuickAck = 12;

    /// <summary>Acknowledges now what <paramref name="socket"/> has received; false where that cannot be asked for.</summary>
    public static bool SendNow(Socket socket)
    {
        if (!OperatingSystem.IsLinux() || socket.ProtocolType != ProtocolType.Tcp)
        {
            return false;
        }
        try
        {
            Span<byte> on = [1, 0, 0, 0];
            socket.SetRawSocketOption(IpProtocolTcp, TcpQuickAck, on);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The connection is going away; its read loop sees that on its own.
            return false;
        }
    }
}
