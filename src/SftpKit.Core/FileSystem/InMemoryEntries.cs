using System.Text;

namespace SftpKit.FileSystem;

/// <summary>Checks on the entries an <see cref="InMemoryFileSystem"/> lookup finds, and on new names.</summary>
internal static class InMemoryEntries
{
    public static List<string> SplitPath(string normalized)
        => [.. normalized.Split('/', StringSplitOptions.RemoveEmptyEntries)];

    public static InMemoryNode RequireNode(InMemoryFileSystem.Lookup lookup)
        => lookup.Node ?? throw new VfsException(VfsError.NotFound, "No such file or directory.");

    public static InMemoryFile RequireFile(InMemoryFileSystem.Lookup lookup) => RequireNode(lookup) switch
    {
        InMemoryFile file => file,
        InMemoryDirectory => throw new VfsException(VfsError.IsADirectory, "The path is a directory."),
        _ => throw new VfsException(VfsError.Failure, "The path is not a regular file."),
    };

    public static void CheckName(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) > InMemoryFileSystem.MaxNameLength)
        {
            throw new VfsException(VfsError.InvalidPath, "Name too long.");
        }
    }

    public static bool IsInside(InMemoryDirectory candidate, InMemoryDirectory ancestor)
    {
        // Directories have one name each, so walking down from the ancestor finds the candidate if it is inside.
        if (ReferenceEquals(candidate, ancestor))
        {
            return true;
        }
        foreach (var child in ancestor.Children.Values)
        {
            if (child is InMemoryDirectory dir && IsInside(candidate, dir))
            {
                return true;
            }
        }
        return false;
    }
}
