using System.Buffers;
using System.Net.Sockets;

namespace SftpKit.Hosting.ProxyProtocol;

/// <summary>How reading a PROXY header from a trusted peer ended.</summary>
internal enum ProxyReadOutcome
{
    /// <summary>A header was read and consumed; the socket now starts with the client's own bytes.</summary>
    Header,

    /// <summary>The peer's first byte starts no header; nothing was consumed.</summary>
    NoHeader,

    /// <summary>The peer sent nothing within the timeout (a client waiting for the server's banner); nothing was consumed.</summary>
    Silent,

    /// <summary>The bytes break the specification or a limit.</summary>
    Invalid,

    /// <summary>The header was begun but not finished in time.</summary>
    TimedOut,

    /// <summary>The peer closed the connection before a whole header.</summary>
    Closed,
}

/// <summary>The result of <see cref="ProxyHeaderReader.ReadAsync"/>.</summary>
internal readonly record struct ProxyReadResult(ProxyReadOutcome Outcome, ProxyHeader Header = default, string? Error = null);

/// <summary>
/// Reads a PROXY header off a socket without taking a byte past it: the bytes are peeked, parsed, and only the
/// header's own bytes are received, so the socket (and its <see cref="NetworkStream"/>) is handed on untouched.
/// Bounded: at most <see cref="ProxyHeaderParser.MaxHeaderLength"/> bytes are buffered and the read ends at the timeout.
/// </summary>
internal static class ProxyHeaderReader
{
    public static async Task<ProxyReadResult> ReadAsync(Socket socket, TimeSpan timeout, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ProxyHeaderParser.MaxHeaderLength);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        int taken = 0;
        try
        {
            while (true)
            {
                int peeked = await socket.ReceiveAsync(buffer.AsMemory(taken, ProxyHeaderParser.MaxHeaderLength - taken), SocketFlags.Peek, timer.Token)
                    .ConfigureAwait(false);
                if (peeked == 0)
                {
                    return new ProxyReadResult(ProxyReadOutcome.Closed);
                }
                var status = ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(buffer, 0, taken + peeked), out var header, out int consumed, out string? error);
                switch (status)
                {
                    case ProxyParseStatus.NotProxy:
                        return new ProxyReadResult(ProxyReadOutcome.NoHeader);
                    case ProxyParseStatus.Invalid:
                        return new ProxyReadResult(ProxyReadOutcome.Invalid, Error: error);
                    case ProxyParseStatus.Complete:
                        await ReceiveExactlyAsync(socket, buffer.AsMemory(taken, consumed - taken), timer.Token).ConfigureAwait(false);
                        return new ProxyReadResult(ProxyReadOutcome.Header, header);
                    default:
                        // Every byte of an incomplete header is the header's: take them, so the next peek waits for more.
                        await ReceiveExactlyAsync(socket, buffer.AsMemory(taken, peeked), timer.Token).ConfigureAwait(false);
                        taken += peeked;
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProxyReadResult(taken == 0 ? ProxyReadOutcome.Silent : ProxyReadOutcome.TimedOut);
        }
        catch (SocketException)
        {
            return new ProxyReadResult(ProxyReadOutcome.Closed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> target, CancellationToken cancellationToken)
    {
        while (!target.IsEmpty)
        {
            int read = await socket.ReceiveAsync(target, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }
            target = target[read..];
        }
    }
}
