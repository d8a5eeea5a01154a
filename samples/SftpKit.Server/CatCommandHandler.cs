using SftpKit;

namespace SftpKit.Server;

/// <summary>
/// <c>cat</c> copies the input back, so scripts can check a login and the data path end to end. (<c>echo</c>,
/// <c>pwd</c> and the hash commands come from <c>AddHashCommands()</c>.)
/// </summary>
internal sealed class CatCommandHandler : ISshCommandHandler
{
    public bool CanExecute(string command) => command == "cat";

    public async Task<int> ExecuteAsync(SshChannelContext context, string command, CancellationToken cancellationToken)
    {
        await context.Input.CopyToAsync(context.Output, cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
