using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

/// <summary>
/// Capability calls written as calls on the file system, each through <see cref="IVirtualFileSystem.GetCapability{T}"/>;
/// a missing capability fails the test.
/// </summary>
internal static class VfsCapabilityCalls
{
    public static T Capability<T>(this IVirtualFileSystem fs)
        where T : class
        => fs.GetCapability<T>() ?? throw new Xunit.Sdk.XunitException($"{fs.GetType().Name} has no {typeof(T).Name}.");

    public static ValueTask CreateSymbolicLinkAsync(this IVirtualFileSystem fs, string linkPath, string target, CancellationToken cancellationToken)
        => fs.Capability<IVfsSymbolicLinks>().CreateSymbolicLinkAsync(linkPath, target, cancellationToken);

    public static ValueTask<string> ReadSymbolicLinkAsync(this IVirtualFileSystem fs, string linkPath, CancellationToken cancellationToken)
        => fs.Capability<IVfsSymbolicLinks>().ReadSymbolicLinkAsync(linkPath, cancellationToken);

    public static ValueTask CreateHardLinkAsync(this IVirtualFileSystem fs, string existingPath, string newPath, CancellationToken cancellationToken)
        => fs.Capability<IVfsHardLinks>().CreateHardLinkAsync(existingPath, newPath, cancellationToken);

    public static ValueTask<VfsSpaceInfo> GetSpaceAsync(this IVirtualFileSystem fs, string path, CancellationToken cancellationToken)
        => fs.Capability<IVfsSpaceInfo>().GetSpaceAsync(path, cancellationToken);

    public static ValueTask CopyAsync(this IVirtualFileSystem fs, string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
        => fs.Capability<IVfsServerSideCopy>().CopyAsync(from, fromOffset, length, to, toOffset, cancellationToken);
}
