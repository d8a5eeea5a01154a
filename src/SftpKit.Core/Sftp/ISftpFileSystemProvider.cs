using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// Gives each SFTP session the file system of its user. Replace with <c>AddFileSystemProvider&lt;T&gt;()</c>.
/// The default is the session pipeline: the principal's account (its <c>SftpAccount</c> feature, else one made from the
/// principal) → storage (the principal's <see cref="IVirtualFileSystem"/> feature, else the account's storage, else
/// local disk at <see cref="SshPrincipal.HomeDirectory"/>) → virtual folders → policies → events.
/// </summary>
public interface ISftpFileSystemProvider
{
    /// <summary>The file system <paramref name="principal"/>'s session works on.</summary>
    ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct);

    /// <summary>
    /// The file system one channel works on, knowing the channel and its protocol (<c>SFTP</c>, <c>SCP</c>,
    /// <c>SSH</c> for commands) — used to label events. Defaults to <see cref="GetFileSystemAsync(SshPrincipal, CancellationToken)"/>.
    /// </summary>
    ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshChannelContext channel, string protocol, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return GetFileSystemAsync(channel.Principal, ct);
    }

    /// <summary>
    /// The file system a session outside SSH works on (the web client, protocol <c>HTTP</c>): the same account →
    /// storage → virtual folders → policies → events composition as an SSH channel, with events labelled
    /// <paramref name="protocol"/> and carrying <paramref name="sessionId"/> and <paramref name="remoteAddress"/>.
    /// Defaults to <see cref="GetFileSystemAsync(SshPrincipal, CancellationToken)"/>.
    /// </summary>
    ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, string protocol, string? sessionId, string? remoteAddress, CancellationToken ct)
        => GetFileSystemAsync(principal, ct);
}
