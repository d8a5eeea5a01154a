using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using SftpKit.Ssh.Messages;
using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh.Connection;

/// <summary>
/// The ssh-connection service (RFC 4254) after authentication: session channels only, subsystem and exec requests
/// handed to the registered handlers, env accepted silently, pty/shell/x11/forwarding refused, global requests
/// answered with failure (OpenSSH keepalives) or ignored.
/// </summary>
internal sealed class ConnectionService : IDisposable
{
    private readonly SshTransport _transport;
    private readonly SshPrincipal _principal;
    private readonly EndPoint? _remoteEndPoint;
    private readonly string _connectionId;
    private readonly IReadOnlyList<ISshSubsystemHandler> _subsystems;
    private readonly IReadOnlyList<ISshCommandHandler> _commands;
    private readonly ILogger _logger;
    private readonly SshChannel?[] _channels;
    private readonly uint _windowSize;
    private readonly int _maxChunk;
    private readonly uint _receiveMaxPacket;
    private readonly CancellationToken _connectionAborted;
    private readonly SftpConnection? _connection;

    public ConnectionService(SshTransport transport, SshPrincipal principal, EndPoint? remoteEndPoint, string connectionId,
        IReadOnlyList<ISshSubsystemHandler> subsystems, IReadOnlyList<ISshCommandHandler> commands, ILogger logger,
        int maxChannels, uint windowSize, int maxChunk, uint receiveMaxPacket, CancellationToken connectionAborted, SftpConnection? connection = null)
    {
        _connection = connection;
        _transport = transport;
        _principal = principal;
        _remoteEndPoint = remoteEndPoint;
        _connectionId = connectionId;
        _subsystems = subsystems;
        _commands = commands;
        _logger = logger;
        _channels = new SshChannel?[maxChannels];
        _windowSize = windowSize;
        _maxChunk = maxChunk;
        _receiveMaxPacket = Math.Max(receiveMaxPacket, (uint)maxChunk);
        _connectionAborted = connectionAborted;
    }

    /// <summary>Handles one connection-protocol message (80–127).</summary>
    public void Handle(ReadOnlySpan<byte> payload)
    {
        switch ((SshMessageNumber)payload[0])
        {
            case SshMessageNumber.GlobalRequest:
                OnGlobalRequest(GlobalRequestMessage.Read(payload));
                break;
            case SshMessageNumber.ChannelOpen:
                OnChannelOpen(ChannelOpenMessage.Read(payload));
                break;
            case SshMessageNumber.ChannelWindowAdjust:
            {
                var adjust = ChannelWindowAdjustMessage.Read(payload);
                Find(adjust.RecipientChannel).OnWindowAdjust(adjust.BytesToAdd);
                break;
            }
            case SshMessageNumber.ChannelData:
            {
                var data = ChannelDataMessage.Read(payload);
                Find(data.RecipientChannel).OnData(data.Data);
                break;
            }
            case SshMessageNumber.ChannelExtendedData:
            {
                // Clients have no stderr to send; consume the window and drop the bytes.
                var data = ChannelExtendedDataMessage.Read(payload);
                Find(data.RecipientChannel).OnIgnoredData(data.Data.Length);
                break;
            }
            case SshMessageNumber.ChannelEof:
                Find(ChannelEofMessage.Read(payload).RecipientChannel).OnEof();
                break;
            case SshMessageNumber.ChannelClose:
            {
                var channel = Find(ChannelCloseMessage.Read(payload).RecipientChannel);
                channel.OnRemoteClose();
                Release(channel);
                break;
            }
            case SshMessageNumber.ChannelRequest:
                OnChannelRequest(ChannelRequestMessage.Read(payload));
                break;
            case SshMessageNumber.ChannelSuccess:
            case SshMessageNumber.ChannelFailure:
            case SshMessageNumber.RequestSuccess:
            case SshMessageNumber.RequestFailure:
                // We send no requests that want a reply.
                break;
            default:
                throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected connection message.");
        }
    }

    private void OnGlobalRequest(GlobalRequestMessage request)
    {
        ConnectionLog.GlobalRequest(_logger, _connectionId, request.RequestName);
        if (request.WantReply)
        {
            _transport.Send(new RequestFailureMessage());
        }
    }

    private void OnChannelOpen(ChannelOpenMessage open)
    {
        if (open.ChannelType != "session")
        {
            SendOpenFailure(open.SenderChannel, open.ChannelType is "direct-tcpip" or "x11" or "forwarded-tcpip"
                ? ChannelOpenFailureReason.AdministrativelyProhibited : ChannelOpenFailureReason.UnknownChannelType, "Channel type not supported");
            return;
        }
        int slot = Array.IndexOf(_channels, null);
        if (slot < 0)
        {
            SendOpenFailure(open.SenderChannel, ChannelOpenFailureReason.ResourceShortage, "Too many channels");
            return;
        }
        if (open.MaximumPacketSize < 1)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Invalid channel maximum packet size.");
        }
        var channel = new SshChannel(_transport, (uint)slot, open.SenderChannel, open.InitialWindowSize, open.MaximumPacketSize, _windowSize, _maxChunk,
            PeerWindowReserve.For(_connection?.ClientVersion, open.InitialWindowSize));
        // We send in chunks of _maxChunk but accept whole SFTP requests in one message: a client that must split a
        // 32 KiB WRITE into a full message plus a tail (paramiko) has its tail held by Nagle until our delayed ACK.
        _channels[slot] = channel;
        _transport.Send(new ChannelOpenConfirmationMessage(open.SenderChannel, (uint)slot, _windowSize, _receiveMaxPacket));
    }

    private void SendOpenFailure(uint sender, ChannelOpenFailureReason reason, string description)
        => _transport.Send(new ChannelOpenFailureMessage(sender, reason, description));

    private void OnChannelRequest(ChannelRequestMessage request)
    {
        var channel = Find(request.RecipientChannel);
        var fields = new SshReader(request.RequestData);
        bool accepted = false;
        switch (request.RequestType)
        {
            case "subsystem" when !channel.Started:
            {
                string name = fields.ReadString();
                var handler = _subsystems.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.Ordinal));
                if (handler is not null)
                {
                    accepted = true;
                    Reply(channel, request.WantReply, true);
                    ConnectionLog.SubsystemStarted(_logger, _connectionId, channel.LocalId, name);
                    Start(channel, (context, token) => handler.RunAsync(context, token));
                    return;
                }
                ConnectionLog.SubsystemUnknown(_logger, _connectionId, name);
                break;
            }
            case "exec" when !channel.Started:
            {
                string command = Encoding.UTF8.GetString(fields.ReadBinary());
                accepted = true;
                Reply(channel, request.WantReply, true);
                ConnectionLog.ExecStarted(_logger, _connectionId, channel.LocalId, command.Length > 200 ? command[..200] : command);
                var handler = _commands.FirstOrDefault(h => h.CanExecute(command));
                Start(channel, handler is null
                    ? (context, token) => RefuseCommandAsync(context, token)
                    : (context, token) => handler.ExecuteAsync(context, command, token));
                return;
            }
            case "env":
                // Environment variables are ignored: SftpKit runs no shell that would read them.
                accepted = true;
                break;
        }
        Reply(channel, request.WantReply, accepted);
    }

    private static async Task<int> RefuseCommandAsync(SshChannelContext context, CancellationToken cancellationToken)
    {
        await context.Error.WriteAsync("This server does not run that command.\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        return 127;
    }

    private void Reply(SshChannel channel, bool wantReply, bool success)
    {
        if (!wantReply)
        {
            return;
        }
        if (success)
        {
            _transport.Send(new ChannelSuccessMessage(channel.RemoteId));
        }
        else
        {
            _transport.Send(new ChannelFailureMessage(channel.RemoteId));
        }
    }

    private void Start(SshChannel channel, Func<SshChannelContext, CancellationToken, Task<int>> run)
    {
        channel.Started = true;
        var context = new SshChannelContext(_principal, _remoteEndPoint, _connectionId, channel.Input, channel.Output, channel.Error, _connection)
        {
            InputReader = channel.InputReader,
        };
        channel.HandlerTask = Task.Run(async () =>
        {
            int status = 1;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(channel.Aborted, _connectionAborted);
            try
            {
                status = await run(context, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
            }
            catch (IOException) when (linked.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // A failing handler must end its channel, never the server.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ConnectionLog.HandlerFailed(_logger, _connectionId, channel.LocalId, ex);
            }
            try
            {
                channel.Complete(status);
            }
            catch (IOException)
            {
            }
            catch (SshProtocolException)
            {
            }
        });
    }

    private SshChannel Find(uint id)
    {
        if (id >= (uint)_channels.Length || _channels[id] is not { } channel)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unknown channel.");
        }
        return channel;
    }

    private void Release(SshChannel channel)
    {
        // The id is reusable once both sides sent CLOSE; a running handler sees its token cancelled.
        _channels[channel.LocalId] = null;
        var task = channel.HandlerTask;
        if (task is null || task.IsCompleted)
        {
            channel.Dispose();
        }
        else
        {
            task.ContinueWith(_ => channel.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Waits for the handlers still running (after the connection ended) so none outlives the server.</summary>
    public Task WhenHandlersDoneAsync()
        => Task.WhenAll(_channels.Where(c => c?.HandlerTask is not null).Select(c => c!.HandlerTask!));

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel?.Abort();
        }
    }
}
