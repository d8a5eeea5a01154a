namespace SftpKit.FileSystem;

/// <summary>
/// A file system mounted at <paramref name="VirtualPath"/> of a <see cref="MountedFileSystem"/>: every path at or
/// below the mount point is handed to <paramref name="FileSystem"/> relative to it (<c>/shared/a</c> → <c>/a</c>).
/// </summary>
/// <param name="VirtualPath">
/// Absolute virtual path of the mount point, e.g. <c>/shared</c>; normalised with <see cref="FileSystem.VirtualPath.Normalize"/>.
/// Must not be <c>/</c> (the root file system is the <see cref="MountedFileSystem"/>'s first argument).
/// </param>
/// <param name="FileSystem">The file system seen under the mount point.</param>
public sealed record VfsMount(string VirtualPath, IVirtualFileSystem FileSystem);

/// <summary>Limits of a <see cref="MountedFileSystem"/>.</summary>
public sealed class MountedFileSystemOptions
{
    /// <summary>
    /// Most entries (the directory itself, its files, subdirectories and links) a rename of a directory across mounts
    /// copies. Larger trees are refused with <see cref="VfsError.Unsupported"/> before anything is copied, so a client
    /// cannot make the server copy an unbounded tree with one request. Must be at least 1. Defaults to 10000.
    /// </summary>
    public int MaxCrossMountEntries { get; set; } = 10_000;
}
