namespace SftpKit.FileSystem;

/// <summary>Lookups of <see cref="IVirtualFileSystem.GetCapability{T}"/> shared by the protocols and the decorators.</summary>
internal static class VfsCapabilities
{
    /// <summary>The capability, or <see cref="VfsError.Unsupported"/> when the file system lacks it.</summary>
    public static T Require<T>(IVirtualFileSystem fs)
        where T : class
        => fs.GetCapability<T>() ?? throw new VfsException(VfsError.Unsupported, "Not supported by this storage.");

    /// <summary>Refuses a null or empty symbolic link target (<see cref="VfsError.InvalidPath"/>).</summary>
    public static void CheckLinkTarget(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Length == 0)
        {
            throw new VfsException(VfsError.InvalidPath, "Empty link target.");
        }
    }

    /// <summary>The first of <paramref name="candidates"/> that is a <typeparamref name="T"/>, else null.</summary>
    public static T? FirstOf<T>(params ReadOnlySpan<object?> candidates)
        where T : class
    {
        foreach (object? candidate in candidates)
        {
            if (candidate is T found)
            {
                return found;
            }
        }
        return null;
    }
}
