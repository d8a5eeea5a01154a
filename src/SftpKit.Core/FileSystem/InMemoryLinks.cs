namespace SftpKit.FileSystem;

/// <summary>
/// Symbolic links (followed when resolving, at most <see cref="InMemoryFileSystem.MaxLinkHops"/> hops) and hard links
/// (names share one file) of an <see cref="InMemoryFileSystem"/>.
/// </summary>
internal sealed class InMemoryLinks(InMemoryFileSystem fs) : IVfsSymbolicLinks, IVfsHardLinks
{
    public ValueTask CreateSymbolicLinkAsync(string linkPath, string target, CancellationToken cancellationToken)
    {
        VfsCapabilities.CheckLinkTarget(target);
        cancellationToken.ThrowIfCancellationRequested();
        _ = VirtualPath.Normalize(target); // rejects control characters and overlong text
        lock (fs.Gate)
        {
            var lookup = fs.Resolve(linkPath, followFinal: false);
            if (lookup.Node is not null)
            {
                throw new VfsException(VfsError.AlreadyExists, "The path exists.");
            }
            InMemoryEntries.CheckName(lookup.Name);
            fs.Link(lookup.Parent!, lookup.Name, new InMemorySymbolicLink(target, InMemoryFileSystem.Now));
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<string> ReadSymbolicLinkAsync(string linkPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (fs.Gate)
        {
            var node = InMemoryEntries.RequireNode(fs.Resolve(linkPath, followFinal: false));
            var link = node as InMemorySymbolicLink ?? throw new VfsException(VfsError.Failure, "Not a symbolic link.");
            return ValueTask.FromResult(link.Target);
        }
    }

    public ValueTask CreateHardLinkAsync(string existingPath, string newPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (fs.Gate)
        {
            var node = InMemoryEntries.RequireNode(fs.Resolve(existingPath, followFinal: false));
            if (node is InMemoryDirectory)
            {
                throw new VfsException(VfsError.PermissionDenied, "Directories cannot be hard-linked.");
            }
            var lookup = fs.Resolve(newPath, followFinal: false);
            if (lookup.Node is not null)
            {
                throw new VfsException(VfsError.AlreadyExists, "The path exists.");
            }
            InMemoryEntries.CheckName(lookup.Name);
            fs.Link(lookup.Parent!, lookup.Name, node);
        }
        return ValueTask.CompletedTask;
    }
}
