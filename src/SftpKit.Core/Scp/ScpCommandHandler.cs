using Microsoft.Extensions.Logging;
using SftpKit.Commands;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Scp;

/// <summary>
/// Legacy SCP over exec (<c>scp -O</c> and older clients): <c>scp -t</c> receives uploads, <c>scp -f</c> sends
/// downloads, over the same file system the SFTP subsystem gives the user. The command line is split like a shell
/// would (quotes, escapes) but never run by one: remote wildcards are not expanded.
/// </summary>
internal sealed class ScpCommandHandler(ISftpFileSystemProvider fileSystems, ILogger<ScpCommandHandler> logger) : ISshCommandHandler
{
    /// <summary>Longest protocol line accepted from the client, in bytes.</summary>
    public const int MaxLineLength = 4096;

    private readonly ISftpFileSystemProvider _fileSystems = fileSystems;
    private readonly ILogger _logger = logger;

    public bool CanExecute(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var span = command.AsSpan().TrimStart(" \t");
        return span.StartsWith("scp ", StringComparison.Ordinal) || span.StartsWith("scp\t", StringComparison.Ordinal);
    }

    public async Task<int> ExecuteAsync(SshChannelContext context, string command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(command);
        CommandLog.CommandStarted(_logger, context.ConnectionId, "scp");
        var output = new ScpOutput(context.Output);
        ScpArguments? args = null;
        if (!ShellWords.TryParse(command, out var commands, out string? error)
            || (commands.Count != 1 && (error = "command lists are not supported") is not null)
            || !ScpArguments.TryParse(commands[0], out args, out error))
        {
            CommandLog.CommandRefused(_logger, context.ConnectionId, error!);
            await output.FatalAsync(error!, cancellationToken).ConfigureAwait(false);
            return 1;
        }
        IVirtualFileSystem fs;
        try
        {
            fs = await _fileSystems.GetFileSystemAsync(context, SftpKit.Events.SftpEventProtocol.Scp, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CommandLog.FileSystemUnavailable(_logger, context.ConnectionId, ex);
            await output.FatalAsync("file system unavailable", cancellationToken).ConfigureAwait(false);
            return 1;
        }
        var run = new ScpRun(fs, args!, new ScpInput(context.Input), output, _logger, context.ConnectionId, MaxLineLength);
        return run.Args.Sink
            ? await new ScpSink(run).RunAsync(cancellationToken).ConfigureAwait(false)
            : await new ScpSource(run).RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
