using Microsoft.Extensions.Logging;
using Renci.SshNet.Common;
using SftpKit.FileSystem;

namespace SftpKit.Storage.Sftp;

/// <summary>Maps SSH.NET failures to <see cref="VfsException"/> with generic messages (details go to the log).</summary>
internal static class SftpRemoteErrors
{
    public static async ValueTask<T> RunAsync<T>(SftpRemoteOptions options, ILogger logger, Func<ValueTask<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(options, logger, ex) is { } mapped)
        {
            throw mapped;
        }
    }

    public static async ValueTask RunAsync(SftpRemoteOptions options, ILogger logger, Func<ValueTask> operation)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(options, logger, ex) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>
    /// True when <paramref name="ex"/> says the connection it happened on cannot be trusted any more: dropped, disposed, or
    /// silent past <see cref="SftpRemoteOptions.OperationTimeout"/> (a connection a NAT or firewall forgot still looks
    /// connected; only a timed-out operation tells).
    /// </summary>
    public static bool IsConnectionFailure(Exception ex)
        => ex is SshConnectionException or SshOperationTimeoutException or System.Net.Sockets.SocketException or ObjectDisposedException;

    /// <summary>The error to throw for <paramref name="ex"/>, or null to let it pass (already a VfsException, or cancellation).</summary>
    public static VfsException? Map(SftpRemoteOptions options, ILogger logger, Exception ex)
    {
        switch (ex)
        {
            case VfsException or OperationCanceledException:
                return null;
            case SftpPathNotFoundException:
                return new VfsException(VfsError.NotFound, "No such file.");
            case SftpPermissionDeniedException:
                return new VfsException(VfsError.PermissionDenied, "Permission denied.");
            case SshConnectionException or SshAuthenticationException or SshOperationTimeoutException or System.Net.Sockets.SocketException
                or ObjectDisposedException or InvalidOperationException:
                SftpRemoteLog.RemoteFailed(logger, options.Host, options.Port, ex.GetType().Name, ex);
                return new VfsException(VfsError.Failure, "The remote storage is unavailable.");
            case SshException:
                return new VfsException(VfsError.Failure, "The remote storage refused the operation.");
            default:
                SftpRemoteLog.RemoteFailed(logger, options.Host, options.Port, ex.GetType().Name, ex);
                return new VfsException(VfsError.Failure, "The remote storage failed.");
        }
    }
}
