using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using SftpKit.Ssh.Messages;
using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh.Server;

/// <summary>How a connection ends: DISCONNECT with a generic reason, a clean refusal, and the drain that lets the client read it.</summary>
internal sealed partial class SshServerConnection
{
    /// <summary>
    /// Refuses the connection cleanly: our banner, then a clear-text SSH_MSG_DISCONNECT with <paramref name="reason"/>,
    /// then a short wait for the client to close so it reads the message instead of a reset. Bounded by 10 seconds.
    /// </summary>
    public async Task RefuseAsync(SshDisconnectReason reason, string description)
    {
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
        var output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await output.WriteAsync(Encoding.ASCII.GetBytes(_settings.VersionLine + "\r\n"), timeout.Token).ConfigureAwait(false);
            _transport = new SshTransport(input, output, _settings.MaxPacketSize, 1, 16);
            _transport.StartWriter();
            SendDisconnect(reason, description);
            await _transport.StopWriterAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await LingerAsync(input, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away or stayed silent; either way the refusal is done.
        }
        finally
        {
            if (_transport is not null)
            {
                await _transport.DisposeAsync().ConfigureAwait(false);
            }
            await input.CompleteAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
            _aborted.Dispose();
        }
    }

    private async Task LingerQuietlyAsync(PipeReader input)
    {
        if (_stream is not NetworkStream)
        {
            return; // a stream that is not a socket has no reset to avoid
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await LingerAsync(input, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away, stayed silent, or the reader had already ended; the close goes on either way.
        }
    }

    /// <summary>
    /// Half-closes our side after a DISCONNECT and reads what the client still sends (at most 64 KiB, until the
    /// caller's token ends) so the socket closes with a FIN, not a reset that could discard the message unread.
    /// </summary>
    private async Task LingerAsync(PipeReader input, CancellationToken cancellationToken)
    {
        if (_stream is NetworkStream network)
        {
            network.Socket.Shutdown(SocketShutdown.Send);
        }
        long drained = 0;
        while (drained < 64 * 1024)
        {
            var read = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            drained += read.Buffer.Length;
            input.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }
    }

    private void SendDisconnect(SshDisconnectReason reason, string description)
    {
        if (_transport is null)
        {
            return;
        }
        try
        {
            _transport.Send(new DisconnectMessage(reason, description), OutboundKind.Disconnect);
            _disconnectSent = true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The connection is already gone (a registry close can race with its end).
        }
    }

    private static string GenericDescription(SshDisconnectReason reason) => reason switch
    {
        SshDisconnectReason.MacError => "Corrupted MAC on input.",
        SshDisconnectReason.KeyExchangeFailed => "Key exchange failed.",
        SshDisconnectReason.NoMoreAuthMethodsAvailable => "Too many authentication failures.",
        SshDisconnectReason.ServiceNotAvailable => "Service not available.",
        SshDisconnectReason.ProtocolVersionNotSupported => "Protocol version not supported.",
        _ => "Protocol error.",
    };
}
