using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SftpKit.Events;

/// <summary>Runs an executable (no shell) per event with the event in <c>SFTPKIT_*</c> environment variables.</summary>
internal sealed class CommandEventActionHandler : ISftpEventHandler, IEventPhaseFilter
{
    private readonly CommandEventActionOptions _options;
    private readonly ILogger _logger;

    public CommandEventActionHandler(CommandEventActionOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger(EventsLog.CategoryName);
    }

    public bool HandlesPreEvents => _options.PreEvents;

    public bool HandlesPostEvents => _options.PostEvents;

    public async ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        if (!_options.Handles(sftpEvent.Kind, pre: true))
        {
            return SftpEventDecision.Allow;
        }
        int exitCode = await RunAsync(sftpEvent, pre: true, cancellationToken);
        return exitCode == 0 ? SftpEventDecision.Allow : SftpEventDecision.Deny($"event command exited with {exitCode}");
    }

    public async ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        if (_options.Handles(sftpEvent.Kind, pre: false))
        {
            await RunAsync(sftpEvent, pre: false, cancellationToken);
        }
    }

    /// <summary>The variables a command sees for <paramref name="e"/>; empty strings for unknown values.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> Variables(SftpEvent e, bool pre)
    {
        yield return new("SFTPKIT_ACTION", SftpEventNames.Action(e.Kind));
        yield return new("SFTPKIT_PHASE", SftpEventNames.Phase(pre));
        yield return new("SFTPKIT_USERNAME", e.UserName ?? string.Empty);
        yield return new("SFTPKIT_PATH", e.Path ?? string.Empty);
        yield return new("SFTPKIT_TARGET_PATH", e.TargetPath ?? string.Empty);
        yield return new("SFTPKIT_SIZE", e.Size?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        yield return new("SFTPKIT_STATUS", SftpEventNames.Status(e.Status));
        yield return new("SFTPKIT_ERROR", e.Error ?? string.Empty);
        yield return new("SFTPKIT_PROTOCOL", e.Protocol);
        yield return new("SFTPKIT_REMOTE_ADDRESS", e.RemoteAddress ?? string.Empty);
        yield return new("SFTPKIT_CONNECTION_ID", e.ConnectionId ?? string.Empty);
        yield return new("SFTPKIT_SESSION_ID", e.SessionId ?? string.Empty);
        yield return new("SFTPKIT_ELAPSED_MS", SftpEventNames.Milliseconds(e.Elapsed)?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        yield return new("SFTPKIT_BYTES_RECEIVED", e.BytesReceived?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        yield return new("SFTPKIT_BYTES_SENT", e.BytesSent?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        yield return new("SFTPKIT_TIMESTAMP", e.Timestamp.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
    }

    private async Task<int> RunAsync(SftpEvent sftpEvent, bool pre, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_options.FileName!)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (_options.WorkingDirectory is not null)
        {
            start.WorkingDirectory = _options.WorkingDirectory;
        }
        foreach (var argument in _options.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        if (!_options.InheritEnvironment)
        {
            string path = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
            start.Environment.Clear();
            start.Environment["PATH"] = path;
        }
        foreach (var (name, value) in _options.Environment)
        {
            start.Environment[name] = value;
        }
        foreach (var (name, value) in Variables(sftpEvent, pre))
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The event command did not start.");
        process.StandardInput.Close();
        // Drain both pipes so a chatty command never blocks on a full pipe; the output itself is not kept.
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            EventsLog.CommandActionKilled(_logger, _options.FileName!, sftpEvent.Kind, (long)_options.Timeout.TotalMilliseconds);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw new TimeoutException($"The event command ran longer than {_options.Timeout.TotalMilliseconds:0} ms and was killed.");
        }
        EventsLog.CommandActionExited(_logger, _options.FileName!, sftpEvent.Kind, process.ExitCode);
        return process.ExitCode;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Part of the tree could not be signalled; the rest was.
        }
    }
}
