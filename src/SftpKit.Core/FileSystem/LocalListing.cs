using System.IO.Enumeration;

namespace SftpKit.FileSystem;

/// <summary>
/// Directory listings of a <see cref="LocalFileSystem"/>: through a handle of the directory where the platform can
/// enumerate one (<c>/proc/self/fd</c>), else by path. Atomic uploads in progress are never listed.
/// </summary>
internal static class LocalListing
{
    /// <summary>Whether an open directory can be enumerated through its <c>/proc/self/fd</c> entry.</summary>
    public static readonly bool ProcFdAvailable = OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd");

    /// <summary>Every entry, hidden ones included; nothing skipped for being inaccessible.</summary>
    public static readonly EnumerationOptions ListingOptions = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    public static bool IsUploadTemporary(string name)
        => name.StartsWith(LocalFileSystem.TempPrefix, StringComparison.Ordinal) && name.EndsWith(LocalFileSystem.TempSuffix, StringComparison.Ordinal);

    /// <summary>The listing where no directory handle can be enumerated: by path, each entry checked then described.</summary>
    public static IEnumerable<VfsFileInfo> ListByPath(string real, CancellationToken cancellationToken)
    {
        var entries = LocalFileSystem.Run(() =>
        {
            var dir = new DirectoryInfo(real);
            if (!dir.Exists)
            {
                throw File.Exists(real)
                    ? new VfsException(VfsError.NotADirectory, "Not a directory.")
                    : new VfsException(VfsError.NotFound, "No such file or directory.");
            }
            return dir.EnumerateFileSystemInfos().GetEnumerator();
        });
        using (entries)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                VfsFileInfo? info;
                bool more = LocalFileSystem.Run(() => entries.MoveNext());
                if (!more)
                {
                    break;
                }
                var entry = entries.Current;
                if (IsUploadTemporary(entry.Name))
                {
                    continue; // an atomic upload in progress
                }
                try
                {
                    info = LocalEntries.Describe(entry.FullName, entry.Name);
                }
                catch (VfsException)
                {
                    continue; // vanished while listing
                }
                yield return info;
            }
        }
    }

    /// <summary>
    /// Lists the directory <paramref name="real"/> through a handle of the directory itself, checked inside the root:
    /// the names come from that inode (enumerated through <c>/proc/self/fd</c>, streaming, one entry at a time) and each
    /// is stat'ed relative to the same handle, so a link swapped into the path meanwhile changes nothing listed.
    /// </summary>
    public static IEnumerable<VfsFileInfo> ListConfined(LocalFileSystem fs, string real, CancellationToken cancellationToken)
    {
        using var directory = LocalFileSystem.Run(() => fs.OpenConfinedDirectory(real));
        string handlePath = "/proc/self/fd/" + directory.DangerousGetHandle().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var names = LocalFileSystem.Run(() => new FileSystemEnumerable<string>(handlePath, static (ref FileSystemEntry entry) => entry.FileName.ToString(), ListingOptions)
            .GetEnumerator());
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!LocalFileSystem.Run(() => names.MoveNext()))
            {
                break;
            }
            string name = names.Current;
            if (IsUploadTemporary(name))
            {
                continue; // an atomic upload in progress
            }
            if (UnixNative.StatAt(directory, name, out _) is { } stat)
            {
                yield return LocalEntries.ToInfo(stat, name);
            }
            // else vanished while listing
        }
    }
}
