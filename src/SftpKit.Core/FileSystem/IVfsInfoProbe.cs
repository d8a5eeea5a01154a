namespace SftpKit.FileSystem;

/// <summary>
/// A capability: answers "no such file" without throwing. The SFTP layer and the account policy layer ask whether
/// the target exists on every upload OPEN, and for a new file the answer is always "no": through
/// <see cref="IVirtualFileSystem.GetInfoAsync"/> that is an exception thrown and re-thrown through every async layer,
/// which can cost more than the storage call itself. A file system without it is asked through
/// <see cref="IVirtualFileSystem.GetInfoAsync"/>, with <see cref="VfsError.NotFound"/> caught.
/// </summary>
public interface IVfsInfoProbe
{
    /// <summary>
    /// As <see cref="IVirtualFileSystem.GetInfoAsync"/>, but null where that would throw
    /// <see cref="VfsError.NotFound"/> (it may still throw NotFound, e.g. for a missing parent); every other outcome,
    /// exceptions included, is the same.
    /// </summary>
    ValueTask<VfsFileInfo?> TryGetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken);
}

/// <summary>Existence checks that use <see cref="IVfsInfoProbe"/> where the file system has it.</summary>
internal static class VfsInfoProbe
{
    /// <summary>The entry's attributes, or null when it does not exist (<see cref="VfsError.NotFound"/>).</summary>
    public static async ValueTask<VfsFileInfo?> TryGetInfoAsync(IVirtualFileSystem fs, string path, bool followLinks, CancellationToken cancellationToken)
    {
        if (fs.GetCapability<IVfsInfoProbe>() is { } probe)
        {
            return await probe.TryGetInfoAsync(path, followLinks, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            return await fs.GetInfoAsync(path, followLinks, cancellationToken).ConfigureAwait(false);
        }
        catch (VfsException ex) when (ex.Error == VfsError.NotFound)
        {
            return null;
        }
    }
}
