using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

/// <summary>
/// The owner a <see cref="LocalFileSystem"/> gives the entries it creates (<see cref="LocalFileSystemOptions.Uid"/>,
/// <see cref="LocalFileSystemOptions.Gid"/>), applied only when the server runs as root; -1 keeps a field.
/// </summary>
internal sealed class LocalOwner(LocalFileSystemOptions options)
{
    private bool ChangesOwner => (options.Uid is not null || options.Gid is not null) && UnixNative.IsRoot;

    public void Apply(SafeFileHandle handle)
    {
        if (ChangesOwner)
        {
            _ = UnixNative.FChown(handle, options.Uid ?? uint.MaxValue, options.Gid ?? uint.MaxValue); // -1 keeps
        }
    }

    public void Apply(SafeFileHandle directory, string name)
    {
        if (ChangesOwner)
        {
            _ = UnixNative.ChownAt(directory, name, options.Uid ?? uint.MaxValue, options.Gid ?? uint.MaxValue); // -1 keeps
        }
    }

    public void Apply(string real)
    {
        if (ChangesOwner)
        {
            _ = UnixNative.LChown(real, options.Uid ?? uint.MaxValue, options.Gid ?? uint.MaxValue); // -1 keeps
        }
    }
}
