using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// Gives each SFTP session the file system of its user. Replace with <c>AddFileSystemProvider&lt;T&gt;()</c>.
/// The default uses <c>principal.Properties["SftpKit.FileSystem"]</c> when it holds an
/// <see cref="IVirtualFileSystem"/>, else a local file system rooted at <see cref="SshPrincipal.HomeDirectory"/>.
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
}
