using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SftpKit.Events.Rules;

/// <summary>
/// Runs the program of a <see cref="SftpEventActionType.Command"/> action: only a program listed in
/// <see cref="SftpEventRuleOptions.AllowedCommands"/> (absolute paths; empty by default, which disables command
/// actions), started without a shell, with the rendered arguments and an environment holding only <c>PATH</c> and the
/// action's rendered variables. Its output is drained and discarded. It fails on a non-zero exit code; after
/// <see cref="SftpCommandActionSettings.TimeoutSeconds"/> (1–600, default 20) the process and its children are killed.
/// </summary>
internal sealed class CommandEventActionExecutor : ISftpEventActionExecutor
{
    private readonly SftpEventRuleOptions _options;
    private readonly ILogger _logger;

    public CommandEventActionExecutor(IOptions<SftpEventRuleOptions> options, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _logger = loggerFactory.CreateLogger(EventRulesLog.CategoryName);
    }

    public SftpEventActionType Type => SftpEventActionType.Command;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Action.Options.Command ?? throw new SftpEventActionException("the action has no command settings");
        if (string.IsNullOrEmpty(settings.Command) || !Path.IsPathFullyQualified(settings.Command)
            || !_options.AllowedCommands.Contains(settings.Command, StringComparer.Ordinal))
        {
            throw new SftpEventActionException("the command is not in the allowed commands");
        }
        var start = new ProcessStartInfo(settings.Command)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in settings.Arguments)
        {
            start.ArgumentList.Add(context.Render(argument));
        }
        string path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        start.Environment.Clear();
        start.Environment["PATH"] = path;
        foreach (var variable in settings.EnvironmentVariables)
        {
            if (!string.IsNullOrEmpty(variable.Key))
            {
                start.Environment[variable.Key] = context.Render(variable.Value);
            }
        }

        int timeoutSeconds = Math.Clamp(settings.TimeoutSeconds, 1, 600);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SftpEventActionException("the command did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SftpEventActionException("the command did not start", ex);
        }
        using (process)
        {
            process.StandardInput.Close();
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                EventRulesLog.CommandKilled(_logger, context.Action.Name, timeoutSeconds);
                throw new SftpEventActionException($"the command ran longer than {timeoutSeconds} s and was killed");
            }
            if (process.ExitCode != 0)
            {
                throw new SftpEventActionException($"the command exited with {process.ExitCode}");
            }
        }
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
