using System.Net;

namespace SftpKit;

/// <summary>
/// Runs a named subsystem (e.g. <c>sftp</c>) on a session channel. Register with
/// <c>AddSubsystem&lt;T&gt;()</c>; one instance serves every channel, so keep per-channel state local.
/// </summary>
public interface ISshSubsystemHandler
{
    /// <summary>The subsystem name the client requests, e.g. <c>sftp</c>.</summary>
    string Name { get; }

    /// <summary>Serves the channel until done; the return value is sent as the exit status.</summary>
    Task<int> RunAsync(SshChannelContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Runs commands requested with <c>exec</c>. Handlers are asked in registration order; the first whose
/// <see cref="CanExecute"/> returns true runs the command. A command no handler takes gets a message on stderr and
/// exit status 127.
/// </summary>
public interface ISshCommandHandler
{
    /// <summary>Whether this handler runs <paramref name="command"/>.</summary>
    bool CanExecute(string command);

    /// <summary>Runs the command; the return value is sent as the exit status.</summary>
    Task<int> ExecuteAsync(SshChannelContext context, string command, CancellationToken cancellationToken);
}

/// <summary>One session channel as a handler sees it: the user, and the channel's three byte streams.</summary>
public sealed class SshChannelContext
{
    /// <summary>
    /// A channel outside a server, for unit-testing an <see cref="ISshCommandHandler"/> or <see cref="ISshSubsystemHandler"/>:
    /// the handler reads <paramref name="input"/> and writes <paramref name="output"/> and <paramref name="error"/>
    /// (<see cref="Stream.Null"/> when null); <see cref="Connection"/> is a connection of its own that counts
    /// transfers but is registered nowhere.
    /// </summary>
    /// <param name="principal">The authenticated user the handler serves.</param>
    /// <param name="input">What the client sends (end of stream = the client's EOF).</param>
    /// <param name="output">Standard output to the client.</param>
    /// <param name="error">Standard error to the client; defaults to <see cref="Stream.Null"/>.</param>
    /// <param name="remoteEndPoint">The client's address; defaults to none.</param>
    /// <param name="connectionId">The connection id; defaults to <c>test</c>.</param>
    public SshChannelContext(SshPrincipal principal, Stream input, Stream output, Stream? error = null, EndPoint? remoteEndPoint = null,
        string? connectionId = null)
        : this(principal, remoteEndPoint, connectionId ?? "test", input, output, error ?? Stream.Null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
    }

    internal SshChannelContext(SshPrincipal principal, EndPoint? remoteEndPoint, string connectionId, Stream input, Stream output, Stream error,
        SftpConnection? connection = null)
    {
        if (connection is null)
        {
            // A channel served outside a server (tests, stdio): counters still work, nothing is registered.
            connection = new SftpConnection(connectionId, remoteEndPoint, TimeProvider.System, metrics: null);
            connection.SetAuthenticated(principal);
        }
        Connection = connection;
        Principal = principal;
        RemoteEndPoint = remoteEndPoint;
        ConnectionId = connectionId;
        Input = input;
        Output = output;
        Error = error;
    }

    /// <summary>The authenticated user.</summary>
    public SshPrincipal Principal { get; }

    /// <summary>The client's address, when known.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The server-assigned connection id (also in log scopes).</summary>
    public string ConnectionId { get; }

    /// <summary>
    /// The connection this channel belongs to, as <see cref="ISftpConnectionRegistry"/> lists it: report file
    /// transfers here with <see cref="SftpConnection.BeginTransfer"/> so counters and metrics see them.
    /// </summary>
    public SftpConnection Connection { get; }

    /// <summary>Bytes the client sends; reads return 0 after the client's EOF.</summary>
    public Stream Input { get; }

    /// <summary>
    /// The bytes of <see cref="Input"/> as a pipe, when the channel is an SSH channel: a handler that reads through
    /// it (the SFTP subsystem) holds no read buffer of its own while the client is idle. Use it or
    /// <see cref="Input"/>, never both.
    /// </summary>
    internal System.IO.Pipelines.PipeReader? InputReader { get; init; }

    /// <summary>Standard output to the client. Writes wait for the client's window (flow control).</summary>
    public Stream Output { get; }

    /// <summary>Standard error to the client (extended data type 1).</summary>
    public Stream Error { get; }
}
