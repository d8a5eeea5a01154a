using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// The principal's own file system (its <see cref="IVirtualFileSystem"/> feature), else local disk at its home
/// directory, with no policy or event layer. Not registered by default: the session pipeline
/// (<c>AccountFileSystemProvider</c>) is, so that every login gets the server's policies and events.
/// </summary>
internal sealed class PrincipalFileSystemProvider : ISftpFileSystemProvider
{
    public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.GetFeature<IVirtualFileSystem>() is { } fs)
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
