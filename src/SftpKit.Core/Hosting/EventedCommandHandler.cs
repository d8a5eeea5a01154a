using System.Diagnostics;
using System.Net;
using SftpKit.Events;

namespace SftpKit.Hosting;

/// <summary>
/// Raises the SshCommand events around every exec command (hash commands, cd/pwd, SCP): a pre-event that may refuse
/// the command (the client gets "Permission denied" on stderr and exit status 1) and a post-event with the exit
/// status and elapsed time. <see cref="SftpEvent.Path"/> carries the command line (at most 1,024 characters).
/// </summary>
internal sealed class EventedCommandHandler : ISshCommandHandler
{
    private const int MaxCommandText = 1024;
    private readonly ISshCommandHandler _inner;
    private readonly ISftpEventDispatcher _events;

    public EventedCommandHandler(ISshCommandHandler inner, ISftpEventDispatcher events)
    {
        _inner = inner;
        _events = events;
    }

    public bool CanExecute(string command) => _inner.CanExecute(command);

    public async Task<int> ExecuteAsync(SshChannelContext context, string command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(command);
        var template = new SftpEvent
        {
            Kind = SftpEventKind.SshCommand,
            Protocol = SftpEventProtocol.Ssh,
            UserName = context.Principal.UserName,
            Path = command.Length > MaxCommandText ? command[..MaxCommandText] : command,
            RemoteAddress = context.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : context.RemoteEndPoint?.ToString(),
            ConnectionId = context.ConnectionId,
            SessionId = context.ConnectionId,
        };
        long start = Stopwatch.GetTimestamp();
        var decision = await _events.RaisePreAsync(template, cancellationToken).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            await context.Error.WriteAsync("Permission denied\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            _events.RaisePost(template with { Status = SftpEventStatus.Denied, Elapsed = Stopwatch.GetElapsedTime(start) });
            return 1;
        }
        int status = 1;
        try
        {
            status = await _inner.ExecuteAsync(context, command, cancellationToken).ConfigureAwait(false);
            return status;
        }
        finally
        {
            _events.RaisePost(template with
            {
                Status = status == 0 ? SftpEventStatus.Ok : SftpEventStatus.Failed,
                Elapsed = Stopwatch.GetElapsedTime(start),
                Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["exit_status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            });
        }
    }
}
