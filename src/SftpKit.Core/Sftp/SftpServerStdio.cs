using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// Serves SFTP on a plain pair of streams, without SSH: stdin/stdout for <c>sftp -D</c>, or a pipe in tests.
/// </summary>
public static class SftpServerStdio
{
    /// <summary>Serves one session until <paramref name="input"/> ends; returns 0, or 1 after a protocol error.</summary>
    public static async Task<int> RunAsync(IVirtualFileSystem fs, Stream input, Stream output, SftpSubsystemOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fs);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new SftpSubsystemOptions();
        SftpSubsystemOptionsValidator.ThrowIfInvalid(options);
        await using var session = new SftpSession(fs, output, options, NullLogger.Instance, "stdio");
        return await session.RunAsync(input, cancellationToken);
    }
}
