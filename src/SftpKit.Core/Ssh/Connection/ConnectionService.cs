using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using SftpKit.Hosting;
using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh.Connection;

/// <summary>
/// The ssh-connection service (RFC 4254) after authentication: session channels only, subsystem and exec requests
/// handed to the registered handlers, env accepted silently, pty/shell/x11/forwarding refused, global requests
/// answered with failure (OpenSSH keepalives) or ignored.
/// </summary>
internal sealed class ConnectionService : IDisposable
{
    private const uint ChannelOpenAdministrativelyProhibited = 1;
    private const uint ChannelOpenUnknownType = 3;
    private const uint ChannelOpenResourceShortage = 4;

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

    public void Handle(ReadOnlySpan<byte> payload)
    {
        var number = (SshMessageNumber)payload[0];
        var reader = new SshReader(payload[1..]);
        switch (number)
        {
            case SshMessageNumber.GlobalRequest:
                OnGlobalRequest(ref reader);
                break;
            case SshMessageNumber.ChannelOpen:
                OnChannelOpen(ref reader);
                break;
            case SshMessageNumber.ChannelWindowAdjust:
                Find(reader.ReadUInt32()).OnWindowAdjust(reader.ReadUInt32());
                break;
            case SshMessageNumber.ChannelData:
            {
                var channel = Find(reader.ReadUInt32());
                channel.OnData(reader.ReadBinary());
                break;
            }
            case SshMessageNumber.ChannelExtendedData:
            {
                // Clients have no stderr to send; consume the window and drop the bytes.
                var channel = Find(reader.ReadUInt32());
                reader.ReadUInt32();
                channel.OnIgnoredData(reader.ReadBinary().Length);
                break;
            }
            case SshMessageNumber.ChannelEof:
                Find(reader.ReadUInt32()).OnEof();
                break;
            case SshMessageNumber.ChannelClose:
            {
                uint id = reader.ReadUInt32();
                var channel = Find(id);
                channel.OnRemoteClose();
                Release(channel);
                break;
            }
            case SshMessageNumber.ChannelRequest:
                OnChannelRequest(ref reader);
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

    private void OnGlobalRequest(ref SshReader reader)
    {
        string name = reader.ReadString();
        bool wantReply = reader.ReadBoolean();
        Log.GlobalRequest(_logger, _connectionId, name);
        if (wantReply)
        {
            _transport.Enqueue([(byte)SshMessageNumber.RequestFailure]);
        }
    }

    private void OnChannelOpen(ref SshReader reader)
    {
        string type = reader.ReadString();
        uint sender = reader.ReadUInt32();
        uint window = reader.ReadUInt32();
        uint maxPacket = reader.ReadUInt32();
        if (type != "session")
        {
            SendOpenFailure(sender, type is "direct-tcpip" or "x11" or "forwarded-tcpip" ? ChannelOpenAdministrativelyProhibited : ChannelOpenUnknownType, "Channel type not supported");
            return;
        }
        int slot = Array.IndexOf(_channels, null);
        if (slot < 0)
        {
            SendOpenFailure(sender, ChannelOpenResourceShortage, "Too many channels");
            return;
        }
        if (maxPacket < 1)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Invalid channel maximum packet size.");
        }
        var channel = new SshChannel(_transport, (uint)slot, sender, window, maxPacket, _windowSize, _maxChunk);
        // We send in chunks of _maxChunk but accept whole SFTP requests in one message: a client that must split a
        // 32 KiB WRITE into a full message plus a tail (paramiko) has its tail held by Nagle until our delayed ACK.
        _channels[slot] = channel;
        using var writer = new SshWriter(32);
        writer.WriteMessage(SshMessageNumber.ChannelOpenConfirmation)
            .WriteUInt32(sender)
            .WriteUInt32((uint)slot)
            .WriteUInt32(_windowSize)
            .WriteUInt32(_receiveMaxPacket);
        _transport.Enqueue(writer.WrittenSpan);
    }

    private void SendOpenFailure(uint sender, uint reason, string description)
    {
        using var writer = new SshWriter(64);
        writer.WriteMessage(SshMessageNumber.ChannelOpenFailure).WriteUInt32(sender).WriteUInt32(reason).WriteString(description).WriteString(string.Empty);
        _transport.Enqueue(writer.WrittenSpan);
    }

    private void OnChannelRequest(ref SshReader reader)
    {
        var channel = Find(reader.ReadUInt32());
        string request = reader.ReadString();
        bool wantReply = reader.ReadBoolean();
        bool accepted = false;
        switch (request)
        {
            case "subsystem" when !channel.Started:
            {
                string name = reader.ReadString();
                var handler = _subsystems.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.Ordinal));
                if (handler is not null)
                {
                    accepted = true;
                    Reply(channel, wantReply, true);
                    Log.SubsystemStarted(_logger, _connectionId, channel.LocalId, name);
                    Start(channel, (context, token) => handler.RunAsync(context, token));
                    return;
                }
                Log.SubsystemUnknown(_logger, _connectionId, name);
                break;
            }
            case "exec" when !channel.Started:
            {
                string command = Encoding.UTF8.GetString(reader.ReadBinary());
                accepted = true;
                Reply(channel, wantReply, true);
                Log.ExecStarted(_logger, _connectionId, channel.LocalId, command.Length > 200 ? command[..200] : command);
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
        Reply(channel, wantReply, accepted);
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
        Span<byte> message = stackalloc byte[5];
        message[0] = (byte)(success ? SshMessageNumber.ChannelSuccess : SshMessageNumber.ChannelFailure);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(message[1..], channel.RemoteId);
        _transport.Enqueue(message);
    }

    private void Start(SshChannel channel, Func<SshChannelContext, CancellationToken, Task<int>> run)
    {
        channel.Started = true;
        var context = new SshChannelContext(_principal, _remoteEndPoint, _connectionId, channel.Input, channel.Output, channel.Error, _connection);
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
                Log.HandlerFailed(_logger, _connectionId, channel.LocalId, ex);
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
