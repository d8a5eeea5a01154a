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
}
