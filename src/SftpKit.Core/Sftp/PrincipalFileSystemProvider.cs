using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>The default <see cref="ISftpFileSystemProvider"/>: the principal's own file system, else its home directory.</summary>
internal sealed class PrincipalFileSystemProvider : ISftpFileSystemProvider
{
    /// <summary>The principal property an authenticator sets to hand a session its file system.</summary>
    public const string FileSystemProperty = "SftpKit.FileSystem";

    public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Properties.TryGetValue(FileSystemProperty, out var value) && value is IVirtualFileSystem fs)
        {
            return ValueTask.FromResult(fs);
        }
        if (string.IsNullOrEmpty(principal.HomeDirectory))
        {
            throw new InvalidOperationException("The user has neither a file system nor a home directory.");
        }
        return ValueTask.FromResult<IVirtualFileSystem>(CreateLocal(principal.HomeDirectory));
    }

    private static LocalFileSystem CreateLocal(string root)
        => new LocalFileSystem(new LocalFileSystemOptions { RootPath = root });
}
