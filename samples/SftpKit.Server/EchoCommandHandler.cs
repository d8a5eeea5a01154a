using SftpKit;

namespace SftpKit.Server;

/// <summary>
/// Until the SFTP subsystem lands, the sample answers two commands so scripts can check a login end to end:
/// <c>echo ARGS</c> prints its arguments, and <c>cat</c> copies the input back.
/// </summary>
internal sealed class EchoCommandHandler : ISshCommandHandler
{
    public bool CanExecute(string command) => command == "cat" || command == "echo" || command.StartsWith("echo ", StringComparison.Ordinal);

    public async Task<int> ExecuteAsync(SshChannelContext context, string command, CancellationToken cancellationToken)
    {
        if (command == "cat")
        {
            await context.Input.CopyToAsync(context.Output, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        string text = command.Length > 5 ? command[5..] : string.Empty;
        await context.Output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text + "\n"), cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
