using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SftpKit.Sftp;

/// <summary>
/// The <c>sftp</c> subsystem: SFTP version 3 as OpenSSH's sftp-server speaks it, with its extensions, over the
/// file system <see cref="ISftpFileSystemProvider"/> gives the user. Register with <c>AddSftp()</c>.
/// </summary>
internal sealed class SftpSubsystemHandler : ISshSubsystemHandler
{
    private readonly SftpSubsystemOptions _options;
    private readonly ISftpFileSystemProvider _fileSystems;
    private readonly ILogger _logger;

    /// <summary>Creates the handler (normally done by dependency injection).</summary>
    public SftpSubsystemHandler(IOptions<SftpSubsystemOptions> options, ISftpFileSystemProvider fileSystems, ILogger<SftpSubsystemHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fileSystems);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        SftpSubsystemOptionsValidator.ThrowIfInvalid(_options);
        _fileSystems = fileSystems;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Name => "sftp";

    /// <inheritdoc />
    public async Task<int> RunAsync(SshChannelContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        FileSystem.IVirtualFileSystem fs;
        try
        {
            fs = await _fileSystems.GetFileSystemAsync(context, SftpKit.Events.SftpEventProtocol.Sftp, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SftpLog.FileSystemUnavailable(_logger, context.ConnectionId, ex);
            return 1;
        }
        await using var session = new SftpSession(fs, context.Output, _options, _logger, context.ConnectionId);
        // An SSH channel's own pipe, when there is one: no second buffer, no copy, nothing held while idle.
        return context.InputReader is { } reader
            ? await session.RunAsync(reader, cancellationToken)
            : await session.RunAsync(context.Input, cancellationToken);
    }
}
